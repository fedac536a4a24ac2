/**
 * Inputs (issue 13, item 4): an XUID given twice (even as 0042 and 42) is shown as a repeat,
 * counted once in "Send N invites", and invited once.
 */
import { addLocalProfile, expect, invitedXuids, saveScreenshot, test } from './fixtures.ts';
import { fillInvite } from './flows.ts';

test('a repeated invitee is shown, counted once and invited once', async ({ app: page, mpsd, request }) => {
  const [, b, c] = [mpsd.users[0]!, mpsd.users[1]!, mpsd.users[2]!];
  await addLocalProfile(page, mpsd, mpsd.users[0]!, 'Player A');
  await fillInvite(page, [`${b.xuid} B`, `${c.xuid} C`, `00${b.xuid} B again`]);
  await expect(page.getByTestId('repeated-invitees')).toHaveText(`Line 3 repeats line 1 (00${b.xuid}): invited once.`);
  await expect(page.getByText(/^Invitees \(2\)$/)).toBeVisible();
  await expect(page.getByTestId('send')).toContainText('Send 2 invites');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-invitee-repeats', scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByRole('heading', { level: 2 })).toHaveText('2 of 2 invited');
  expect(await invitedXuids(request, mpsd)).toEqual([b.xuid, c.xuid]);
});
