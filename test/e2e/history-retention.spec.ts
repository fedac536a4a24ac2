/**
 * History's retention rule from the History screen: seen at a glance, checked as you type,
 * and on Save the table loses the pruned entries and says how many went. The rule is
 * core's, so a fresh page still shows it.
 */
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { fillInvite, joinAndSetActivity } from './flows.ts';

test('keeping the newest 2 entries shrinks the table to 2 and says what was removed', async ({ app: page, mpsd }) => {
  const [me, friend] = mpsd.users;
  await addLocalProfile(page, mpsd, me!);
  await joinAndSetActivity(page, me!, 'GameSession', 'lobby-7');
  await fillInvite(page, [`${friend!.xuid} ${friend!.gamertag}`]);
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('status')).toHaveText(/^20[01]$/);

  await openScreen(page, 'History');
  const rows = page.getByTestId('history-row');
  // Join, set activity, invite: at least three, the invite newest.
  await expect(rows.first()).toContainText('Send invites');
  const before = await rows.count();
  expect(before).toBeGreaterThanOrEqual(3);
  const newestTwo = await rows.evaluateAll((found) => found.slice(0, 2).map((row) => row.textContent));

  const rule = page.getByTestId('retention-rule');
  await expect(rule).toHaveText('Retention: Keeping all entries');
  await rule.click();
  const panel = page.getByRole('dialog', { name: 'Retention' });
  const newest = panel.getByLabel('Keep the newest');
  await expect(newest).toBeFocused();

  // Checked as you type, in the contract's words; Save waits for a rule it can keep.
  await newest.fill('0');
  await expect(page.getByTestId('retention-max-entries-message')).toHaveText(
    'Keep at least 1 entry (or leave the limit empty for no limit).',
  );
  await expect(panel.getByRole('button', { name: 'Save' })).toBeDisabled();
  await saveScreenshot(page, 'history-retention-invalid', 'light');
  await newest.fill('2');
  await expect(page.getByTestId('retention-max-entries-message')).toHaveText('');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'history-retention-panel', scheme);
  }

  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel).toHaveCount(0);
  const removed = before - 2;
  await expect(page.getByRole('status').filter({ hasText: 'Removed' })).toHaveText(
    `Removed ${removed} ${removed === 1 ? 'entry' : 'entries'} beyond the newest 2.`,
  );
  await expect(rows).toHaveCount(2);
  expect(await rows.evaluateAll((found) => found.map((row) => row.textContent))).toEqual(newestTwo);
  await expect(rule).toHaveText('Retention: Keeping the newest 2 entries');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'history-retention-pruned', scheme);
  }

  // The rule lives in core's history database, not in the page.
  await page.reload();
  await openScreen(page, 'History');
  await expect(page.getByTestId('retention-rule')).toHaveText('Retention: Keeping the newest 2 entries');
  await expect(page.getByTestId('history-row')).toHaveCount(2);
});
