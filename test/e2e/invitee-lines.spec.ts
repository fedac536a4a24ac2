/**
 * Inputs (issue 13, item 4): every bad line of the invitee box is named at once, and a 23-digit
 * XUID is called out of range rather than "digits only".
 */
import { addLocalProfile, expect, saveScreenshot, test } from './fixtures.ts';
import { fillInvite } from './flows.ts';

test('every bad invitee line is reported at once; a 23-digit XUID is out of range', async ({ app: page, mpsd }) => {
  await addLocalProfile(page, mpsd, mpsd.users[0]!, 'Player A');
  await fillInvite(page, [`${mpsd.users[1]!.xuid} B`, 'alice', '12345678901234567890123 Too long', `${mpsd.users[2]!.xuid} C`]);
  await page.getByLabel(/^Invitees/).blur();
  const message = page.getByTestId('field-invitees-message');
  await expect(message).toContainText('Line 2 (“alice”): XUID must be decimal digits only');
  await expect(message).toContainText('Line 3 (“12345678901234567890123”): XUID must be a number between 1 and 18446744073709551615.');
  await expect(message).not.toContainText('Line 1');
  await expect(message).not.toContainText('Line 4');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-invitee-lines', scheme);
  }
});
