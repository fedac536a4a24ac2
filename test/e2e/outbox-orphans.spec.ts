/**
 * Queued invites whose profile is removed: the Outbox names the profile they were queued with,
 * says it is gone, and offers "Send as" a profile of the same service (and Dismiss). Sent as the
 * profile picked, each goes out once. An invite the CLI sent with XBL_AUTHORIZATION (no profile)
 * whose outcome is unknown after a kill offers no Requeue: only Dismiss, with why. Screenshots
 * light and dark; axe finds nothing.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { addLocalProfile, expect, invitedXuids, openScreen, saveScreenshot, test } from './fixtures.ts';
import { fillInvite, inviteeLines, queueInviteWithoutToken } from './flows.ts';

const LONG_NAME = 'Release candidate QA profile for the winter event lobby run';

test('a removed profile’s queued invite is named by it and sent as another profile', async ({ app: page, mpsd, request }) => {
  const [sender, invitee] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);

  // A profile without a token queues what it sends.
  await openScreen(page, 'Profiles');
  await page.getByRole('button', { name: 'New profile' }).click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill(LONG_NAME);
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  const tokenless = page.getByTestId('profile-card').filter({ hasText: LONG_NAME });
  await tokenless.getByRole('button', { name: 'Use this profile' }).click();
  await fillInvite(page, inviteeLines([invitee!]));
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome')).toHaveAttribute('data-outcome', 'queued');

  // The profile goes; its invite stays, waiting for a way out.
  await openScreen(page, 'Profiles');
  await tokenless.getByRole('button', { name: 'Remove…' }).click();
  await tokenless.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(tokenless).toHaveCount(0);

  await openScreen(page, 'Outbox');
  const item = page.getByTestId('outbox-item');
  await expect(item).toHaveCount(1);
  const gone = item.getByTestId('profile-gone');
  await expect(gone).toContainText(`From profile "${LONG_NAME}", which is gone`);
  await expect(gone.getByLabel('Send as')).toHaveValue(/.+/);
  await expect(gone.getByLabel('Send as').locator('option')).toHaveText(['Local MPSD']);
  await expect(item.getByRole('button', { name: 'Dismiss' })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'outbox-profile-gone', scheme);
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(
      violations.map((violation) => `${scheme}: ${violation.id} ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  await gone.getByRole('button', { name: 'Send as this profile' }).click();
  await expect(item.getByTestId('profile-gone')).toHaveCount(0);
  const flushNow = page.getByRole('button', { name: 'Flush now' });
  if (await flushNow.isEnabled()) await flushNow.click();
  await expect(item).toHaveAttribute('data-state', 'sent');
  expect(await invitedXuids(request, mpsd)).toEqual([invitee!.xuid]);
});

test('an invite the CLI sent with XBL_AUTHORIZATION, outcome unknown after a kill, can only be dismissed', async ({
  app: page,
  mpsd,
  dataDir,
  request,
}) => {
  // A queued invite, turned on disk into what a killed `XBL_AUTHORIZATION=… handle-studio invite
  // send` leaves: the ad-hoc sender's journal row, outcome unknown (app/core/outbox/ad-hoc-sender.ts).
  await queueInviteWithoutToken(page, mpsd, mpsd.users.slice(1, 2));
  const database = new DatabaseSync(join(dataDir, 'outbox.sqlite'));
  try {
    const changed = database
      .prepare("UPDATE outbox SET profile_id = 'environment', state = 'outcome-unknown' WHERE state = 'queued'")
      .run();
    expect(changed.changes).toBe(1);
  } finally {
    database.close();
  }

  await openScreen(page, 'Outbox');
  const item = page.getByTestId('outbox-item');
  await expect(item).toHaveAttribute('data-state', 'outcome-unknown');
  await expect(item.getByTestId('sent-without-profile')).toContainText(
    'Sent from the command line with XBL_AUTHORIZATION: its token is not stored, so Handle Studio cannot send it again',
  );
  await expect(item.getByRole('button', { name: /Requeue/ })).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'outbox-sent-without-profile', scheme);
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(violations.map((violation) => `${scheme}: ${violation.id}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await item.getByRole('button', { name: 'Dismiss' }).click();
  await expect(item).toHaveCount(0);
  expect(await invitedXuids(request, mpsd)).toEqual([]);
});
