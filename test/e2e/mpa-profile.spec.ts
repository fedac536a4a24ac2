/**
 * Issue 11 item 1: a profile chooses its service (MPSD handles or Multiplayer Activity) and
 * the top bar shows it, against the local MPSD in browser mode. Screenshots light and dark of
 * the editor with the choice, the editor refusing a bad field, and the saved MPA profile with
 * a long name; axe finds 0 violations on each.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openScreen, saveScreenshot, test } from './fixtures.ts';

test.describe.configure({ timeout: 180_000 });

/** Screenshots and axe in both themes. */
async function lookAndCheck(page: Page, name: string): Promise<void> {
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

test('a profile set to Multiplayer Activity says so in its card and in the top bar; MPSD stays the default', async ({
  app: page,
  mpsd,
}) => {
  // 60 characters, the most a profile name may have.
  const longName = 'Weekend tournament lobby on PlayFab Party, Scarlett + PC QA1';
  await openScreen(page, 'Profiles');
  await page
    .getByRole('main')
    .getByRole('button', { name: /Create a profile|New profile/ })
    .first()
    .click();
  const editor = page.getByTestId('profile-editor');
  await expect(editor.getByTestId('profile-service')).toHaveValue('mpsd');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByLabel('Activities and invites through').selectOption('mpa');
  // Refused first (no name, no sandbox): the choice is kept while the fields are fixed.
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('profile-name-message')).toBeVisible();
  await expect(editor.getByTestId('profile-service')).toHaveValue('mpa');
  await lookAndCheck(page, 'mpa-profile-editor-refused');

  await editor.getByLabel('Name', { exact: true }).fill(longName);
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor).toHaveCount(0);
  const card = page.getByTestId('profile-card').filter({ hasText: longName });
  await expect(card.getByTestId('profile-service-fact')).toHaveText('Multiplayer Activity (MPA)');
  const useIt = card.getByRole('button', { name: 'Use this profile' });
  if (await useIt.isVisible()) await useIt.click();
  await expect(page.getByTestId('active-profile')).toHaveText(longName);
  await expect(page.getByTestId('active-service')).toHaveText('MPA');
  await lookAndCheck(page, 'mpa-profile-top-bar');

  // Back to MPSD handles through Edit: the top bar follows.
  await card.getByRole('button', { name: 'Edit' }).click();
  await page.getByTestId('profile-editor').getByLabel('Activities and invites through').selectOption('mpsd');
  await page.getByTestId('profile-editor').getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('active-service')).toHaveText('MPSD handles');
});
