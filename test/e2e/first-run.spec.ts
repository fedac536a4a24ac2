/**
 * What a user with no profile and no token sees: the local MPSD, the command that starts it,
 * one click to a profile for it; placeholders that read as examples; and "Local MPSD" in the
 * profile editor filling the endpoint, so choosing it is enough to save.
 */
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';

const schemes = ['light', 'dark'] as const;

test('a new user is told about the local MPSD, and one click makes its profile and makes it active', async ({ app: page }) => {
  await openScreen(page, 'Compose');
  const offer = page.getByTestId('local-mpsd-offer');
  await expect(offer).toBeVisible();
  // The command as README.md gives it (run from the repository with npx).
  await expect(offer.getByTestId('local-mpsd-command')).toHaveText('npx handle-studio emulator start');
  // An empty SCID box shows an example, marked as one.
  await expect(page.getByLabel('SCID')).toHaveValue('');
  await expect(page.getByLabel('SCID')).toHaveAttribute('placeholder', /^e\.g\. /);
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'first-run-compose', scheme);
  }

  await openScreen(page, 'Profiles');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'first-run-profiles', scheme);
  }
  await page.getByTestId('local-mpsd-offer').getByRole('button', { name: 'Use the local MPSD' }).click();

  const card = page.getByTestId('profile-card');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('Local MPSD');
  await expect(card).toContainText('http://127.0.0.1:7777');
  await expect(card).toContainText('XDKS.1');
  await expect(page.getByTestId('active-profile')).toHaveText('Local MPSD');
  // The next step, pasting a test user's token, is right there.
  await expect(
    card
      .getByTestId('paste-authorization')
      .or(card.getByRole('button', { name: 'Keep tokens in memory for this run' }))
      .first(),
  ).toBeVisible();
  await expect(page.getByTestId('local-mpsd-offer')).toHaveCount(0);
  await openScreen(page, 'Compose');
  await expect(page.getByTestId('local-mpsd-offer')).toHaveCount(0);
});

test('choosing "Local MPSD on this computer" fills the endpoint, and the profile saves without typing it', async ({ app: page }) => {
  await openScreen(page, 'Profiles');
  await page.getByRole('main').getByRole('button', { name: 'Create a profile' }).click();
  const editor = page.getByTestId('profile-editor');
  await expect(editor.getByLabel('Name', { exact: true })).toHaveAttribute('placeholder', /^e\.g\. /);
  await expect(editor.getByLabel('Sandbox')).toHaveAttribute('placeholder', /^e\.g\. /);
  await editor.getByLabel('Name', { exact: true }).fill('Try it locally');
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await expect(editor.getByLabel('MPSD endpoint')).toHaveValue('http://127.0.0.1:7777');
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor).toHaveCount(0);
  await expect(page.getByTestId('profile-card').filter({ hasText: 'Try it locally' })).toContainText('http://127.0.0.1:7777');
});

test('an endpoint the user typed is kept when they choose "local" again', async ({ app: page, mpsd }) => {
  // The fixture's own steps type the emulator's URL after choosing local: that must win.
  await addLocalProfile(page, mpsd, mpsd.users[0]!);
  await expect(page.getByTestId('profile-card').filter({ hasText: 'Local MPSD' })).toContainText(mpsd.url);
  await page.getByTestId('profile-card').getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Environment').selectOption('custom');
  await editor.getByLabel('Environment').selectOption('local');
  await expect(editor.getByLabel('MPSD endpoint')).toHaveValue(mpsd.url);
});
