/**
 * A send queued because MPSD cannot be reached reads as queued, not as a failure: neutral
 * colours, why it was queued, when the next attempt is. When the local MPSD comes back the
 * outbox delivers on its own, and Compose, left open all the while, follows it to
 * "Delivered by the outbox" without a click. A row that cannot be read is shown, not hidden.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { addLocalProfile, expect, invitedXuids, openScreen, saveScreenshot, startSeededMpsd, test } from './fixtures.ts';
import { fillInvite, inviteeLines, queueInviteWithoutToken } from './flows.ts';

test('a queued send is shown as queued and follows the outbox until it is delivered', async ({ app: page }) => {
  test.setTimeout(150_000);
  let mpsd = await startSeededMpsd(0, 'queued-send');
  try {
    const [sender, ...recipients] = mpsd.info.users;
    await addLocalProfile(page, mpsd.info, sender!);
    await fillInvite(page, inviteeLines(recipients));

    const port = Number(new URL(mpsd.info.url).port);
    await mpsd.process.stop();
    await page.getByTestId('send').click();

    const outcome = page.getByTestId('send-outcome');
    await expect(outcome).toHaveAttribute('data-outcome', 'queued');
    const queued = outcome.getByTestId('queued-outcome');
    await expect(queued.getByTestId('queued-headline')).toHaveText(`Queued in the outbox (${recipients.length} requests)`);
    await expect(queued).toHaveAttribute('data-tone', 'neutral');
    await expect(queued).toContainText('Queued because: No connection');
    // No red failure banner for a send that is waiting its turn (each attempt's own answer stays folded in its exchange).
    await expect(outcome.getByTestId('error-note').filter({ visible: true })).toHaveCount(0);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await saveScreenshot(page, 'queued-compose', scheme);
      await openScreen(page, 'Outbox');
      await expect(page.getByTestId('outbox-item').first().getByTestId('next-attempt')).toBeVisible();
      await saveScreenshot(page, 'queued-outbox', scheme);
      await openScreen(page, 'Compose');
    }

    // MPSD is back; nobody clicks anything and Compose stays open.
    mpsd = await startSeededMpsd(port, 'queued-send');
    await expect(queued.getByTestId('queued-headline')).toHaveText(
      `Delivered by the outbox (${recipients.length} of ${recipients.length} sent)`,
      { timeout: 90_000 },
    );
    await expect(queued).toHaveAttribute('data-tone', 'ok');
    await expect(queued).not.toContainText('Queued because');
    expect((await invitedXuids(page.request, mpsd.info)).sort()).toEqual(recipients.map((user) => user.xuid).sort());
  } finally {
    await mpsd.process.stop();
  }
});

test('an outbox row that cannot be read is listed, never sent, and can be dismissed', async ({ app: page, mpsd, dataDir }) => {
  // A profile without a token: the invite waits in the outbox.
  await queueInviteWithoutToken(page, mpsd, mpsd.users.slice(1, 2));

  // The row is damaged on disk (a broken request), as a bad disk or another tool might leave it.
  const database = new DatabaseSync(join(dataDir, 'outbox.sqlite'));
  try {
    expect(database.prepare("UPDATE outbox SET request_json = '{ not json' WHERE state = 'queued'").run().changes).toBe(1);
  } finally {
    database.close();
  }

  await openScreen(page, 'Outbox');
  const damaged = page.getByTestId('outbox-damaged');
  await expect(damaged).toContainText('1 outbox row could not be read');
  await expect(page.getByTestId('empty-state')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'outbox-damaged-row', scheme);
  }
  await damaged.getByRole('button', { name: 'Dismiss' }).click();
  await expect(damaged).toHaveCount(0);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  expect(await invitedXuids(page.request, mpsd)).toEqual([]);
});
