/**
 * The vertical slice through the real UI, core and the local MPSD: make a profile for the
 * emulator in Profiles (pasting a token), join a session and set an activity in Compose,
 * and read the answer: status, correlation id, handle, body, and the request with its
 * Authorization masked.
 */
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { SCID, setActivityThroughCompose } from './flows.ts';

test('sets an activity on the local MPSD and shows the whole answer', async ({ app: page, mpsd }) => {
  const user = mpsd.users[0]!;
  await addLocalProfile(page, mpsd, user);
  await setActivityThroughCompose(page, mpsd, user);
  // The README's screenshot comes from here: the vertical slice, answered.
  await saveScreenshot(page, 'compose-activity', 'light');
  await saveScreenshot(page, 'compose-activity', 'dark');

  // Both sends are in History, newest first.
  await openScreen(page, 'History');
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('Set activity');
  await expect(rows.last()).toContainText('Join session');
});

test('validates fields as you type, only after they were touched', async ({ app: page }) => {
  await openScreen(page, 'Compose');
  const scid = page.getByLabel('SCID');
  const scidMessage = page.getByTestId('field-scid-message');

  await scid.fill('not-a-guid');
  await expect(scidMessage).toHaveText('');
  await scid.blur();
  await expect(scidMessage).toContainText('SCID must be a GUID');
  await expect(scid).toHaveAttribute('aria-invalid', 'true');
  await scid.fill(SCID);
  await expect(scidMessage).toHaveText('');

  await page.getByRole('radio', { name: 'Send invites' }).click();
  const invitees = page.getByLabel(/^Invitees/);
  await invitees.fill('2814679796296491 Alice\nbob Bob');
  await invitees.blur();
  await expect(page.getByTestId('field-invitees-message')).toContainText('Line 2 (“bob”): XUID must be decimal digits only');
  await invitees.fill('2814679796296491 Alice\n2814679796296492 Bob');
  await expect(page.getByTestId('field-invitees-message')).toHaveText('');
  await expect(page.getByLabel(/^Invitees/)).toBeVisible();
  await expect(page.getByText('Invitees (2)')).toBeVisible();

  const titleId = page.getByLabel('Title id');
  await titleId.fill('0xZZ');
  await titleId.blur();
  await expect(page.getByTestId('field-title-id-message')).toContainText('is not a 32-bit number');
  await titleId.fill('0x4D2');
  await expect(page.getByTestId('field-title-id-message')).toHaveText('');

  const context = page.getByLabel(/^Context\s+optional$/);
  await context.fill('é'.repeat(50));
  await context.blur();
  await expect(page.getByTestId('field-context-message')).toContainText('once URI-encoded');

  // Sending with untouched invalid fields shows their messages too, and sends nothing.
  await context.fill('');
  await page.getByTestId('send').click();
  await expect(page.getByTestId('field-template-message')).toContainText('Template name is required');
  await expect(page.getByTestId('field-session-message')).toContainText('Session name is required');
  await expect(page.getByTestId('send-outcome')).toHaveCount(0);

  // Once valid, the preview shows the first POST in full (placeholder, decimal title id) and lists the next one.
  await page.getByLabel('Session template').fill('GameSession');
  await page.getByLabel('Session name').fill('lobby-7');
  const preview = page.getByTestId('request-preview');
  await expect(preview).toContainText('2 requests');
  await expect(preview.getByTestId('sent-request')).toContainText('"titleId": "1234"');
  await expect(preview.getByTestId('sent-request')).toContainText('"invitedXuid": "2814679796296491"');
  await expect(preview.getByTestId('sent-request')).toContainText('XBL3.0 x=<uhs>;<token>');
  await expect(preview.getByRole('listitem')).toHaveText(/POST \/handles\s+invitedXuid 2814679796296492/);
});
