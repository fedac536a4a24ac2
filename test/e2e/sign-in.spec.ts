/**
 * Signing in with a Microsoft test account, the way a developer does it against the local
 * stand-ins `emulator start` runs: set up a local profile's sign-in through the UI (the
 * one-click fill from the stand-ins' URL), sign in with a device code, approve it on the
 * stand-ins' /link page in a second tab as a person would, see who is signed in and until
 * when, use the token for an activity, sign out. No token, user hash or Microsoft token
 * ever reaches the page.
 */
import { expect, keepTokensInMemoryIfAsked, openScreen, recordPagePayloads, saveScreenshot, test } from './fixtures.ts';
import { joinAndSetActivity } from './flows.ts';

/**
 * The shapes of what the sign-in chain hands out: the stand-ins' Microsoft access and refresh
 * tokens, their Xbox user token, and a bare 32-byte XSTS token as the local MPSD mints them.
 */
const TOKEN_SHAPES = [
  /msa-[A-Za-z0-9_-]{20,}/,
  /msa-refresh-/,
  /user-[A-Za-z0-9_-]{30,}/,
  /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
];

test('device-code sign-in against the local stand-ins: prompt, approval on /link, signed in with expiry, activity set, sign out; no token in the page', async ({
  app: page,
  mpsd,
  context,
}) => {
  const signIn = mpsd.tokenServices;
  if (signIn === undefined) throw new Error('emulator start printed no tokenServices in its JSON line.');
  const standIns = new URL(signIn.authority).origin;
  const tester = mpsd.users[0]!;
  const userHash = tester.authorization.slice('XBL3.0 x='.length, tester.authorization.indexOf(';'));

  const payloads = await recordPagePayloads(page);

  await openScreen(page, 'Profiles');
  await page
    .getByRole('main')
    .getByRole('button', { name: /Create a profile|New profile/ })
    .click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Local sign-in');
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);

  await editor.getByText('Advanced: sign-in').click();
  const settings = editor.getByTestId('sign-in-settings');
  await expect(settings).toContainText("Leave the URLs empty for Microsoft's real services.");
  // Checked as you type by the shared schema: plain http to another machine would carry the token in the clear.
  await settings.getByLabel(/^Authority URL/).fill('http://login.example.com/consumers');
  await settings.getByLabel(/^Authority URL/).blur();
  await expect(settings.getByTestId('profile-authority-message')).toContainText('Authority URL must use https');

  await settings.getByLabel(/^Local sign-in stand-ins/).fill(standIns);
  await settings.getByRole('button', { name: 'Use the local sign-in stand-ins' }).click();
  await expect(settings.getByLabel(/^Application \(client\) id/)).toHaveValue(signIn.clientId);
  await expect(settings.getByLabel(/^Authority URL/)).toHaveValue(signIn.authority);
  await expect(settings.getByLabel(/^User token URL/)).toHaveValue(signIn.userAuthenticate);
  await expect(settings.getByLabel(/^XSTS URL/)).toHaveValue(signIn.xstsAuthorize);
  await expect(settings.getByTestId('profile-authority-message')).toBeEmpty();
  await saveScreenshot(page, 'sign-in-profile-settings', 'light');
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor).toHaveCount(0);

  const card = page.getByTestId('profile-card').filter({ hasText: 'Local sign-in' });
  const useIt = card.getByRole('button', { name: 'Use this profile' });
  if (await useIt.isVisible()) await useIt.click();
  await keepTokensInMemoryIfAsked(page);
  await expect(page.getByTestId('active-profile')).toHaveText('Local sign-in');

  await card.getByRole('button', { name: 'With a device code' }).click();
  const prompt = card.getByTestId('device-code-prompt');
  await expect(prompt).toBeVisible();
  await expect(prompt.getByTestId('device-code-url')).toHaveText(`${standIns}/link`);
  const userCode = (await prompt.getByTestId('device-code').textContent())!.trim();
  expect(userCode).toMatch(/^[0-9A-F]{6,}$/);
  await expect(prompt.getByRole('button', { name: 'Copy the code' })).toBeVisible();
  await expect(prompt.getByRole('button', { name: 'Copy the sign-in page address' })).toBeVisible();
  await expect(prompt.getByRole('button', { name: 'Cancel sign-in' })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'sign-in-device-code', scheme);
  }

  // A person approves on the stand-ins' page, in another tab, as StudioTester1.
  const link = await context.newPage();
  await link.goto(`${standIns}/link`);
  await link.getByLabel('Code').fill(userCode.toLowerCase());
  await link.getByLabel('Account').selectOption({ label: `${tester.gamertag} (${tester.gamertag.toLowerCase()}@handle-studio.test)` });
  await link.getByRole('button', { name: 'Sign in' }).click();
  await expect(link.getByText(`Signed in as ${tester.gamertag}.`)).toBeVisible();
  await link.close();

  await expect(prompt).toHaveCount(0);
  await expect(page.getByTestId('token-state')).toHaveText(
    new RegExp(`^\\s*Signed in as ${tester.gamertag}, expires in (7 h 59 min|8 h)\\s*$`),
  );
  const account = card.getByTestId('signed-in-account');
  await expect(account).toContainText(new RegExp(`Gamertag\\s*${tester.gamertag}`));
  await expect(account).toContainText(new RegExp(`XUID\\s*${tester.xuid}`));
  await expect(account).toContainText('Token expires');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'sign-in-signed-in', scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // The signed-in token is the one requests use.
  await joinAndSetActivity(page, tester, 'GameSession', 'signed-in-lobby');

  await openScreen(page, 'Profiles');
  await card.getByRole('button', { name: 'Sign out / forget token' }).click();
  await expect(card.getByTestId('profile-token-state')).toHaveText('No token');
  await expect(page.getByTestId('token-state')).toContainText('No token');
  await expect(card.getByTestId('signed-in-account')).toHaveCount(0);

  const answers = await payloads.answers();
  const events = await payloads.events();
  expect(answers.length).toBeGreaterThan(5);
  // The progress events of the sign-in reached the page (and are searched below).
  expect(events.some((event) => event.includes('"stage":"device-code"'))).toBe(true);
  for (const payload of [...answers, ...events, await page.content()]) {
    expect(payload.includes(userHash), `a payload to the page holds the user hash: ${payload.slice(0, 160)}`).toBe(false);
    for (const shape of TOKEN_SHAPES) expect(payload, `a payload to the page looks like it holds a token (${shape})`).not.toMatch(shape);
  }
});
