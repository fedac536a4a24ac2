/**
 * Inputs (issue 13, item 4): a title id typed in Partner Center's hex stays as typed in Compose,
 * with the decimal that is sent shown beside it, and the request preview carries the decimal.
 */
import { addLocalProfile, expect, openScreen, saveScreenshot, test } from './fixtures.ts';
import { fillInvite } from './flows.ts';

test('a hex title id stays as typed and its decimal is shown beside it', async ({ app: page, mpsd }) => {
  await addLocalProfile(page, mpsd, mpsd.users[0]!, 'Player A');
  await openScreen(page, 'Compose');
  await fillInvite(page, [`${mpsd.users[1]!.xuid} B`]);
  const titleId = page.getByLabel('Title id', { exact: true });
  await titleId.fill('0x4D2');
  await titleId.blur();
  await expect(titleId).toHaveValue('0x4D2');
  await expect(page.locator('#field-title-id-hint')).toHaveText('0x4D2 is 1234 in decimal, which is what is sent.');
  await expect(page.getByTestId('request-preview')).toContainText('"titleId": "1234"');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-title-id-hex', scheme);
  }
});
