/**
 * The vertical slice through the real UI, core and the local MPSD: make a profile for the
 * emulator in Profiles (pasting a token), join a session and set an activity in Compose,
 * and read the answer: status, correlation id, handle, body, and the request with its
 * Authorization masked.
 */
import { addLocalProfile, expect, openScreen, test } from './fixtures.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

test('sets an activity on the local MPSD and shows the whole answer', async ({ app: page, mpsd }) => {
  const user = mpsd.users[0]!;
  await addLocalProfile(page, mpsd, user);
  await openScreen(page, 'Compose');

  // An activity needs an active membership, so join the session first.
  await page.getByRole('radio', { name: 'Join session' }).click();
  await page.getByLabel('SCID').fill(SCID);
  await page.getByLabel('Session template').fill('GameSession');
  await page.getByLabel('Session name').fill('lobby-7');
  const yourXuid = page.getByLabel('Your XUID');
  if ((await yourXuid.inputValue()) === '') await yourXuid.fill(user.xuid);
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('status')).toHaveText(/^20[01]$/);

  await page.getByRole('radio', { name: 'Set activity' }).click();
  // The session fields carry over between kinds.
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-7');
  await page.getByLabel('Session name').press(process.platform === 'darwin' ? 'Meta+Enter' : 'Control+Enter');

  const outcome = page.getByTestId('send-outcome');
  await expect(outcome.getByTestId('status')).toHaveText(/^20[01]$/);
  await expect(outcome.getByTestId('correlation-id')).toHaveText(/^[0-9a-f-]{36}$/i);
  await expect(outcome.getByTestId('handle-id')).toHaveText(/^[0-9a-f-]{36}$/i);
  await expect(outcome.getByLabel('Response body')).toContainText('"type": "activity"');
  await expect(outcome.getByLabel('Response body')).toContainText('lobby-7');

  await outcome.getByRole('button', { name: /Request sent/ }).click();
  const sent = outcome.getByTestId('sent-request');
  await expect(sent).toContainText(`POST ${mpsd.url}/handles`);
  await expect(sent).toContainText('Authorization: XBL3.0 x=<uhs>;<token>');
  await expect(sent).toContainText('x-xbl-contract-version: 107');

  // The real Authorization value was pasted into this page once; it must not be anywhere in it now.
  const secret = user.authorization.split(';').at(-1)!;
  expect(await page.content()).not.toContain(secret);

  // The send is in History, newest first.
  await openScreen(page, 'History');
  const rows = page.getByTestId('history-row');
  await expect(rows.first()).toContainText('Set activity');
  await expect(rows).toHaveCount(2);
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
