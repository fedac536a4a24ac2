/**
 * Reusing a history entry (Resend, Open as draft in Compose) replaces the Compose form: when
 * the form holds changes that were neither sent nor saved, the user is asked first, and
 * Cancel keeps them. A form that was just sent is not "unsaved": no question then.
 */
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { joinAndSetActivity } from './flows.ts';

test('Resend and Open as draft ask before replacing unsaved Compose work; Cancel keeps it', async ({ app: page, mpsd }) => {
  await addLocalProfile(page, mpsd, mpsd.users[0]!);
  await joinAndSetActivity(page, mpsd.users[0]!, 'GameSession', 'lobby-7');

  const drawer = page.getByTestId('history-drawer');
  const warning = drawer.getByTestId('history-use-warning');
  async function openSetActivityEntry(): Promise<void> {
    await openScreen(page, 'History');
    await page.getByTestId('history-row').filter({ hasText: 'Set activity' }).first().click();
    await expect(drawer.getByRole('button', { name: 'Resend' })).toBeVisible();
  }

  // Just sent: nothing to lose, so Open as draft goes straight to Compose.
  await openSetActivityEntry();
  await drawer.getByRole('button', { name: 'Open as draft in Compose' }).click();
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-7');

  // Typed but not sent: asked first; Cancel keeps the typing.
  await page.getByLabel('Session name').fill('lobby-9-not-sent');
  await openSetActivityEntry();
  await drawer.getByRole('button', { name: 'Open as draft in Compose' }).click();
  await expect(warning).toContainText('Compose holds changes that were not sent or saved as a draft');
  await expect(warning).not.toContainText('repeats the request');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'history-replace-warning', scheme);
  }
  await drawer.getByRole('button', { name: 'Cancel' }).click();
  await expect(warning).toHaveCount(0);
  await openScreen(page, 'Compose');
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-9-not-sent');

  // Resend says both what it repeats and what it replaces; Cancel sends nothing and keeps the form.
  await openSetActivityEntry();
  const rows = await page.getByTestId('history-row').count();
  await drawer.getByRole('button', { name: 'Resend' }).click();
  await expect(warning).toContainText('This repeats the request');
  await expect(warning).toContainText('Compose holds changes');
  await drawer.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('history-row')).toHaveCount(rows);

  // Confirmed: the entry replaces the form.
  await drawer.getByRole('button', { name: 'Open as draft in Compose' }).click();
  await drawer.getByRole('button', { name: 'Replace and open' }).click();
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-7');
});
