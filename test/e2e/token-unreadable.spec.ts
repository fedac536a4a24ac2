/**
 * A profile whose keychain entry cannot be read (written by a newer or broken build, edited
 * by hand) as the user meets it in browser mode: the real keychain of the test run
 * (gnome-keyring in npm test's private D-Bus session) is given a damaged entry for one
 * profile, the way the app itself would file it. The page must say "Token unreadable", why,
 * that the entry was kept, and how to fix it; the other profile must be untouched; pasting a
 * token must replace the entry. No switch in the app is involved: the damage is in the keychain.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { openKeychainVault } from '../../app/core/credentials/keychain-vault.ts';
import { secretKey } from '../../app/core/credentials/secret-keys.ts';
import { PRODUCT_NAME } from '../../app/core/data-dir.ts';
import type { SecretVault } from '../../app/core/ports.ts';
import type { ProfileView } from '../../app/shared/contract/profiles.ts';
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';

/** The keychain browser mode files tokens in, or why there is none here. */
async function keychain(): Promise<{ vault?: SecretVault; why?: string }> {
  try {
    return { vault: await openKeychainVault({ service: PRODUCT_NAME, timeoutMs: 20_000 }) };
  } catch (error) {
    return {
      why: `No Secret Service here (${error instanceof Error ? error.message : String(error)}); npm test runs this inside a gnome-keyring session.`,
    };
  }
}

/** What a newer build might file: valid JSON, not a token this version can read. */
const DAMAGED = '{"v":99,"written":"by a newer build"}';
// Near the 60-character limit: the card and the top bar must still lay it out.
const BROKEN = 'Broken dev: the token a newer build wrote, XDKS.1 team';

test('a profile whose token the keychain holds but cannot be read: the words, the fix, both themes, axe', async ({
  app: page,
  mpsd,
  studio,
  request,
}) => {
  // Two profiles, a reload and axe twice, on a machine other tests share: a limit for hangs only.
  test.setTimeout(300_000);
  const { vault, why } = await keychain();
  if (vault === undefined) return test.skip(true, why);
  const [user] = mpsd.users;
  if (user === undefined) throw new Error('the local MPSD started without users');
  await addLocalProfile(page, mpsd, user, 'Good dev');
  await addLocalProfile(page, mpsd, user, BROKEN);

  const listed = await request.post(`${studio.origin}/api/call/listProfiles`, {
    headers: { 'x-handle-studio-token': studio.token },
    data: {},
  });
  const { profiles } = ((await listed.json()) as { value: { profiles: ProfileView[] } }).value;
  const brokenId = profiles.find((profile) => profile.name === BROKEN)?.id ?? '';
  // Both profiles' tokens went to the run's keychain; they leave with the test.
  const tidy = async () => {
    for (const profile of profiles) for (const stored of await vault.keys(`${profile.id}/`)) await vault.delete(stored);
  };
  const key = secretKey(brokenId, 'xsts');
  try {
    await vault.set(key, DAMAGED);
    await page.reload();
    await openScreen(page, 'Profiles');

    const broken = page.getByTestId('profile-card').filter({ hasText: BROKEN });
    const good = page.getByTestId('profile-card').filter({ hasText: 'Good dev' });
    await expect(broken.getByTestId('profile-token-state')).toHaveText('Token unreadable');
    // Why, that nothing was deleted, and the two ways out: replace it here, or forget it.
    await expect(broken.getByRole('alert')).toHaveText(
      'The token stored in the OS keychain for this profile cannot be read by this version of Handle Studio (it was kept, not deleted): ' +
        'paste a token or sign in again to replace it, or update Handle Studio if a newer version stored it.',
    );
    await expect(broken.getByTestId('paste-authorization')).toBeVisible();
    await expect(broken.getByRole('button', { name: 'Save token' })).toBeVisible();
    await expect(broken.getByRole('button', { name: 'Sign out / forget token' })).toBeVisible();
    // No saved-token mask: there is no token this version can use.
    await expect(broken.getByTestId('saved-token')).toHaveCount(0);
    // One bad entry hides nothing else.
    await expect(good.getByTestId('profile-token-state')).toHaveText(/^Pasted token/);
    // The top bar names the active profile's problem on every screen, with the way to fix it.
    const topBar = page.getByTestId('token-state');
    await expect(topBar).toContainText('Token unreadable');
    await expect(topBar.getByRole('button', { name: 'Paste a token or sign in' })).toBeVisible();

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const shot = await saveScreenshot(page, 'profiles-token-unreadable', scheme);
      await test.info().attach(`profiles-token-unreadable-${scheme}`, { path: shot, contentType: 'image/png' });
      const { violations } = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze();
      expect(
        violations.map((violation) => `${scheme}: ${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // Kept, as it was, until the user replaces it.
    expect(await vault.get(key)).toBe(DAMAGED);
    await openScreen(page, 'Compose');
    await topBar.getByRole('button', { name: 'Paste a token or sign in' }).click();
    await expect(broken.getByTestId('paste-authorization')).toBeFocused();
    await broken.getByTestId('paste-authorization').fill(user.authorization);
    await broken.getByRole('button', { name: 'Save token' }).click();
    await expect(broken.getByTestId('profile-token-state')).toHaveText(/^Pasted token/);
    await expect(broken.getByRole('alert')).toHaveCount(0);
    await expect(topBar).not.toContainText('unreadable');
    expect(JSON.parse((await vault.get(key)) ?? 'null')).toMatchObject({ v: 1, source: 'pasted' });
  } finally {
    await tidy();
  }
});
