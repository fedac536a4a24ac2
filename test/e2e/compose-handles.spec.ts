/**
 * The handle calls from Compose against the local MPSD (issue 9, items 7 and 8): a player is
 * invited, switches to their own profile and joins through the invite handle, and the answer
 * names the session joined; an activity query says whether the session can be joined and,
 * once it is closed, why not; a transfer handle is created; a session is made findable with a
 * search handle and found by a search; the search handle form survives as a draft.
 */
import type { Page } from '@playwright/test';
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { fillInvite, joinAndSetActivity, SCID } from './flows.ts';

async function chooseKind(page: Page, label: string): Promise<void> {
  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: label, exact: true }).click();
}

async function sendAndExpectStatus(page: Page, status: RegExp): Promise<void> {
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('status').first()).toHaveText(status);
}

test('B joins through the invite handle A sent; activity and search results say whether each session can be joined; transfer and search handles from Compose', async ({
  app: page,
  mpsd,
  request,
}) => {
  const [a, b] = [mpsd.users[0]!, mpsd.users[1]!];
  await addLocalProfile(page, mpsd, a, 'Player A');
  await joinAndSetActivity(page, a, 'GameSession', 'lobby-7');
  await fillInvite(page, [`${b.xuid} ${b.gamertag}`]);
  await sendAndExpectStatus(page, /^201$/);
  const inviteHandle = (await page.getByTestId('send-outcome').getByTestId('handle-id').textContent())!.trim();
  expect(inviteHandle).toMatch(/^[0-9a-f-]{36}$/i);

  // B's own profile becomes the active one (a pasted token does not say whose it is: B types it).
  await addLocalProfile(page, mpsd, b, 'Player B');
  await chooseKind(page, 'Join through handle');
  await page.getByLabel('Your XUID').fill(b.xuid);
  const handleId = page.getByLabel('Handle id');
  await handleId.fill('not-a-handle');
  await handleId.blur();
  await expect(page.getByTestId('field-handle-id-message')).toHaveText('Handle id must be a GUID, as MPSD returned it.');
  await expect(page.getByTestId('request-preview')).toContainText('once they are valid');
  await handleId.fill(inviteHandle);
  await expect(page.getByTestId('field-handle-id-message')).toHaveText('');
  const preview = page.getByTestId('request-preview').getByTestId('sent-request');
  await expect(preview).toContainText(`PUT ${mpsd.url}/handles/${inviteHandle}/session`);
  await expect(preview).toContainText(`"xuid": "${b.xuid}"`);
  await sendAndExpectStatus(page, /^20[01]$/);
  await expect(page.getByTestId('session-reached')).toContainText('Joined GameSession/lobby-7');
  await expect(page.getByTestId('session-reached')).toContainText(SCID);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-join-through-handle', scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // A's activity, read by B: joinable, and B now counts among its members.
  await chooseKind(page, 'Query activities');
  await page.getByLabel('XUIDs').fill(a.xuid);
  await sendAndExpectStatus(page, /^200$/);
  const activity = page.getByTestId('handle-found');
  await expect(activity).toHaveCount(1);
  await expect(activity).toContainText(a.xuid);
  await expect(activity).toContainText('GameSession/lobby-7');
  await expect(activity.getByTestId('joinable')).toHaveText('joinable');
  await expect(activity.getByTestId('members')).toHaveText(/^2\/\d+$/);

  // A closes the session (as a game would, straight to MPSD): the same query now says why it cannot be joined.
  const closing = await request.put(`${mpsd.url}/serviceconfigs/${SCID}/sessionTemplates/GameSession/sessions/lobby-7`, {
    headers: { Authorization: a.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json' },
    data: { properties: { system: { closed: true } } },
  });
  expect(closing.status()).toBe(200);
  await sendAndExpectStatus(page, /^200$/);
  await expect(activity.getByTestId('joinable')).toHaveText('not joinable: closed');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-activity-verdict', scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // B hosts a lobby and makes it findable; a line the form cannot read is named, not dropped.
  await chooseKind(page, 'Join session');
  await page.getByLabel('Session template').fill('LobbySession');
  await page.getByLabel('Session name').fill('lobby-9');
  await sendAndExpectStatus(page, /^20[01]$/);
  await chooseKind(page, 'Create search handle');
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-9');
  await page.getByLabel(/^Tags/).fill('ProRankOnly Casual');
  await page.getByLabel(/^String attributes/).fill('MapName=UrbanCityAssault');
  const numbers = page.getByLabel(/^Number attributes/);
  await numbers.fill('MinLevel=25\nMaxLevel');
  await numbers.blur();
  await expect(page.getByTestId('field-search-numbers-message')).toContainText('Line 2 (“MaxLevel”): write NAME=VALUE');
  await numbers.fill('MinLevel=25\nMaxLevel=40');
  await expect(page.getByTestId('field-search-numbers-message')).toHaveText('');
  await expect(preview).toContainText(/"numbers": \{\s*"MinLevel": 25,\s*"MaxLevel": 40\s*\}/);
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await page.getByLabel('Draft name').fill('Lobby search handle');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as draft “Lobby search handle”')).toBeVisible();
  await sendAndExpectStatus(page, /^201$/);

  // The lobby's members may move to GameSession/lobby-7 through a transfer handle; the origin must be another session.
  await chooseKind(page, 'Create transfer handle');
  await page.getByLabel('Origin template').fill('LobbySession');
  const origin = page.getByLabel('Origin session');
  await origin.fill('lobby-9');
  await origin.blur();
  await expect(page.getByTestId('field-origin-session-message')).toContainText('give a different origin session');
  await page.getByLabel('Session template').fill('GameSession');
  await page.getByLabel('Session name').fill('lobby-7');
  await expect(page.getByTestId('field-origin-session-message')).toHaveText('');
  await expect(preview).toContainText(/"originSessionRef": \{[^}]*"templateName": "LobbySession",\s*"name": "lobby-9"/);
  await sendAndExpectStatus(page, /^201$/);
  await expect(page.getByTestId('send-outcome').getByLabel('Response body')).toContainText('"type": "transfer"');

  await chooseKind(page, 'Search sessions');
  await page.getByLabel('Session template').fill('LobbySession');
  await expect(page.getByLabel('Session name')).toHaveCount(0);
  // Numbers and strings here; Microsoft's tag form (tags/any(d:tolower(d) eq '…')) is sent from Compose in history-new-kinds.spec.ts.
  await page.getByLabel(/^Filter/).fill("numbers/minlevel le 30 and strings/mapname eq 'urbancityassault'");
  await sendAndExpectStatus(page, /^200$/);
  const found = page.getByTestId('handle-found');
  await expect(found).toHaveCount(1);
  await expect(found).toContainText('LobbySession/lobby-9');
  // MPSD keeps tags lower-cased.
  await expect(found).toContainText('prorankonly, casual');
  await expect(found.getByTestId('joinable')).toHaveText('joinable');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-search', scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // History names the new kinds as what they are.
  await openScreen(page, 'History');
  const rows = page.getByTestId('history-row');
  await expect(rows.first()).toContainText('Search sessions');
  await expect(rows.filter({ hasText: 'Create search handle' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Join through handle' })).toHaveCount(1);

  // The draft keeps the search handle's form, under its own kind.
  await chooseKind(page, 'Set activity');
  await openScreen(page, 'Drafts');
  const draftRow = page.getByTestId('draft-row').filter({ hasText: 'Lobby search handle' });
  await expect(draftRow).toContainText('Create search handle');
  await draftRow.getByRole('button', { name: 'Open in Compose' }).click();
  await expect(page.getByRole('radio', { name: 'Create search handle' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-9');
  await expect(page.getByLabel(/^Tags/)).toHaveValue('ProRankOnly Casual');
  await expect(page.getByLabel(/^String attributes/)).toHaveValue('MapName=UrbanCityAssault');
  await expect(page.getByLabel(/^Number attributes/)).toHaveValue('MinLevel=25\nMaxLevel=40');
});
