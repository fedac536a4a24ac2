/**
 * Keyboard: screens switch with "g then letter" (Chrome keeps Ctrl+1..8 for its tabs, so the
 * page must not rely on them), a new screen puts focus on its heading, and Ctrl/Cmd+K focuses
 * the search on every screen that has one, from anywhere on it, even from inside a field.
 */
import { addLocalProfile, expect, openScreen, test } from './fixtures.ts';
import { joinAndSetActivity, SCID } from './flows.ts';

const searchShortcut = process.platform === 'darwin' ? 'Meta+K' : 'Control+K';

test('g then a letter opens each screen and focuses its heading; the sidebar lists no Ctrl+digit', async ({ app: page }) => {
  for (const [letter, heading] of [
    ['h', 'History'],
    ['p', 'Presets'],
    ['d', 'Drafts'],
    ['o', 'Outbox'],
    ['u', 'Profiles'],
    ['c', 'Compose'],
  ] as const) {
    await page.keyboard.press('g');
    await page.keyboard.press(letter);
    await expect(page.getByRole('main').getByRole('heading', { level: 1, name: heading })).toBeFocused();
  }
  // A click on the sidebar moves focus to the heading too, not left on the sidebar button.
  await openScreen(page, 'History');
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'History' })).toBeFocused();
  for (const button of await page.getByRole('navigation', { name: 'Screens' }).getByRole('button').all()) {
    expect(await button.getAttribute('title')).not.toMatch(/Ctrl|⌘/);
  }
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-help')).not.toContainText(/(Ctrl|⌘)\+\d/);
  await expect(page.getByTestId('shortcut-help')).toContainText('g then h');
});

test('Ctrl/Cmd+K focuses the search on Presets and on History, also from inside another field', async ({ app: page, mpsd }) => {
  await addLocalProfile(page, mpsd, mpsd.users[0]!);
  await joinAndSetActivity(page, mpsd.users[0]!, 'GameSession', 'lobby-7');

  // Pressed on Compose (no search there): nothing to focus, and it must not leak to the next screen.
  await page.getByLabel('Session name').press(searchShortcut);
  await openScreen(page, 'History');
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'History' })).toBeFocused();
  await page.getByLabel('Kind').focus();
  await page.keyboard.press(searchShortcut);
  await expect(page.getByRole('searchbox', { name: 'Search history' })).toBeFocused();

  await openScreen(page, 'Presets');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  const editor = page.getByTestId('preset-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Keyboard lobby');
  await editor.getByLabel('SCID').fill(SCID);
  await editor.getByLabel('Session template').fill('GameSession');
  await editor.getByLabel('Session name').fill('lobby-7');
  await editor.getByLabel('Title id').fill('1234');
  await editor.getByLabel('Recipients').fill(`${mpsd.users[1]!.xuid} Bob`);
  await editor.getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByTestId('preset-card')).toHaveCount(1);
  await page.getByTestId('preset-card').first().getByRole('button').first().focus();
  await page.keyboard.press(searchShortcut);
  await expect(page.getByRole('searchbox', { name: 'Search presets' })).toBeFocused();
});
