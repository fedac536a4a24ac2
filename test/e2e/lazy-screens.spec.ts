/**
 * The shell paints first; the workbench (Compose and the state the screens share) loads right
 * after it, and every other screen when first opened (renderer/src/shell/screen-modules.ts), all
 * of them from one file (the page's size budget: electron.vite.config.ts).
 * What a user sees when that load is slow (a note, only after a moment) and when it fails (the
 * screen named, a reload offered), in light and dark, with axe on the failure. The chunk's
 * request is held or refused through Playwright's routing, so nothing depends on timing.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, openScreen, saveScreenshot, test } from './fixtures.ts';

/** Every screen but Compose: Presets and the rest come from this one file. */
const SCREENS_CHUNK = /\/assets\/screens-[^/]+\.js$/;
const WORKBENCH_CHUNK = /\/assets\/Workbench-[^/]+\.js$/;

test('the shell shows before the workbench arrives, then Compose shows without taking focus', async ({ page, studio }) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(WORKBENCH_CHUNK, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(studio.url);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await expect(page.getByTestId('screen-loading')).toHaveText('Loading Compose…');
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).toHaveCount(0);
  release();
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).toBeVisible();
  await expect(page.getByTestId('screen-loading')).toHaveCount(0);
  // The first screen at start is left as it always was: nothing in it is focused for the user.
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).not.toBeFocused();
});

test('a workbench that cannot be fetched leaves the shell working and offers a reload', async ({ page, studio }) => {
  await page.route(WORKBENCH_CHUNK, (route) => route.abort('connectionrefused'));
  await page.goto(studio.url);
  const failed = page.getByTestId('screen-load-failed');
  await expect(failed).toContainText('The Compose screen could not be loaded.');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await page.unroute(WORKBENCH_CHUNK);
  await failed.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).toBeVisible();
  await expect(failed).toHaveCount(0);
});

test('a screen whose chunk cannot be fetched says which screen, and a reload brings it', async ({ app: page }) => {
  await page.route(SCREENS_CHUNK, (route) => route.abort('connectionrefused'));
  await openScreen(page, 'Presets');
  const failed = page.getByTestId('screen-load-failed');
  await expect(failed).toContainText('The Presets screen could not be loaded.');
  await expect(failed).toContainText('Reload the window to try again');
  await expect(failed.getByRole('heading', { level: 1, name: 'Presets' })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'screen-load-failed', scheme);
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual(
      [],
    );
  }
  // The other screens come from the same file, so History says the same of itself; Compose, in
  // the workbench's file, is unaffected.
  await openScreen(page, 'History');
  await expect(failed).toContainText('The History screen could not be loaded.');
  await openScreen(page, 'Compose');
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).toBeVisible();

  await openScreen(page, 'Presets');
  await expect(failed).toBeVisible();
  await page.unroute(SCREENS_CHUNK);
  await failed.getByRole('button', { name: 'Reload' }).click();
  await openScreen(page, 'Presets');
  await expect(page.getByTestId('empty-state')).toContainText('Save the invite you send most as a preset');
  await expect(failed).toHaveCount(0);
});

test('a slow screen says it is loading, then shows itself and takes focus to its heading', async ({ app: page }) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(SCREENS_CHUNK, async (route) => {
    await released;
    await route.continue();
  });
  await openScreen(page, 'Presets');
  const loading = page.getByTestId('screen-loading');
  await expect(loading).toHaveText('Loading Presets…');
  await expect(loading).toHaveAttribute('role', 'status');
  release();
  await expect(page.getByTestId('empty-state')).toContainText('Save the invite you send most as a preset');
  await expect(loading).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Presets' })).toBeFocused();

  // Opened again, it comes from the module already loaded.
  await openScreen(page, 'Compose');
  await openScreen(page, 'Presets');
  await expect(page.getByRole('heading', { level: 1, name: 'Presets' })).toBeVisible();
  await expect(loading).toHaveCount(0);
});
