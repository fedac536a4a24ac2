/**
 * The Outbox screen's order and housekeeping: an item whose outcome is unknown comes first,
 * with its decision buttons, whatever the order it was queued in; waiting items say when they
 * go out; "Clear sent" removes the sent ones and nothing else.
 */
import { addLocalProfile, expect, keepTokensInMemoryIfAsked, openScreen, saveScreenshot, test } from './fixtures.ts';
import { fillInvite, inviteeLines } from './flows.ts';

test('outcome-unknown first with its decisions, waiting items with their next attempt, and Clear sent', async ({
  app: page,
  mpsd,
  request,
}) => {
  const [sender, first, second] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);

  // A profile without a token queues what it sends.
  await openScreen(page, 'Profiles');
  await page.getByRole('button', { name: 'New profile' }).click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill('No token yet');
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  const tokenless = page.getByTestId('profile-card').filter({ hasText: 'No token yet' });
  const withToken = page.getByTestId('profile-card').filter({ hasText: 'Local MPSD' });

  async function queueInvite(): Promise<void> {
    await openScreen(page, 'Profiles');
    await tokenless.getByRole('button', { name: 'Use this profile' }).click();
    await expect(page.getByTestId('active-profile')).toHaveText('No token yet');
    await fillInvite(page, inviteeLines([first!]));
    await page.getByTestId('send').click();
    await expect(page.getByTestId('send-outcome')).toHaveAttribute('data-outcome', 'queued');
  }

  // Queued, then one whose connection drops after it went out, then queued again.
  await queueInvite();
  await openScreen(page, 'Profiles');
  await withToken.getByRole('button', { name: 'Use this profile' }).click();
  await request.post(`${mpsd.url}/_emulator/faults`, { data: { kind: 'drop', count: 1, pathPattern: '^/handles$' } });
  await fillInvite(page, inviteeLines([second!]));
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('invitee-row')).toContainText('Outcome unknown');
  await queueInvite();

  await openScreen(page, 'Outbox');
  const items = page.getByTestId('outbox-item');
  await expect(items).toHaveCount(3);
  await expect(items.first()).toHaveAttribute('data-state', 'outcome-unknown');
  await expect(items.first().getByRole('button', { name: 'Requeue…' })).toBeVisible();
  await expect(items.first().getByRole('button', { name: 'Dismiss' })).toBeVisible();
  for (const waiting of await page.locator('[data-testid="outbox-item"][data-state="queued"]').all()) {
    await expect(waiting.getByTestId('next-attempt')).toContainText('valid token');
  }
  await expect(page.getByRole('button', { name: /Clear sent/ })).toHaveCount(0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await saveScreenshot(page, 'outbox-decisions', 'dark');

  // A token for the tokenless profile: its two invites go out (on their own or with Flush now).
  await openScreen(page, 'Profiles');
  await keepTokensInMemoryIfAsked(page);
  await tokenless.getByTestId('paste-authorization').fill(sender!.authorization);
  await tokenless.getByRole('button', { name: 'Save token' }).click();
  await expect(tokenless.getByTestId('profile-token-state')).not.toHaveText('No token');
  await openScreen(page, 'Outbox');
  const flushNow = page.getByRole('button', { name: 'Flush now' });
  if (await flushNow.isEnabled()) await flushNow.click();
  await expect(page.locator('[data-testid="outbox-item"][data-state="sent"]')).toHaveCount(2);
  await expect(items.first()).toHaveAttribute('data-state', 'outcome-unknown');
  await page.emulateMedia({ colorScheme: 'light' });
  await saveScreenshot(page, 'outbox-sent-and-unknown', 'light');

  await page.getByRole('button', { name: 'Clear sent (2)' }).click();
  await expect(items).toHaveCount(1);
  await expect(items.first()).toHaveAttribute('data-state', 'outcome-unknown');
  await expect(page.getByRole('button', { name: /Clear sent/ })).toHaveCount(0);
});
