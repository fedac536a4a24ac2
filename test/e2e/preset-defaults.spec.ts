/**
 * Inputs (issue 13, item 4): a new preset starts from the active profile's default SCID and
 * title id instead of blank fields that Save would refuse.
 */
import { expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { SCID } from './flows.ts';

test("a new preset takes the active profile's default SCID and title id", async ({ app: page, mpsd }) => {
  await openScreen(page, 'Profiles');
  await page
    .getByRole('main')
    .getByRole('button', { name: /Create a profile|New profile/ })
    .click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Game A');
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByLabel(/Default title id/).fill('1234');
  await editor.getByLabel(/Default SCID/).fill(SCID);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor).toHaveCount(0);
  const card = page.getByTestId('profile-card').filter({ hasText: 'Game A' });
  const useIt = card.getByRole('button', { name: 'Use this profile' });
  if (await useIt.isVisible()) await useIt.click();
  await expect(page.getByTestId('active-profile')).toHaveText('Game A');

  await openScreen(page, 'Presets');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  await expect(page.getByLabel('SCID', { exact: true })).toHaveValue(SCID);
  await expect(page.getByLabel('Title id', { exact: true })).toHaveValue('1234');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'preset-new-from-profile-defaults', scheme);
  }
});
