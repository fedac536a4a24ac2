/**
 * The presets and outbox promise, end to end: a preset sends its invites in one click and
 * History keeps each with its handle id; with the local MPSD stopped, the same click fills
 * the outbox; once the local MPSD is back (same port, same seed, so the pasted token is still
 * good), the outbox delivers by itself and the local MPSD counts each invite exactly once.
 */
import { addLocalProfile, expect, openScreen, startSeededMpsd, test } from './fixtures.ts';
import { inviteeLines, SCID } from './flows.ts';

const SEED = 'outbox-roundtrip';
const startMpsd = (port: number) => startSeededMpsd(port, SEED);

test('one-click preset invites, the outbox while the local MPSD is down, and exactly-once delivery when it is back', async ({
  app: page,
  request,
}) => {
  test.setTimeout(120_000);
  let mpsd = await startMpsd(0);
  try {
    const [sender, ...recipients] = mpsd.info.users;
    await addLocalProfile(page, mpsd.info, sender!);

    await openScreen(page, 'Presets');
    await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
    const editor = page.getByTestId('preset-editor');
    await editor.getByLabel('Name', { exact: true }).fill('Playtest squad');
    await editor.getByLabel('SCID').fill(SCID);
    await editor.getByLabel('Session template').fill('GameSession');
    await editor.getByLabel('Session name').fill('playtest');
    await editor.getByLabel('Title id').fill('1234');
    await editor.getByLabel('Recipients').fill(inviteeLines(recipients).join('\n'));
    await editor.getByRole('button', { name: 'Save preset' }).click();

    const card = page.getByTestId('preset-card').filter({ hasText: 'Playtest squad' });
    await card.getByRole('button', { name: `Send invites (${recipients.length})` }).click();
    const run = page.getByTestId('preset-run');
    await expect(run.getByTestId('invitee-row').filter({ hasText: 'Invited' })).toHaveCount(recipients.length);

    // History: one entry per invitee, each with the handle id MPSD gave it.
    await openScreen(page, 'History');
    const rows = page.getByTestId('history-row').filter({ hasText: 'Send invites' });
    await expect(rows).toHaveCount(recipients.length);
    for (let index = 0; index < recipients.length; index += 1) {
      await rows.nth(index).click();
      await expect(page.getByTestId('handle-id').first()).toHaveText(/^[0-9a-f-]{36}$/i);
    }

    // The local MPSD goes away: the same click queues every invite.
    const port = Number(new URL(mpsd.info.url).port);
    await mpsd.process.stop();
    await openScreen(page, 'Presets');
    await card.getByRole('button', { name: `Send invites (${recipients.length})` }).click();
    await expect(run.getByTestId('invitee-row').filter({ hasText: 'Queued' })).toHaveCount(recipients.length);
    await expect(page.getByTestId('outbox-badge')).toHaveText(String(recipients.length));
    await openScreen(page, 'Outbox');
    await expect(page.locator('[data-testid="outbox-item"][data-state="queued"]')).toHaveCount(recipients.length);

    // It comes back; nobody presses anything: the outbox flushes by itself.
    mpsd = await startMpsd(port);
    await expect(page.locator('[data-testid="outbox-item"][data-state="sent"]')).toHaveCount(recipients.length, { timeout: 45_000 });
    await expect(page.getByTestId('outbox-badge')).toHaveCount(0);

    const answer = await request.get(`${mpsd.info.url}/_emulator/invites`);
    const { invites } = (await answer.json()) as { invites: Array<{ invitedXuid: string }> };
    expect(invites.map((invite) => invite.invitedXuid).sort()).toEqual(recipients.map((user) => user.xuid).sort());
  } finally {
    await mpsd.process.stop();
  }
});
