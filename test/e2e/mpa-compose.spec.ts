/**
 * Issue 11 in the app: Compose for a Multiplayer Activity profile, against the local MPA in
 * browser mode. The profile sets an activity (refused first, with the schema's message on the
 * field), queries it back, invites two users in one call and sees each invitee with the
 * activation URI their title would get. Screenshots light and dark (the refused form, the
 * invite's result with a long profile name); axe finds 0 violations on each.
 */
import { expect, openScreen, startSeededMpsd, test } from './fixtures.ts';
import { addMpaProfile, localMpa, lookAndCheck } from './mpa-flows.ts';

test.describe.configure({ timeout: 240_000 });

test('an MPA profile sets an activity, queries it back and invites two users in one call, each with their activation URI', async ({
  app: page,
  mpsd,
}) => {
  const [me, second, third] = mpsd.users;
  // 60 characters, the most a profile name may have.
  const longName = 'Weekend tournament lobby on PlayFab Party, Scarlett + PC QA1';
  await addMpaProfile(page, mpsd, longName);
  await openScreen(page, 'Compose');
  await expect(page.getByTestId('compose-service')).toHaveText('Multiplayer Activity');
  const kinds = page.getByRole('radiogroup', { name: 'Request kind' });
  await expect(kinds.getByRole('radio', { name: 'Set activity' })).toHaveAttribute('aria-checked', 'true');

  // Set activity: the profile's user fills "Your XUID"; more players than seats is refused on the field.
  await expect(page.getByLabel('Your XUID')).toHaveValue(me!.xuid);
  await page.getByLabel('Title id').fill('0x4D2');
  await page.getByLabel('Connection string').fill('lobby+1/=');
  await page.getByLabel('Max players').fill('4');
  await page.getByLabel('Current players').fill('9');
  await page.getByTestId('send').click();
  await expect(page.getByTestId('mpa-currentPlayers-message')).toHaveText(/currentPlayers \(9\) is more than maxPlayers \(4\)/);
  await expect(page.getByTestId('request-preview')).toContainText('the request appears here once they are valid');
  await lookAndCheck(page, 'mpa-compose-refused');
  expect((await localMpa(page, mpsd)).activities).toEqual([]);

  await page.getByLabel('Current players').fill('1');
  await expect(page.getByTestId('mpa-currentPlayers-message')).toHaveText('');
  const preview = page.getByTestId('request-preview');
  await expect(preview.getByTestId('sent-request')).toContainText(`PUT ${mpsd.url}/titles/1234/users/${me!.xuid}/activities`);
  await expect(preview).toContainText('XBL3.0 x=<uhs>;<token>');
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome')).toContainText('Activity set');
  expect((await localMpa(page, mpsd)).activities).toMatchObject([
    { xuid: me!.xuid, titleId: '1234', connectionString: 'lobby+1/=', maxPlayers: 4 },
  ]);

  // Query it back, beside a user with no activity: the title id stays as typed.
  await kinds.getByRole('radio', { name: 'Query activities' }).click();
  await page.getByLabel('Users').fill(`${me!.xuid}\n${second!.xuid}`);
  await page.getByTestId('send').click();
  const users = page.getByTestId('mpa-user');
  await expect(users).toHaveCount(2);
  await expect(users.filter({ hasText: me!.xuid }).getByTestId('mpa-connection-string')).toHaveText('lobby+1/=');
  await expect(users.filter({ hasText: second!.xuid })).toContainText('No activity in this title.');

  // Invite two users: one call, one line each, and the URI each one's title gets on accepting.
  await kinds.getByRole('radio', { name: 'Invite' }).click();
  await page.getByLabel('Invited users').fill(`${second!.xuid}\n${third!.xuid}`);
  await page.getByLabel('Connection string').fill('lobby+1/=');
  await expect(page.getByTestId('send')).toContainText('Invite 2 users in one call');
  await expect(preview.getByTestId('sent-request')).toContainText(`POST ${mpsd.url}/titles/1234/invites`);
  await page.getByTestId('send').click();
  const outcome = page.getByTestId('send-outcome');
  await expect(outcome.getByRole('heading', { level: 2 })).toHaveText('2 of 2 invited in one call');
  const rows = outcome.getByTestId('invitee-row');
  await expect(rows).toHaveCount(2);
  for (const user of [second!, third!]) await expect(rows.filter({ hasText: user.xuid })).toContainText('Invited');
  const uris = outcome.getByTestId('activation-uri');
  await expect(uris).toHaveCount(2);
  await expect(uris.first()).toHaveText(
    `ms-xbl-multiplayer://inviteAccept?invitedUser=${second!.xuid}&sender=${me!.xuid}&connectionString=lobby%2B1%2F%3D`,
  );
  expect((await localMpa(page, mpsd)).invites).toMatchObject([
    { sender: me!.xuid, invitedUser: second!.xuid, connectionString: 'lobby+1/=' },
    { sender: me!.xuid, invitedUser: third!.xuid, connectionString: 'lobby+1/=' },
  ]);
  await lookAndCheck(page, 'mpa-compose-invited');

  // History: the invite call is one row naming both users, its detail lists them.
  await openScreen(page, 'History');
  const row = page.getByTestId('history-row').filter({ hasText: 'MPA: send invites' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`2 users: ${second!.xuid}, ${third!.xuid}`);
  await expect(row).toContainText('title 1234');
  await row.getByRole('button', { name: /MPA: send invites/ }).click();
  await expect(page.getByTestId('history-invitees')).toHaveText(`${second!.xuid}, ${third!.xuid}`);
  await lookAndCheck(page, 'mpa-history');
});

test('an MPA invite made offline waits in the outbox as one item and goes out when the local MPA is back', async ({ app: page }) => {
  let mpsd = await startSeededMpsd(0, 'mpa-queued');
  try {
    const [, second, third] = mpsd.info.users;
    await addMpaProfile(page, mpsd.info, 'Local MPA');
    await openScreen(page, 'Compose');
    await page.getByRole('radiogroup', { name: 'Request kind' }).getByRole('radio', { name: 'Invite' }).click();
    await page.getByLabel('Title id').fill('1234');
    await page.getByLabel('Invited users').fill(`${second!.xuid}\n${third!.xuid}`);

    const port = Number(new URL(mpsd.info.url).port);
    await mpsd.process.stop();
    await page.getByTestId('send').click();
    const outcome = page.getByTestId('send-outcome');
    await expect(outcome).toHaveAttribute('data-outcome', 'queued');
    await expect(outcome.getByRole('heading', { level: 2 })).toHaveText('Queued in the outbox');
    await expect(outcome.getByTestId('invitee-row')).toHaveCount(2);
    for (const row of await outcome.getByTestId('invitee-row').all()) await expect(row).toContainText('Queued');

    await openScreen(page, 'Outbox');
    const item = page.getByTestId('outbox-item');
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('MPA: send invites');
    await expect(item).toContainText(`title 1234 · 2 users: ${second!.xuid}, ${third!.xuid}`);
    await lookAndCheck(page, 'mpa-outbox-queued');

    mpsd = await startSeededMpsd(port, 'mpa-queued');
    await expect(item).toHaveAttribute('data-state', 'sent', { timeout: 90_000 });
    const { invites } = await localMpa(page, mpsd.info);
    expect(invites.map((invite) => invite.invitedUser)).toEqual([second!.xuid, third!.xuid]);
  } finally {
    await mpsd.process.stop();
  }
});

test("an MPA preset is made and edited in the editor (with the schema's messages on its fields), then sent from its card in one click", async ({
  app: page,
  mpsd,
  studio,
}) => {
  const [me, second, third] = mpsd.users;
  await addMpaProfile(page, mpsd, 'Local MPA');
  await openScreen(page, 'Presets');
  await page.getByRole('button', { name: 'New preset' }).first().click();
  const editor = page.getByTestId('preset-editor');
  // A new preset is for the active profile's service.
  await expect(editor.getByRole('radio', { name: 'Multiplayer Activity (MPA)' })).toBeChecked();
  // 100 characters, the most a preset name may have.
  const longName = 'Friday lobby: PlayFab Party squad invite for the Scarlett + PC certification pass, QA floor 3, east';
  await editor.getByLabel('Name').fill(longName);
  await editor.locator('#preset-mpa-invite-titleId').fill('0x4D2');
  await editor.locator('#preset-mpa-invite-connectionString').fill('lobby+7');
  // 17 recipients: one more than one MPA invite call takes.
  const seventeen = Array.from({ length: 17 }, (_, index) => `28146797962964${String(index + 10)}`);
  await editor.getByLabel('Recipients').fill(seventeen.join('\n'));
  // Leaving the box shows the schema's message on it (MPA's 16 per call), before Save is tried.
  await editor.getByLabel('Recipients').blur();
  await expect(editor.locator('#preset-recipients-message')).toContainText(
    'A preset holds at most 16 recipients (MPA invites at most 16 users per call',
  );
  await editor.getByLabel('Set my activity before inviting').check();
  await editor.locator('#preset-mpa-activity-connectionString').fill('lobby+7');
  await editor.locator('#preset-mpa-activity-joinRestriction').selectOption('Followed');
  await editor.locator('#preset-mpa-activity-maxPlayers').fill('1');
  await editor.getByRole('button', { name: 'Save preset' }).click();
  await expect(editor.locator('#preset-recipients-message')).toContainText(
    'A preset holds at most 16 recipients (MPA invites at most 16 users per call',
  );
  await expect(editor.locator('#preset-mpa-activity-maxPlayers-message')).toContainText('maxPlayers');
  await expect(editor.locator('#preset-mpa-activity-maxPlayers')).toHaveAttribute('aria-invalid', 'true');
  await lookAndCheck(page, 'mpa-preset-editor-refused');

  await editor.getByLabel('Recipients').fill(`${second!.xuid} Second\n${third!.xuid} Third`);
  await editor.locator('#preset-mpa-activity-maxPlayers').fill('8');
  await editor.getByRole('button', { name: 'Save preset' }).click();
  await expect(editor).toHaveCount(0);
  const card = page.getByTestId('preset-card').filter({ hasText: longName });
  await expect(card).toContainText('MPA activity + invite');

  // Edit: the saved preset reads back into the same fields; a change is saved through the same channel.
  await card.getByRole('button', { name: 'Edit' }).click();
  await expect(editor.getByRole('radio')).toHaveCount(0);
  await expect(editor.locator('#preset-mpa-activity-maxPlayers')).toHaveValue('8');
  await expect(editor.locator('#preset-mpa-activity-joinRestriction')).toHaveValue('Followed');
  await editor.locator('#preset-mpa-activity-maxPlayers').fill('6');
  await editor.getByRole('button', { name: 'Save preset' }).click();
  await expect(editor).toHaveCount(0);
  await lookAndCheck(page, 'mpa-preset-card');

  await card.getByRole('button', { name: 'Send invites (2)' }).click();
  const run = page.getByTestId('preset-run');
  await expect(run.getByTestId('preset-run-summary')).toHaveText('All 2 calls sent; see each answer below.');
  const steps = run.getByTestId('preset-step');
  await expect(steps.nth(0)).toContainText('Activity set');
  await expect(steps.nth(1)).toContainText('2 of 2 invited in one call');
  await expect(steps.nth(1).getByTestId('activation-uri')).toHaveCount(2);
  const record = await localMpa(page, mpsd);
  expect(record.activities).toMatchObject([{ xuid: me!.xuid, connectionString: 'lobby+7', maxPlayers: 6 }]);
  expect(record.invites.map((invite) => invite.invitedUser)).toEqual([second!.xuid, third!.xuid]);
  await lookAndCheck(page, 'mpa-preset-sent');

  // An MPSD preset (made as the CLI or another profile would) is marked on this MPA profile and not sent, in the CLI's words.
  const created = await page.request.post(`${studio.origin}/api/call/createPreset`, {
    headers: { 'x-handle-studio-token': studio.token },
    data: {
      name: 'Old lobby',
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'old-lobby' },
      inviteAttributes: { titleId: '1234' },
      recipients: [{ xuid: second!.xuid, label: 'Second' }],
      joinAndSetActivityFirst: false,
      notes: '',
    },
  });
  expect(((await created.json()) as { ok: boolean }).ok).toBe(true);
  const mpsdCard = page.getByTestId('preset-card').filter({ hasText: 'Old lobby' });
  await expect(mpsdCard.getByTestId('preset-other-service')).toHaveText(
    'Preset "Old lobby" is for MPSD handles but profile "Local MPA" is set to Multiplayer Activity (MPA). Microsoft advises one service per title, not both (players would get two kinds of invite for one game), so it is not sent.',
  );
  await expect(mpsdCard.getByRole('button', { name: 'Send invites (1)' })).toBeDisabled();
});
