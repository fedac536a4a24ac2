/**
 * A 900 px window (a laptop half-screen): the sidebar gives its width to the screen (the
 * screens become one row on top), and History shows ids whole, wrapped rather than cut.
 */
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { fillInvite, inviteeLines, joinAndSetActivity } from './flows.ts';

test('at 900 px the sidebar collapses into a top row and history ids stay whole', async ({ app: page, mpsd }) => {
  const [sender, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);
  await joinAndSetActivity(page, sender!, 'GameSession', 'lobby-7');
  await fillInvite(page, inviteeLines(others));
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('invitee-row')).toHaveCount(others.length);

  await page.setViewportSize({ width: 900, height: 760 });
  await openScreen(page, 'History');
  await expect(page.getByTestId('history-row').first()).toBeVisible();

  const nav = await page.getByRole('navigation', { name: 'Screens' }).boundingBox();
  const screen = await page.locator('main.screen').boundingBox();
  // The screens are a row above the content, and the content has the window's whole width.
  expect(nav!.height).toBeLessThan(80);
  expect(screen!.x).toBe(0);
  expect(screen!.width).toBe(900);

  // Times, correlation ids, targets and invitees: every cell shows all of its text, within its column.
  const cut = await page
    .getByTestId('history-row')
    .locator('td, td .ellipsis')
    .evaluateAll((cells) =>
      cells.filter((cell) => cell.checkVisibility() && cell.scrollWidth > cell.clientWidth).map((cell) => cell.textContent),
    );
  expect(cut).toEqual([]);
  for (const correlationId of await page.getByTestId('history-row').locator('td.extra.mono').allTextContents()) {
    expect(correlationId.trim()).toMatch(/^[0-9a-f-]{36}$/i);
  }
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'history-900px', scheme);
  }
});
