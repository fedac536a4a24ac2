/**
 * History reuses the four handle calls issue 9 added (join through a handle, transfer handle,
 * search handle, search query): "Open as draft in Compose" fills the form as it was sent, and
 * Resend asks first for the three that repeat an effect (another join, another handle) but
 * not for the search, which only reads. Everything runs against the local MPSD, whose search
 * takes Microsoft's documented tag test.
 */
import type { Page } from '@playwright/test';
import { addLocalProfile, expect, openScreen, test } from './fixtures.ts';
import { joinAndSetActivity } from './flows.ts';

const TAG_FILTER = "tags/any(d:tolower(d) eq 'elite') and numbers/minlevel le 30";

async function chooseKind(page: Page, label: string): Promise<void> {
  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: label, exact: true }).click();
}

async function sendAndExpectStatus(page: Page, status: RegExp): Promise<void> {
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('status').first()).toHaveText(status);
}

test('History opens and resends joins through a handle, transfer and search handles and search queries; it asks before repeating the three that write', async ({
  app: page,
  mpsd,
}) => {
  // A long flow, and one of its sends is paced by the search handles' 15-second limit.
  test.setTimeout(120_000);
  const a = mpsd.users[0]!;
  await addLocalProfile(page, mpsd, a);
  await joinAndSetActivity(page, a, 'GameSession', 'lobby-7');

  // A hosts a searchable lobby and makes it findable, then lets its members move to lobby-7.
  await chooseKind(page, 'Join session');
  await page.getByLabel('Session template').fill('LobbySession');
  await page.getByLabel('Session name').fill('lobby-9');
  await sendAndExpectStatus(page, /^20[01]$/);
  await chooseKind(page, 'Create search handle');
  await page.getByLabel(/^Tags/).fill('Elite Casual');
  await page.getByLabel(/^String attributes/).fill('MapName=UrbanCityAssault');
  await page.getByLabel(/^Number attributes/).fill('MinLevel=25');
  await sendAndExpectStatus(page, /^201$/);
  const searchHandle = (await page.getByTestId('send-outcome').getByTestId('handle-id').textContent())!.trim();
  expect(searchHandle).toMatch(/^[0-9a-f-]{36}$/i);

  await chooseKind(page, 'Create transfer handle');
  await page.getByLabel('Session template').fill('GameSession');
  await page.getByLabel('Session name').fill('lobby-7');
  await page.getByLabel('Origin template').fill('LobbySession');
  await page.getByLabel('Origin session').fill('lobby-9');
  await sendAndExpectStatus(page, /^201$/);

  await chooseKind(page, 'Join through handle');
  await page.getByLabel('Handle id').fill(searchHandle);
  await page.getByLabel('Your XUID').fill(a.xuid);
  await page.getByLabel(/Join as an active/).check();
  await sendAndExpectStatus(page, /^20[01]$/);

  await chooseKind(page, 'Search sessions');
  await page.getByLabel('Session template').fill('LobbySession');
  await page.getByLabel(/^Filter/).fill(TAG_FILTER);
  await page.getByLabel(/^Order by/).fill('numbers/minlevel desc');
  await sendAndExpectStatus(page, /^200$/);
  await expect(page.getByTestId('handle-found')).toHaveCount(1);
  await expect(page.getByTestId('handle-found')).toContainText('LobbySession/lobby-9');

  const drawer = page.getByTestId('history-drawer');
  const warning = drawer.getByTestId('history-use-warning');
  const rows = page.getByTestId('history-row');
  async function openEntry(kindLabel: string): Promise<void> {
    await openScreen(page, 'History');
    await rows.filter({ hasText: kindLabel }).first().click();
    await expect(drawer.getByRole('button', { name: 'Resend' })).toBeVisible();
  }
  async function openInCompose(kindLabel: string): Promise<void> {
    await openEntry(kindLabel);
    await drawer.getByRole('button', { name: 'Open as draft in Compose' }).click();
    await expect(page.getByRole('radio', { name: kindLabel, exact: true })).toHaveAttribute('aria-checked', 'true');
  }

  // Open as draft: each form comes back as it was sent.
  await openInCompose('Create transfer handle');
  await expect(page.getByLabel('Session template')).toHaveValue('GameSession');
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-7');
  await expect(page.getByLabel('Origin template')).toHaveValue('LobbySession');
  await expect(page.getByLabel('Origin session')).toHaveValue('lobby-9');

  await openInCompose('Create search handle');
  await expect(page.getByLabel('Session name')).toHaveValue('lobby-9');
  await expect(page.getByLabel(/^Tags/)).toHaveValue('Elite Casual');
  await expect(page.getByLabel(/^String attributes/)).toHaveValue('MapName=UrbanCityAssault');
  await expect(page.getByLabel(/^Number attributes/)).toHaveValue('MinLevel=25');

  await openInCompose('Join through handle');
  await expect(page.getByLabel('Handle id')).toHaveValue(searchHandle);
  await expect(page.getByLabel('Your XUID')).toHaveValue(a.xuid);
  await expect(page.getByLabel(/Join as an active/)).toBeChecked();

  await openInCompose('Search sessions');
  await expect(page.getByLabel('Session template')).toHaveValue('LobbySession');
  await expect(page.getByLabel(/^Filter/)).toHaveValue(TAG_FILTER);
  await expect(page.getByLabel(/^Order by/)).toHaveValue('numbers/minlevel desc');

  // Resend of a write asks first; Cancel sends nothing.
  for (const kindLabel of ['Create search handle', 'Join through handle', 'Create transfer handle']) {
    await openEntry(kindLabel);
    const before = await rows.count();
    await drawer.getByRole('button', { name: 'Resend' }).click();
    await expect(warning, kindLabel).toContainText('This repeats the request: MPSD applies it again.');
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    await expect(warning).toHaveCount(0);
    await expect(rows).toHaveCount(before);
  }

  // Confirmed, the transfer handle is created again; the search, a read, goes without a question.
  await openEntry('Create transfer handle');
  await drawer.getByRole('button', { name: 'Resend' }).click();
  await drawer.getByRole('button', { name: 'Resend anyway' }).click();
  await expect(page.getByTestId('send-outcome').getByTestId('status').first()).toHaveText(/^201$/);
  await openScreen(page, 'History');
  await expect(rows.filter({ hasText: 'Create transfer handle' })).toHaveCount(2);

  await openEntry('Search sessions');
  await drawer.getByRole('button', { name: 'Resend' }).click();
  // Search handles allow one read per 15 s (MPSD's limit, paced by the client), so the resend
  // may wait up to that long for its turn after the first search.
  await expect(page.getByTestId('send-outcome').getByTestId('status').first()).toHaveText(/^200$/, { timeout: 30_000 });
  await expect(page.getByTestId('handle-found')).toContainText('LobbySession/lobby-9');
  await openScreen(page, 'History');
  await expect(rows.filter({ hasText: 'Search sessions' })).toHaveCount(2);
});
