/**
 * The everyday loops around Compose: drafts kept and reopened, the outbox holding sends
 * until a token is there, History found again by search and filter and exported without
 * secrets, and the keyboard shortcuts.
 */
import { readFile } from 'node:fs/promises';
import { addLocalProfile, expect, invitedXuids, openScreen, saveScreenshot, test } from './fixtures.ts';
import { fillInvite, inviteeLines, joinAndSetActivity, queueInviteWithoutToken, SCID } from './flows.ts';

test('a draft keeps the form, can be renamed, reopens in Compose, and changes only by Update draft', async ({ app: page }) => {
  await fillInvite(page, ['2814679796296491 Alice', '2814679796296492'], { titleId: '0x4D2', session: 'squad-3' });
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expect(page.getByLabel('Draft name')).toHaveValue('Send invites · squad-3');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as draft “Send invites · squad-3”')).toBeVisible();

  await openScreen(page, 'Drafts');
  const row = page.getByTestId('draft-row');
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: 'Rename' }).click();
  await row.getByLabel(/New name for/).fill('Friday squad');
  await row.getByRole('button', { name: 'Rename' }).click();
  await expect(row).toContainText('Friday squad');

  // A fresh page: the draft comes back from core's store, not from memory in the page.
  await page.reload();
  await openScreen(page, 'Drafts');
  await page.getByTestId('draft-row').getByRole('button', { name: 'Open in Compose' }).click();
  await expect(page.getByRole('radio', { name: 'Send invites' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByLabel('Session name')).toHaveValue('squad-3');
  await expect(page.getByLabel(/^Invitees/)).toHaveValue('2814679796296491 Alice\n2814679796296492');
  await expect(page.getByLabel('Title id')).toHaveValue('0x4D2');
  await expect(page.getByText('Draft: Friday squad')).toBeVisible();

  // Edits do not touch the saved draft: the form says it has unsaved changes, and the draft
  // read back from core after a fresh page load is still as saved.
  await page.getByLabel('Session name').fill('squad-4');
  await expect(page.getByTestId('draft-tag')).toContainText('Draft: Friday squad · unsaved changes');
  await expect(page.getByTestId('draft-fate-before')).toHaveText(
    'Draft “Friday squad” is kept as saved. Your changes since it was saved are sent, not saved into it (Update draft saves them).',
  );
  await openScreen(page, 'Drafts');
  await openScreen(page, 'Compose');
  await page.reload();
  await openScreen(page, 'Drafts');
  await page.getByTestId('draft-row').getByRole('button', { name: 'Open in Compose' }).click();
  await expect(page.getByLabel('Session name')).toHaveValue('squad-3');

  // Update draft is the one way in.
  await expect(page.getByRole('button', { name: 'Update draft' })).toBeDisabled();
  await page.getByLabel('Session name').fill('squad-4');
  await page.getByRole('button', { name: 'Update draft' }).click();
  await expect(page.getByText('Updated draft “Friday squad”.')).toBeVisible();
  await expect(page.getByTestId('draft-tag')).not.toContainText('unsaved changes');
  await page.reload();
  await openScreen(page, 'Drafts');
  await expect(page.getByTestId('draft-row')).toHaveCount(1);
  await page.getByTestId('draft-row').getByRole('button', { name: 'Open in Compose' }).click();
  await expect(page.getByLabel('Session name')).toHaveValue('squad-4');
});

test('sending from a draft says before and after what happens to the draft, and never rewrites it', async ({ app: page, mpsd }) => {
  // As long as a draft name may be, so the words around it show how they wrap.
  const NAME = 'Friday playtest: one invite to the lobby-7 squad, sent from a draft with a long name';
  const [sender, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);
  await joinAndSetActivity(page, sender!, 'GameSession', 'lobby-7');
  await fillInvite(page, inviteeLines(others.slice(0, 1)));
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await page.getByLabel('Draft name').fill(NAME);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(`Saved as draft “${NAME}”.`)).toBeVisible();

  // Kept: the default, said before the send and after it; the edit sent is not saved into the draft.
  await page.getByLabel(/^Invitees/).fill(inviteeLines(others.slice(1, 2)).join('\n'));
  await expect(page.getByTestId('draft-fate-before')).toContainText(`Draft “${NAME}” is kept as saved.`);
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('invitee-row')).toHaveCount(1);
  await expect(page.getByTestId('draft-fate-after')).toHaveText(`Draft “${NAME}” was kept as saved.`);
  await openScreen(page, 'Drafts');
  await page.getByTestId('draft-row').getByRole('button', { name: 'Open in Compose' }).click();
  await expect(page.getByLabel(/^Invitees/)).toHaveValue(inviteeLines(others.slice(0, 1)).join('\n'));

  // Removed: only when asked, and only because everything in it went out.
  await page.getByTestId('remove-draft-when-sent').check();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-draft-before-send', scheme);
  }
  await expect(page.getByTestId('draft-fate-before')).toHaveText(
    `Draft “${NAME}” is removed once everything in it is sent; if anything fails, is queued or is cancelled, it is kept.`,
  );
  await page.getByTestId('send').click();
  await expect(page.getByTestId('draft-fate-after')).toHaveText(`Draft “${NAME}” was removed: everything in it was sent.`);
  await expect(page.getByTestId('draft-tag')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-draft-after-send', scheme);
  }
  await openScreen(page, 'Drafts');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  expect((await invitedXuids(page.request, mpsd)).sort()).toEqual([others[0]!.xuid, others[1]!.xuid].sort());
});

test('the outbox holds invites sent without a token and delivers them once one is pasted', async ({ app: page, mpsd, request }) => {
  const [sender, ...others] = mpsd.users;
  // A profile for the emulator, but no token yet: the invites wait in the outbox.
  await queueInviteWithoutToken(page, mpsd, others);
  await expect(page.getByTestId('outbox-badge')).toHaveText(String(others.length));
  // Queued is a state, not a failure: neutral, with the reason and what happens next, no red error.
  const queued = page.getByTestId('queued-outcome');
  await expect(queued.getByTestId('queued-headline')).toHaveText(`Queued in the outbox (${others.length} requests)`);
  await expect(queued).toHaveAttribute('data-tone', 'neutral');
  await expect(queued).toContainText('Queued because: No token for this profile');
  await expect(queued.getByTestId('queued-detail')).toHaveText(
    'Paused until the profile has a valid token: it goes out once you paste one or sign in, in Profiles.',
  );
  await expect(page.getByTestId('send-outcome').getByTestId('error-note').filter({ visible: true })).toHaveCount(0);

  await openScreen(page, 'Outbox');
  await expect(page.getByTestId('outbox-item')).toHaveCount(others.length);
  await expect(page.getByTestId('outbox-item').first()).toHaveAttribute('data-state', 'queued');
  await expect(page.getByTestId('outbox-item').first()).toContainText(others[0]!.gamertag);
  await expect(page.getByTestId('outbox-item').first().getByTestId('next-attempt')).toContainText(
    'Paused until the profile has a valid token',
  );

  // Paste the token, then flush (core may already have started on its own once the token arrived).
  await openScreen(page, 'Profiles');
  await page.getByTestId('paste-authorization').fill(sender!.authorization);
  await page.getByRole('button', { name: 'Save token' }).click();
  await expect(page.getByTestId('token-state')).not.toContainText('No token');
  await openScreen(page, 'Outbox');
  const flush = page.getByRole('button', { name: 'Flush now' });
  if (await flush.isEnabled()) await flush.click();
  await expect(page.getByTestId('outbox-item').filter({ has: page.locator('[data-state="queued"]') })).toHaveCount(0);
  await expect(page.getByTestId('outbox-badge')).toHaveCount(0);

  // Compose follows the outbox: the queued send now reads as delivered.
  await openScreen(page, 'Compose');
  await expect(page.getByTestId('queued-headline')).toHaveText(`Delivered by the outbox (${others.length} of ${others.length} sent)`);
  await expect(page.getByTestId('queued-outcome')).toHaveAttribute('data-tone', 'ok');

  // The emulator saw exactly one invite per invitee: nothing lost, nothing doubled.
  expect((await invitedXuids(request, mpsd)).sort()).toEqual(others.map((user) => user.xuid).sort());
});

test('History finds requests by search and kind, and exports them without the token', async ({ app: page, mpsd }) => {
  const [sender, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);
  await joinAndSetActivity(page, sender!, 'GameSession', 'lobby-7');
  await fillInvite(page, inviteeLines(others));
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('invitee-row')).toHaveCount(others.length);

  await openScreen(page, 'History');
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(2 + others.length);
  await page.keyboard.press(process.platform === 'darwin' ? 'Meta+k' : 'Control+k');
  await expect(page.getByRole('searchbox', { name: 'Search history' })).toBeFocused();
  await page.keyboard.type(others[1]!.xuid);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(others[1]!.gamertag);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows).toHaveCount(2 + others.length);
  await page.getByLabel('Kind').selectOption('session.join');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Join session');
  await page.getByLabel('Kind').selectOption('');
  await expect(rows).toHaveCount(2 + others.length);

  // A row opens its exchange; from there it can be opened in Compose again.
  await rows.filter({ hasText: 'Join session' }).click();
  const drawer = page.getByTestId('history-drawer');
  await expect(drawer.getByRole('heading', { name: 'Join session' })).toBeVisible();
  await expect(drawer.getByTestId('correlation-id')).toHaveText(/^[0-9a-f-]{36}$/i);
  await drawer.getByRole('button', { name: 'Open as draft in Compose' }).click();
  await expect(page.getByRole('radio', { name: 'Join session' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-7');
  await expect(page.getByLabel('Your XUID')).toHaveValue(sender!.xuid);
  await openScreen(page, 'History');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  expect(csv).toContain(others[0]!.xuid);
  expect(csv).not.toContain(sender!.authorization.split(';').at(-1)!);
});

test('keyboard shortcuts move between screens and list themselves, but not while typing', async ({ app: page }) => {
  // Screens switch with g then a letter: Chrome keeps Ctrl+1..8 for its own tabs.
  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await expect(page.getByRole('heading', { name: 'History', level: 1 })).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('p');
  await expect(page.getByRole('heading', { name: 'Presets', level: 1 })).toBeVisible();
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-help')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcut-help')).toBeHidden();
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await expect(page.getByRole('heading', { name: 'Compose', level: 1 })).toBeVisible();

  // Letters typed in a field stay in the field.
  await page.getByLabel('Session name').focus();
  await page.keyboard.type('gh?');
  await expect(page.getByRole('heading', { name: 'Compose', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Session name')).toHaveValue('gh?');
  await expect(page.getByTestId('shortcut-help')).toBeHidden();

  // The request kinds are one radio group: arrow keys move the choice.
  await page.getByRole('radio', { name: 'Set activity' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: 'Send invites' })).toBeFocused();
  await expect(page.getByRole('radio', { name: 'Send invites' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByLabel(/^Invitees/)).toBeVisible();
});

test('an invite fan-out can be cancelled, and who was not reached says so', async ({ app: page, mpsd, request }) => {
  const [sender, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);
  // Slow answers give the user time to press Cancel while invites are still going out.
  await request.post(`${mpsd.url}/_emulator/faults`, { data: { kind: 'latency', ms: 1500, pathPattern: '^/handles$' } });

  // More invitees than core sends at once, so some are still waiting when Cancel lands.
  const invitees = [...inviteeLines(others), ...Array.from({ length: 9 }, (_, index) => `${2814670000000001 + index}`)];
  await fillInvite(page, invitees);
  await page.getByTestId('send').click();

  const progress = page.getByTestId('send-progress');
  await expect(progress.getByTestId('invitee-row').first()).toBeVisible();
  await progress.getByRole('button', { name: 'Cancel' }).click();

  const outcome = page.getByTestId('send-outcome');
  await expect(outcome).toHaveAttribute('data-outcome', 'cancelled');
  await expect(outcome.getByRole('heading', { level: 2 })).toHaveText('Cancelled');
  await expect(outcome.getByTestId('invitee-row')).toHaveCount(invitees.length);
  await expect(outcome.getByTestId('invitee-row').first()).toContainText('Invited');
  await expect(outcome.getByTestId('invitee-row').last()).toContainText('Not attempted');
});

test('a connection dropped after an invite went out is shown as outcome unknown, with a warning', async ({ app: page, mpsd, request }) => {
  const [sender, invitee] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);
  await request.post(`${mpsd.url}/_emulator/faults`, { data: { kind: 'drop', count: 1, pathPattern: '^/handles$' } });

  await fillInvite(page, inviteeLines([invitee!]));
  await page.getByTestId('send').click();

  const outcome = page.getByTestId('send-outcome');
  await expect(outcome.getByTestId('invitee-row')).toContainText('Outcome unknown');
  await expect(outcome.locator('[data-code="OUTCOME_UNKNOWN"]').first()).toContainText(
    'The connection dropped after the request went out: check before resending',
  );
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-outcome-unknown', scheme);
  }

  // The outbox keeps it for a decision, says what resending risks, and asks before doing it.
  await openScreen(page, 'Outbox');
  const item = page.locator('[data-testid="outbox-item"][data-state="outcome-unknown"]');
  await expect(item.first()).toContainText('Resending may invite this person twice');
  await page.emulateMedia({ colorScheme: 'light' });
  await saveScreenshot(page, 'outbox-outcome-unknown', 'light');
  await item.first().getByRole('button', { name: 'Requeue…' }).click();
  await expect(item.first()).toContainText('Send it again, knowing it may be a duplicate?');
  await item.first().getByRole('button', { name: 'Requeue', exact: true }).click();
  await expect(page.locator('[data-testid="outbox-item"][data-state="outcome-unknown"]')).toHaveCount(0);
});

test('presets: favourite, send to chosen recipients, and the team file round-trips', async ({ app: page, mpsd, request }) => {
  const [sender, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);
  await openScreen(page, 'Presets');
  await expect(page.getByTestId('empty-state')).toContainText('Save the invite you send most as a preset');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  const editor = page.getByTestId('preset-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Squad');
  await editor.getByLabel('SCID').fill('not-a-guid');
  await editor.getByLabel('SCID').blur();
  await expect(editor.getByTestId('preset-scid-message')).toContainText('SCID must be a GUID');
  await editor.getByLabel('SCID').fill(SCID);
  await editor.getByLabel('Session template').fill('GameSession');
  await editor.getByLabel('Session name').fill('lobby-7');
  await editor.getByLabel('Title id').fill('0x4D2');
  await editor.getByLabel('Recipients').fill(inviteeLines(others).join('\n'));
  await editor.getByRole('button', { name: 'Save preset' }).click();

  const card = page.getByTestId('preset-card');
  // A hex title id stays as typed, with the decimal that is sent beside it.
  await expect(card).toContainText('title 0x4D2 (1234)');
  await card.getByRole('button', { name: /Mark Squad as favourite/ }).click();
  await expect(card.getByRole('button', { name: /Remove Squad from favourites/ })).toHaveAttribute('aria-pressed', 'true');

  // Only the second recipient.
  await card.getByRole('button', { name: 'Choose recipients…' }).click();
  const picker = page.getByTestId('recipient-picker');
  await picker.getByRole('button', { name: 'None' }).click();
  await picker.getByRole('checkbox', { name: new RegExp(others[1]!.gamertag) }).check();
  await picker.getByRole('button', { name: 'Send 1 invite' }).click();
  await expect(page.getByTestId('preset-run').getByTestId('invitee-row')).toHaveCount(1);
  await expect(page.getByTestId('preset-run').getByTestId('invitee-row')).toContainText('Invited');
  expect(await invitedXuids(request, mpsd)).toEqual([others[1]!.xuid]);

  // Export, delete, import: the preset comes back from the file.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export team file' }).click();
  const file = await (await download).path();
  await card.getByRole('button', { name: 'Delete…' }).click();
  await card.getByRole('button', { name: 'Delete it' }).click();
  await expect(page.getByTestId('preset-card')).toHaveCount(0);
  await page.getByLabel('Import presets file').setInputFiles(file!);
  await expect(page.getByText(/Imported .*: 1 new, 0 replaced, 0 unchanged\./)).toBeVisible();
  await expect(page.getByTestId('preset-card')).toContainText('Squad');
});

test('Copy as curl puts the previewed request on the clipboard with the placeholder only', async ({ app: page, context, mpsd }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await addLocalProfile(page, mpsd, mpsd.users[0]!);
  await openScreen(page, 'Compose');
  await page.getByLabel('SCID').fill(SCID);
  await page.getByLabel('Session template').fill('GameSession');
  await page.getByLabel('Session name').fill('lobby-7');
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  await expect(page.getByRole('button', { name: 'Copy as curl' })).toHaveText('Copied');
  // Runs in the page; the Node-side typecheck has no DOM types, hence the narrow cast.
  const curl = await page.evaluate(() =>
    (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
  );
  expect(curl).toContain(`curl --request POST '${mpsd.url}/handles'`);
  expect(curl).toContain("--header 'Authorization: XBL3.0 x=<uhs>;<token>'");
  expect(curl).toContain('"name":"lobby-7"');
  expect(curl).not.toContain(mpsd.users[0]!.authorization.split(';').at(-1)!);
});
