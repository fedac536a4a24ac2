/**
 * History rows the app lists but cannot use as they were: a row a newer build wrote (a kind,
 * outcome and error code this build does not know).
 * Each is shown, named in words, with no way to resend it as something it was not. Screenshots
 * light and dark; axe finds 0 violations on each.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { addLocalProfile, expect, openScreen, test } from './fixtures.ts';
import { joinAndSetActivity } from './flows.ts';
import { lookAndCheck } from './mpa-flows.ts';

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
  await rows
    .first()
    .getByRole('button', { name: /Unknown to this version/ })
    .click();
  const drawer = page.getByTestId('history-drawer');
  await expect(drawer.getByRole('heading', { level: 2 })).toHaveText('Unknown to this version (mpa.party.send)');
  const note = drawer.getByTestId('history-unknown-error');
  await expect(note).toContainText('Failed: Unknown to this version (PARTY_FULL)');
  await expect(note).toContainText('The party lobby-7 is full: 8 of 8 seats are taken.');
  // A kind this build does not know is not rebuilt into some other request.
  await expect(drawer.getByRole('button', { name: 'Resend' })).toHaveCount(0);
  await expect(drawer).toContainText('This entry does not hold enough to rebuild the request.');
  await lookAndCheck(page, 'history-newer-build-row');
});
