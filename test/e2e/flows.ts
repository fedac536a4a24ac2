/**
 * UI flows more than one spec drives: the same steps must work in Chromium (browser mode)
 * and in Electron, so they are written once against a Page.
 */
import type { Page } from '@playwright/test';
import { expect, keepTokensInMemoryIfAsked, openScreen, type LocalMpsdInfo, type MpsdUser } from './fixtures.ts';

export const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
export const sendShortcut = process.platform === 'darwin' ? 'Meta+Enter' : 'Control+Enter';

export interface InviteSetup {
  titleId?: string;
  template?: string;
  session?: string;
}

/**
 * Compose: choose Send invites and fill it (GameSession/lobby-7, title 1234 unless told
 * otherwise) with the invitee box's lines ("XUID label"). Leaves the form ready to send.
 */
export async function fillInvite(page: Page, inviteeLines: readonly string[], setup: InviteSetup = {}): Promise<void> {
  const { titleId = '1234', template = 'GameSession', session = 'lobby-7' } = setup;
  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: 'Send invites' }).click();
  await page.getByLabel('SCID').fill(SCID);
  await page.getByLabel('Session template').fill(template);
  await page.getByLabel('Session name').fill(session);
  await page.getByLabel(/^Invitees/).fill(inviteeLines.join('\n'));
  await page.getByLabel('Title id').fill(titleId);
}

/** "XUID gamertag" lines for the invitee box. */
export function inviteeLines(users: readonly MpsdUser[]): string[] {
  return users.map((user) => `${user.xuid} ${user.gamertag}`);
}

/**
 * Compose: join the session (an activity needs an active membership), then set it as the
 * activity with the keyboard shortcut; both must succeed.
 */
export async function joinAndSetActivity(page: Page, user: MpsdUser, template: string, session: string): Promise<void> {
  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: 'Join session' }).click();
  await page.getByLabel('SCID').fill(SCID);
  await page.getByLabel('Session template').fill(template);
  await page.getByLabel('Session name').fill(session);
  const yourXuid = page.getByLabel('Your XUID');
  if ((await yourXuid.inputValue()) === '') await yourXuid.fill(user.xuid);
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('status')).toHaveText(/^20[01]$/);

  await page.getByRole('radio', { name: 'Set activity' }).click();
  // The session fields carry over between kinds.
  await expect(page.getByLabel('Session name')).toHaveValue(session);
  await page.getByLabel('Session name').press(sendShortcut);
  await expect(page.getByTestId('send-outcome').getByTestId('status')).toHaveText(/^20[01]$/);
}

/**
 * Sets an activity on `lobby-7` and checks the answer a user reads: status, correlation id,
 * handle id, body, and the request with the Authorization placeholder, never the token.
 */
export async function setActivityThroughCompose(page: Page, mpsd: LocalMpsdInfo, user: MpsdUser): Promise<void> {
  await joinAndSetActivity(page, user, 'GameSession', 'lobby-7');

  const outcome = page.getByTestId('send-outcome');
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
}

/**
 * A local profile with no token, made active, sends an invite to `invitees`: it waits in the
 * outbox (queued), so a spec can then deliver it, or change or damage that row on disk.
 */
export async function queueInviteWithoutToken(page: Page, mpsd: LocalMpsdInfo, invitees: readonly MpsdUser[]): Promise<void> {
  await openScreen(page, 'Profiles');
  await page.getByRole('main').getByRole('button', { name: 'Create a profile' }).click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Local MPSD');
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('profile-token-state')).toBeVisible();
  await keepTokensInMemoryIfAsked(page);
  await expect(page.getByTestId('profile-token-state')).toHaveText('No token');
  await fillInvite(page, inviteeLines(invitees));
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome')).toHaveAttribute('data-outcome', 'queued');
}
