/**
 * The steps the Multiplayer Activity specs share: an MPA profile for the local MPA, the local
 * MPA's own record, and the screenshot-and-axe check of a screen in light and dark.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { addLocalProfile, expect, saveScreenshot, type LocalMpsdInfo } from './fixtures.ts';

/** Screenshots `name` light and dark, and expects axe to find nothing on either. */
export async function lookAndCheck(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, name, scheme);
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(
      violations.map(
        (violation) => `${name} (${scheme}): ${violation.id} ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The local MPA's own record (its control API). */
export async function localMpa(page: Page, mpsd: LocalMpsdInfo) {
  const response = await page.request.get(`${mpsd.url}/_emulator/mpa`);
  expect(response.status()).toBe(200);
  return (await response.json()) as {
    activities: Array<{ xuid: string; titleId: string; connectionString: string; maxPlayers?: number }>;
    invites: Array<{ sender: string; invitedUser: string; connectionString: string }>;
  };
}

/** A local profile (the emulator's first user pasted, or `user`), switched to Multiplayer Activity through Edit. */
export async function addMpaProfile(page: Page, mpsd: LocalMpsdInfo, name: string, user = mpsd.users[0]): Promise<void> {
  if (user === undefined) throw new Error('The local MPSD seeds its users: none came.');
  await addLocalProfile(page, mpsd, user, name);
  const card = page.getByTestId('profile-card').filter({ hasText: name });
  await card.getByRole('button', { name: 'Edit' }).click();
  await page.getByTestId('profile-editor').getByLabel('Activities and invites through').selectOption('mpa');
  await page.getByTestId('profile-editor').getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('active-service')).toHaveText('MPA');
}
