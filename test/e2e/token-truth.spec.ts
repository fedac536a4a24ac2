/**
 * The token is described truthfully: one MPSD refuses shows as refused in the top bar and in
 * Profiles (not "signed in, expires in 7 h"), nothing more is sent with it, and one click
 * leads to the fix. Replacing a token works whatever the expiry picker held, and a save that
 * fails never clears what was pasted.
 */
import type { Page } from '@playwright/test';
import { addLocalProfile, expect, openScreen, saveScreenshot, test, type LocalMpsdInfo } from './fixtures.ts';
import { SCID } from './flows.ts';

const schemes = ['light', 'dark'] as const;

/** A well-formed Authorization value the local MPSD has never issued: it answers 401. */
const UNKNOWN_AUTHORIZATION = `XBL3.0 x=1234567890123456789;${'A'.repeat(64)}`;

/** A plain JWT whose exp claim is `secondsFromNow` ahead (not one the local MPSD accepts: only its expiry is read). */
function jwtAuthorization(secondsFromNow: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `XBL3.0 x=1234567890;${part({ alg: 'HS256' })}.${part({ exp: Math.floor(Date.now() / 1000) + secondsFromNow })}.c2lnbmF0dXJlLXBhcnQ`;
}

async function mpsdRequests(page: Page, mpsd: LocalMpsdInfo): Promise<number> {
  const answer = await page.request.get(`${mpsd.url}/_emulator/stats`);
  return ((await answer.json()) as { requests: number }).requests;
}

async function sendGetSession(page: Page): Promise<void> {
  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: 'Get session' }).click();
  await page.getByLabel('SCID').fill(SCID);
  await page.getByLabel('Session template').fill('GameSession');
  await page.getByLabel('Session name').fill('lobby-7');
  await page.getByTestId('send').click();
}

test('a token MPSD refuses is shown as refused everywhere, is not used again, and one click leads to the fix', async ({
  app: page,
  mpsd,
}) => {
  const user = mpsd.users[0]!;
  await addLocalProfile(page, mpsd, { ...user, authorization: UNKNOWN_AUTHORIZATION }, 'Refused sandbox profile');
  await expect(page.getByTestId('token-state')).toContainText('Pasted token');

  await sendGetSession(page);
  const outcome = page.getByTestId('send-outcome');
  await expect(outcome.getByTestId('error-note')).toHaveAttribute('data-code', 'UNAUTHORIZED');
  // The top bar follows at once: refused, red, with the fix.
  const topBar = page.getByTestId('token-state');
  await expect(topBar).toContainText('Token refused by MPSD');
  await expect(topBar.getByRole('button', { name: 'Paste a fresh token' })).toBeVisible();

  // Sending again does not reach MPSD: core refuses first and says which profile and what to do.
  const reached = await mpsdRequests(page, mpsd);
  await page.getByTestId('send').click();
  await expect(
    page.getByTestId('error-note').filter({ hasText: 'MPSD refused the token of profile "Refused sandbox profile"' }),
  ).toBeVisible();
  await expect(page.getByTestId('error-note')).toContainText('paste a fresh token in Profiles');
  expect(await mpsdRequests(page, mpsd)).toBe(reached);

  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'token-refused-compose', scheme);
    await openScreen(page, 'Profiles');
    await expect(page.getByTestId('profile-token-state')).toHaveText('Token refused by MPSD');
    await expect(page.getByTestId('token-refused')).toContainText('Nothing is sent with it, and queued requests of this profile wait');
    await saveScreenshot(page, 'token-refused-profiles', scheme);
    await openScreen(page, 'Compose');
  }

  // One click from the top bar: Profiles, with the active profile's paste box focused.
  await topBar.getByRole('button', { name: 'Paste a fresh token' }).click();
  const pasteBox = page.getByTestId('paste-authorization');
  await expect(pasteBox).toBeFocused();
  await pasteBox.fill(user.authorization);
  await page.getByRole('button', { name: 'Save token' }).click();
  await expect(topBar).toContainText('Pasted token (expiry unknown)');
  await expect(page.getByTestId('token-refused')).toHaveCount(0);

  // The new token is used: MPSD answers (no such session yet), not 401.
  await sendGetSession(page);
  await expect(outcome.getByTestId('status')).toHaveText(/^(204|404)$/);
});

test('replacing a token works whatever the expiry picker held, and a failed save keeps the pasted text', async ({ app: page, mpsd }) => {
  const [first, second] = mpsd.users;
  await addLocalProfile(page, mpsd, first!, 'Replace me');
  const card = page.getByTestId('profile-card').filter({ hasText: 'Replace me' });
  const state = card.getByTestId('profile-token-state');

  // A past expiry typed by mistake: refused in words, and nothing the user typed or pasted is lost.
  await card.getByRole('button', { name: 'Replace token…' }).click();
  await card.getByTestId('paste-authorization').fill(second!.authorization);
  await card.getByTestId('paste-expiry').fill('2020-01-01T10:00');
  await card.getByRole('button', { name: 'Save token' }).click();
  await expect(card.getByRole('alert')).toHaveText(
    'The expiry you gave is already past: correct it (or clear it if you do not know it), or capture a fresh token.',
  );
  await expect(card.getByTestId('paste-expiry')).toHaveAttribute('aria-invalid', 'true');
  await expect(card.getByTestId('paste-authorization')).toHaveValue(second!.authorization);
  await expect(card.getByTestId('paste-expiry')).toHaveValue('2020-01-01T10:00');
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'token-replace-refused-expiry', scheme);
  }

  // Clearing the expiry is enough: the same pasted text is saved.
  await card.getByRole('button', { name: 'Clear' }).click();
  await card.getByRole('button', { name: 'Save token' }).click();
  await expect(state).toHaveText('Pasted token (expiry unknown)');
  await expect(card.getByTestId('paste-authorization')).toHaveCount(0);

  // An expiry typed for one token is not offered for the next one.
  await card.getByRole('button', { name: 'Replace token…' }).click();
  await expect(card.getByTestId('paste-expiry')).toHaveValue('');
  const inAnHour = new Date(Date.now() + 3600_000);
  const local = new Date(inAnHour.getTime() - inAnHour.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await card.getByTestId('paste-authorization').fill(first!.authorization);
  await card.getByTestId('paste-expiry').fill(local);
  await card.getByRole('button', { name: 'Save token' }).click();
  await expect(state).toHaveText(/^Pasted token, expires in (59 min|1 h)$/);
  await card.getByRole('button', { name: 'Replace token…' }).click();
  await expect(card.getByTestId('paste-expiry')).toHaveValue('');

  // A token that carries its own expiry (JWT exp) is read, even with a stale date left in the picker.
  await card.getByTestId('paste-authorization').fill(jwtAuthorization(2 * 3600 + 120));
  await card.getByTestId('paste-expiry').fill('2020-01-01T10:00');
  await card.getByRole('button', { name: 'Save token' }).click();
  await expect(state).toHaveText(/^Pasted token, expires in 2 h [12] min$/);
});
