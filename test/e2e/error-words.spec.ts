/**
 * Errors in words that fit (issue 13, item 3): setting an activity on a session the user has
 * not joined is refused by the local MPSD, and the screen says to join first rather than to
 * check the ids against Partner Center.
 */
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { SCID } from './flows.ts';

test('an activity on a session not joined says "join the session first", not "check ids in Partner Center"', async ({
  app: page,
  mpsd,
}) => {
  await addLocalProfile(page, mpsd, mpsd.users[0]!, 'Player A');
  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: 'Set activity', exact: true }).click();
  await page.getByLabel('SCID').fill(SCID);
  await page.getByLabel('Session template').fill('GameSession');
  await page.getByLabel('Session name').fill('never-joined');
  await page.getByTestId('send').click();

  const outcome = page.getByTestId('send-outcome');
  await expect(outcome.getByTestId('status').first()).toHaveText(/^40[49]$/);
  const note = outcome.getByTestId('error-note');
  await expect(note).toHaveCount(1);
  await expect(note).toContainText('Activity not set: you are not in this session');
  await expect(note).toContainText('Join the session first');
  await expect(note).not.toContainText('Partner Center');
  await expect(note).not.toContainText('Check the SCID');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-activity-not-joined', scheme);
  }
});
