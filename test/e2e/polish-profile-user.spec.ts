/**
 * Issue 13, the items the first pass left open, against the local MPSD in browser mode:
 * - item 2: a pasted local MPSD token fills the profile's XUID, and a preset that joins first
 *   uses it (it used to stop at "needs your XUID");
 * - item 4: a hex title id stays hex in the profile and the preset, with the decimal beside it,
 *   and the invite MPSD receives carries the decimal;
 * - item 7: preset results lead with "2 of 2 invited" and fold each step's bodies;
 * - item 11: the saved token shows as a mask, never as the token;
 * - item 3: errors are titled by the action that failed, and a bad team file lists every problem.
 */
import type { Page } from '@playwright/test';
import { addLocalProfile, expect, openScreen, saveScreenshot, test, type LocalMpsdInfo } from './fixtures.ts';
import { inviteeLines, SCID } from './flows.ts';

// Two browser-mode processes and MPSD round trips on a shared two-core machine.
test.describe.configure({ timeout: 180_000 });

async function screenshots(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, name, scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

interface InviteSeen {
  senderXuid: string;
  invitedXuid: string;
  sessionRef: { name: string };
  inviteAttributes: { titleId?: string };
}

async function invitesSeen(page: Page, mpsd: LocalMpsdInfo): Promise<InviteSeen[]> {
  const response = await page.request.get(`${mpsd.url}/_emulator/invites`);
  return ((await response.json()) as { invites: InviteSeen[] }).invites;
}

test('a pasted local MPSD token names the user; a hex title id stays hex; a preset that joins first sends and leads with its summary', async ({
  app: page,
  mpsd,
}) => {
  const [me, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, me!, 'Player A');
  const card = page.getByTestId('profile-card').filter({ hasText: 'Player A' });

  // Item 2: the local MPSD's user list named the user of the pasted token.
  await expect(card.getByTestId('profile-xuid')).toHaveText(me!.xuid);
  // Item 11: a mask says a token is kept; the token itself is nowhere in the page.
  await expect(card.getByTestId('saved-token')).toContainText('XBL3.0 x=••••;••••');
  await expect(card.getByTestId('saved-token')).toContainText('it is not shown again');
  expect(await page.content()).not.toContain(me!.authorization.split(';').at(-1)!);

  // Item 4: the profile keeps the hex title id as typed and shows the decimal beside it.
  await card.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByTestId('profile-editor');
  await expect(editor.getByLabel('Your XUID')).toHaveValue(me!.xuid);
  await editor.getByLabel('Default title id').fill('0x4D2');
  await expect(editor.locator('#profile-title-id-hint')).toHaveText('0x4D2 is 1234 in decimal, which is what is sent.');
  await editor.getByLabel('Default SCID').fill(SCID);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor).toHaveCount(0);
  await expect(card).toContainText(/Default title id\s*0x4D2 \(1234\)/);
  await screenshots(page, 'polish-profile-user');

  await openScreen(page, 'Presets');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  const presetEditor = page.getByTestId('preset-editor');
  // A new preset starts from the profile's defaults, the title id as it was typed.
  await expect(presetEditor.getByLabel('Title id')).toHaveValue('0x4D2');
  await expect(presetEditor.getByLabel('SCID')).toHaveValue(SCID);
  await presetEditor.getByLabel('Name', { exact: true }).fill('Squad into lobby-7');
  await presetEditor.getByLabel('Session template').fill('GameSession');
  await presetEditor.getByLabel('Session name').fill('lobby-7');
  await presetEditor.getByLabel(/Join the session and set it as my activity/).check();
  await presetEditor.getByLabel('Recipients').fill(inviteeLines(others.slice(0, 2)).join('\n'));
  await presetEditor.getByRole('button', { name: 'Save preset' }).click();
  const presetCard = page.getByTestId('preset-card').filter({ hasText: 'Squad into lobby-7' });
  await expect(presetCard).toContainText('title 0x4D2 (1234)');

  await presetCard.getByRole('button', { name: 'Send invites (2)' }).click();
  const run = page.getByTestId('preset-run');
  // Item 7: the outcome first; every step one line, its bodies folded away.
  await expect(run.getByTestId('preset-run-summary')).toHaveText('2 of 2 invited');
  const steps = run.getByTestId('preset-step');
  await expect(steps).toHaveCount(3);
  await expect(steps.locator(':scope > summary')).toHaveText([
    /1\. Join GameSession\/lobby-7\s*done/,
    /2\. Set activity\s*done/,
    /3\. Invite 2 people\s*2 of 2 invited/,
  ]);
  for (const step of await steps.all()) await expect(step).not.toHaveAttribute('open');
  // Join, activity, and one call per invitee.
  await expect(run.getByLabel('Response body')).toHaveCount(4);
  for (const body of await run.getByLabel('Response body').all()) await expect(body).toBeHidden();
  await screenshots(page, 'preset-results');

  // A step opens on demand and shows its answer.
  await steps.nth(2).locator(':scope > summary').click();
  await expect(steps.nth(2).getByTestId('invitee-row')).toHaveCount(2);
  await expect(steps.nth(2).getByTestId('invitee-row').first()).toBeVisible();

  // MPSD saw the join as this user and the invites with the decimal title id.
  const invites = await invitesSeen(page, mpsd);
  expect(invites.map((invite) => [invite.senderXuid, invite.invitedXuid, invite.sessionRef.name, invite.inviteAttributes.titleId])).toEqual(
    others.slice(0, 2).map((other) => [me!.xuid, other.xuid, 'lobby-7', '1234']),
  );
});

test('errors are titled by the action that failed: a preset that cannot be sent, a team file that cannot be imported', async ({
  app: page,
  mpsd,
}) => {
  // A profile with no token and no XUID: a preset that joins first cannot name its user.
  await openScreen(page, 'Profiles');
  await page
    .getByRole('main')
    .getByRole('button', { name: /Create a profile|New profile/ })
    .first()
    .click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill('No token yet');
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('profile-xuid')).toHaveText('not known: set it in Edit');

  await openScreen(page, 'Presets');
  const chooser = page.getByLabel('Import presets file');
  const recipient = { label: 'QA box', xuid: mpsd.users[1]!.xuid };
  const file = (name: string, presets: unknown[]) => ({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ format: 'handle-studio-presets', version: 1, presets })),
  });
  const good = {
    name: 'Joins first',
    sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-7' },
    inviteAttributes: { titleId: '0x4D2' },
    recipients: [recipient],
    joinAndSetActivityFirst: true,
  };
  await chooser.setInputFiles(file('team.json', [good]));
  await expect(page.getByText('Imported team.json: 1 new, 0 replaced, 0 unchanged.')).toBeVisible();

  await page.getByTestId('preset-card').getByRole('button', { name: 'Send invites (1)' }).click();
  const note = page.getByRole('main').getByTestId('error-note');
  await expect(note.locator('.title strong')).toHaveText('“Joins first” not sent');
  await expect(note).toContainText(
    'This preset joins the session first, which needs your XUID: set “Your XUID” in the profile (Profiles, Edit), or sign in so the token names you.',
  );
  expect(await invitesSeen(page, mpsd)).toEqual([]);

  // A file with two bad presets: its name in the title, every problem in the message, each ended once.
  const bad = [
    { ...good, name: 'Bad title', inviteAttributes: { titleId: '0xZZ' } },
    { ...good, name: 'Bad recipient', recipients: [{ label: 'x', xuid: '12345678901234567890123' }] },
  ];
  await chooser.setInputFiles(file('broken-team.json', bad));
  await expect(note.locator('.title strong')).toHaveText('broken-team.json not imported');
  const message = note.locator('.message');
  await expect(message).toContainText(
    '2 problems: Preset 1 ("Bad title"), inviteAttributes.titleId: Title id "0xZZ" is not a 32-bit number',
  );
  await expect(message).toContainText(
    'Preset 2 ("Bad recipient"), recipients.0.xuid: XUID must be a number between 1 and 18446744073709551615. Nothing was imported.',
  );
  await expect(message).not.toContainText('more problem');
  expect(await message.textContent()).not.toMatch(/(?<!\.)\.\.(?!\.)/);
  await expect(page.getByTestId('preset-card')).toHaveCount(1);
  await screenshots(page, 'presets-import-error');

  // A typed XUID is enough for the preset to build its join (the send itself waits for a token in the outbox).
  await openScreen(page, 'Profiles');
  await page.getByTestId('profile-card').getByRole('button', { name: 'Edit' }).click();
  await page.getByTestId('profile-editor').getByLabel('Your XUID').fill(mpsd.users[0]!.xuid);
  await page.getByTestId('profile-editor').getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('profile-xuid')).toHaveText(mpsd.users[0]!.xuid);
  await openScreen(page, 'Presets');
  await page.getByTestId('preset-card').getByRole('button', { name: 'Send invites (1)' }).click();
  await expect(page.getByTestId('preset-run').getByTestId('preset-run-summary')).toHaveText(/queued to the outbox/);
  await expect(page.getByRole('main').getByTestId('error-note').filter({ hasText: 'not sent' })).toHaveCount(0);
});
