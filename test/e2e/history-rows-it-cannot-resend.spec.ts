/**
 * History rows the app lists but cannot use as they were: a row a newer build wrote (a kind,
 * outcome and error code this build does not know) and an MPA call whose profile is gone.
 * Each is shown, named in words, with no way to resend it as something it was not. Screenshots
 * light and dark; axe finds 0 violations on each.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { addLocalProfile, expect, openScreen, test } from './fixtures.ts';
import { joinAndSetActivity } from './flows.ts';
import { addMpaProfile, localMpa, lookAndCheck } from './mpa-flows.ts';

test.describe.configure({ timeout: 240_000 });

test('a row a newer build wrote is listed and opened, its kind, outcome and error named as unknown to this version', async ({
  app: page,
  mpsd,
  dataDir,
}) => {
  const [me] = mpsd.users;
  if (me === undefined) throw new Error('The local MPSD seeds its users: none came.');
  await addLocalProfile(page, mpsd, me);
  await joinAndSetActivity(page, me, 'GameSession', 'lobby-7');

  // What a newer build leaves in the file: values this one has no words for.
  const database = new DatabaseSync(join(dataDir, 'history.sqlite'));
  try {
    const newest = database
      .prepare(
        "UPDATE history SET kind = 'mpa.party.send', outcome = 'partly', error_code = 'PARTY_FULL', " +
          "error_message = 'The party lobby-7 is full: 8 of 8 seats are taken.' WHERE seq = (SELECT MAX(seq) FROM history)",
      )
      .run();
    expect(newest.changes).toBe(1);
  } finally {
    database.close();
  }

  await openScreen(page, 'History');
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('Unknown to this version (mpa.party.send)');
  await expect(rows.first()).toContainText('Unknown to this version (partly)');
  // The row this build knows is listed as before.
  await expect(rows.nth(1)).toContainText('Join session');
  // The long kind wraps inside its column instead of running over the target beside it.
  const kind = rows.first().getByRole('button', { name: /Unknown to this version/ });
  expect(await kind.evaluate((button) => button.scrollWidth <= button.clientWidth)).toBe(true);

  await kind.click();
  const drawer = page.getByTestId('history-drawer');
  await expect(drawer.getByRole('heading', { level: 2 })).toHaveText('Unknown to this version (mpa.party.send)');
  const note = drawer.locator('[data-testid="error-note"][data-code="PARTY_FULL"]');
  await expect(note).toContainText('Unknown to this version PARTY_FULL');
  await expect(note).toContainText('The party lobby-7 is full: 8 of 8 seats are taken.');
  // A kind this build does not know is not rebuilt into some other request.
  await expect(drawer.getByRole('button', { name: 'Resend' })).toHaveCount(0);
  await expect(drawer).toContainText('This entry does not hold enough to rebuild the request.');
  await lookAndCheck(page, 'history-newer-build-row');
});

test('an MPA call whose profile was removed is not resent as another profile; the drawer says why and what to do', async ({
  app: page,
  mpsd,
}) => {
  const [me, second, third] = mpsd.users;
  if (me === undefined || second === undefined || third === undefined) throw new Error('The local MPSD seeds three users.');
  await addMpaProfile(page, mpsd, 'Local MPA');
  await openScreen(page, 'Compose');
  await page.getByRole('radiogroup', { name: 'Request kind' }).getByRole('radio', { name: 'Invite' }).click();
  await page.getByLabel('Title id').fill('0x4D2');
  await page.getByLabel('Invited users').fill(second.xuid);
  await page.getByLabel('Connection string').fill('lobby-9');
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByRole('heading', { level: 2 })).toHaveText('1 of 1 invited in one call');

  // Another MPA profile (another user) stays; the one that sent the call goes.
  await addMpaProfile(page, mpsd, 'QA box MPA', third);
  await openScreen(page, 'Profiles');
  const sender = page.getByTestId('profile-card').filter({ hasText: 'Local MPA' });
  await sender.getByRole('button', { name: 'Remove…' }).click();
  await sender.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(sender).toHaveCount(0);

  await openScreen(page, 'History');
  await page
    .getByTestId('history-row')
    .filter({ hasText: 'MPA: send invites' })
    .getByRole('button', { name: /MPA: send invites/ })
    .click();
  const drawer = page.getByTestId('history-drawer');
  await expect(drawer.getByTestId('history-profile')).toHaveText('Local MPA');
  await expect(drawer.getByTestId('history-mpa-resend-refused')).toHaveText(
    'This call was sent as “Local MPA”, which is not one of your profiles now, so it cannot be resent as it was. ' +
      'Open it in Compose to send it as the active profile, “QA box MPA”.',
  );
  await expect(drawer.getByRole('button', { name: 'Resend' })).toHaveCount(0);
  await expect(drawer.getByRole('button', { name: 'Open as draft in Compose' })).toBeVisible();
  await lookAndCheck(page, 'mpa-history-resend-profile-gone');
  expect((await localMpa(page, mpsd)).invites).toHaveLength(1);
});
