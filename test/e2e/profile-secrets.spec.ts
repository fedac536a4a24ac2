/**
 * A profile's whole life in browser mode, with the real keychain (gnome-keyring in the test
 * run's private D-Bus session): add a profile for the local MPSD, paste a token with an
 * expiry, set an activity with it, watch the expiry count down, remove the profile and find
 * its keychain entries gone. Throughout, every answer and event the page received and every
 * file the app wrote is searched for the token: it must be in none of them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, keepTokensInMemoryIfAsked, openScreen, recordPagePayloads, test } from './fixtures.ts';
import { joinAndSetActivity } from './flows.ts';

const SERVICE = 'Handle Studio';

interface Keychain {
  findCredentials(service: string): Promise<Array<{ account: string }>>;
}

/** keytar, when a Secret Service answers; undefined (with why) when it does not. */
async function keychain(): Promise<{ keytar?: Keychain; why?: string }> {
  try {
    const keytar = ((await import('keytar')) as unknown as { default: Keychain }).default;
    await keytar.findCredentials(SERVICE);
    return { keytar };
  } catch (error) {
    return {
      why: `No Secret Service here (${error instanceof Error ? error.message : String(error)}); npm test runs this inside a gnome-keyring session.`,
    };
  }
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)])),
  );
  return nested.flat();
}

/** The local datetime-local value `minutes` from now. */
function localInputValue(minutes: number): string {
  const at = new Date(Date.now() + minutes * 60_000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

test('a profile with a pasted token: keychain in, expiry counting down, keychain out, and the token nowhere else', async ({
  app: page,
  mpsd,
  dataDir,
}) => {
  const { keytar, why } = await keychain();
  test.skip(keytar === undefined, why ?? '');
  const user = mpsd.users[0]!;
  const token = user.authorization.slice(user.authorization.indexOf(';') + 1);

  const payloads = await recordPagePayloads(page);

  const before = new Set((await keytar!.findCredentials(SERVICE)).map((entry) => entry.account));

  await openScreen(page, 'Profiles');
  await page
    .getByRole('main')
    .getByRole('button', { name: /Create a profile|New profile/ })
    .click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Keychain check');
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  const card = page.getByTestId('profile-card').filter({ hasText: 'Keychain check' });
  await keepTokensInMemoryIfAsked(page);
  await card.getByTestId('paste-authorization').fill(user.authorization);
  await card.getByLabel(/^Expires at/).fill(localInputValue(120));
  await card.getByRole('button', { name: 'Save token' }).click();
  await expect(card.getByTestId('profile-token-state')).toHaveText(/^Pasted token, expires in (1 h 59 min|2 h)$/);

  const added = (await keytar!.findCredentials(SERVICE)).map((entry) => entry.account).filter((account) => !before.has(account));
  expect(added.length, 'the token went to the keychain').toBeGreaterThan(0);

  await joinAndSetActivity(page, user, 'GameSession', 'keychain-lobby');

  // Time passes with the page open: the countdown moves and the token turns "expiring" by itself.
  await page.clock.install();
  await page.reload();
  await expect(page.getByTestId('token-state')).toContainText('expires in');
  await page.clock.fastForward('01:52:00');
  await expect(page.getByTestId('token-state')).toContainText(/Token expires in [0-9] min/);
  await expect(page.getByTestId('top-bar')).toContainText('Paste a fresh token');

  await openScreen(page, 'Profiles');
  await card.getByRole('button', { name: 'Remove…' }).click();
  await card.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByTestId('profile-card').filter({ hasText: 'Keychain check' })).toHaveCount(0);
  const left = new Set((await keytar!.findCredentials(SERVICE)).map((entry) => entry.account));
  for (const account of added) expect(left.has(account), `${account} is still in the keychain`).toBe(false);

  // The token is in none of what the page was sent, the page itself, or the data folder.
  const events = await payloads.events();
  const answers = await payloads.answers();
  expect(events.length).toBeGreaterThan(0);
  for (const payload of [...answers, ...events, await page.content()]) {
    expect(payload.includes(token), `a payload to the page holds the token: ${payload.slice(0, 120)}`).toBe(false);
  }
  expect(answers.length).toBeGreaterThan(5);
  for (const file of await filesUnder(dataDir)) {
    expect((await readFile(file)).includes(token), `${file} holds the token`).toBe(false);
  }
});
