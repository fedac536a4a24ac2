/**
 * Every screen, in light and dark: empty (what a new user sees), filled with real sends to
 * the local MPSD, in an error state, and with names at their longest. Screenshots go to
 * test-results/screenshots/ to be looked at; the assertions check what a user would notice
 * (the empty state's advice, nothing pushed sideways by a long id).
 */
import type { Page } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addLocalProfile, expect, openScreen, saveScreenshot, startBrowserMode, test, type LocalMpsdInfo } from './fixtures.ts';
import { fillInvite, inviteeLines, joinAndSetActivity, SCID } from './flows.ts';

const LONG_TEMPLATE = `Template_${'t'.repeat(90)}`;
const LONG_TEMPLATE_FILE = fileURLToPath(new URL('./long-names-templates.json', import.meta.url));

const schemes = ['light', 'dark'] as const;

/** True when nothing on the page scrolls sideways: long text wrapped or ellipsised instead. */
async function fitsWidth(page: Page): Promise<boolean> {
  const fits = (element: { scrollWidth: number; clientWidth: number }): boolean => element.scrollWidth <= element.clientWidth;
  return (await page.locator('html').evaluate(fits)) && (await page.locator('main.screen').evaluate(fits));
}

/** Join the session and set it as the activity, then invite the other emulator users (labelled). */
async function sendRealRequests(
  page: Page,
  mpsd: LocalMpsdInfo,
  template: string,
  session: string,
  label: (gamertag: string) => string,
): Promise<void> {
  const [sender, ...others] = mpsd.users;
  await joinAndSetActivity(page, sender!, template, session);

  await fillInvite(
    page,
    others.map((user) => `${user.xuid} ${label(user.gamertag)}`),
    { titleId: '0x4D2', template, session },
  );
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('invitee-row')).toHaveCount(others.length);
}

test('empty screens tell a new user what to do', async ({ app: page }) => {
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await openScreen(page, 'Compose');
    // Without a profile Compose still works as a playground, and says where its preview's defaults come from.
    await expect(page.getByText('No active profile: the preview uses production defaults')).toBeVisible();
    await saveScreenshot(page, 'empty-compose', scheme);

    for (const [screen, advice] of [
      ['Presets', 'Save the invite you send most as a preset'],
      ['History', 'Every request you send is kept here'],
      ['Drafts', 'Save as draft'],
      ['Outbox', 'When a request cannot go out'],
      ['Profiles', 'A profile says where requests go'],
    ] as const) {
      await openScreen(page, screen);
      await expect(page.getByTestId('empty-state')).toContainText(advice);
      await saveScreenshot(page, `empty-${screen.toLowerCase()}`, scheme);
    }
  }
});

test('every screen with real sends, queued work and an error, light and dark', async ({ app: page, mpsd }) => {
  await addLocalProfile(page, mpsd, mpsd.users[0]!);
  await sendRealRequests(page, mpsd, 'GameSession', 'lobby-7', (gamertag) => gamertag);

  // A draft and a preset, through their own UI.
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await page.getByLabel('Draft name').fill('Squad invite for Friday');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as draft “Squad invite for Friday”')).toBeVisible();

  await openScreen(page, 'Presets');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  const editor = page.getByTestId('preset-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Playtest lobby invite');
  await editor.getByLabel('SCID').fill(SCID);
  await editor.getByLabel('Session template').fill('GameSession');
  await editor.getByLabel('Session name').fill('lobby-7');
  await editor.getByLabel('Title id').fill('1234');
  await editor.getByLabel('Recipients').fill(inviteeLines(mpsd.users.slice(1)).join('\n'));
  await editor.getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByTestId('preset-card')).toHaveCount(1);
  await page.getByRole('button', { name: /Send invites \(\d+\)/ }).click();
  await expect(page.getByTestId('preset-run').getByTestId('invitee-row')).toHaveCount(mpsd.users.length - 1);

  // A second profile without a token: a send queued to the outbox, and one that fails in words.
  await openScreen(page, 'Profiles');
  await page.getByRole('button', { name: 'New profile' }).click();
  const profileEditor = page.getByTestId('profile-editor');
  await profileEditor.getByLabel('Name', { exact: true }).fill('No token yet');
  await profileEditor.getByLabel('Sandbox').fill('ABCD.3');
  await profileEditor.getByLabel('Environment').selectOption('local');
  await profileEditor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await profileEditor.getByRole('button', { name: 'Save profile' }).click();
  await page.getByTestId('profile-card').filter({ hasText: 'No token yet' }).getByRole('button', { name: 'Use this profile' }).click();
  await expect(page.getByTestId('active-profile')).toHaveText('No token yet');
  await expect(page.getByTestId('token-state')).toContainText('No token');

  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: 'Send invites' }).click();
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome')).toHaveAttribute('data-outcome', 'queued');
  await expect(page.getByTestId('outbox-badge')).not.toHaveText('0');

  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await openScreen(page, 'Compose');
    await saveScreenshot(page, 'compose-queued', scheme);
    for (const screen of ['Presets', 'Drafts', 'Outbox', 'Profiles'] as const) {
      await openScreen(page, screen);
      await saveScreenshot(page, screen.toLowerCase(), scheme);
    }
    await openScreen(page, 'History');
    await expect(page.getByTestId('history-row').first()).toBeVisible();
    await saveScreenshot(page, 'history', scheme);
    await page.getByTestId('history-row').filter({ hasText: 'Set activity' }).first().click();
    await expect(page.getByTestId('history-drawer').getByTestId('correlation-id')).toBeVisible();
    await saveScreenshot(page, 'history-detail', scheme);
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcut-help')).toBeVisible();
    await saveScreenshot(page, 'shortcuts', scheme);
    await page.keyboard.press('Escape');
  }

  // Editors refuse to save an empty form and say, field by field, what to fill in.
  await openScreen(page, 'Presets');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  await page.getByTestId('preset-editor').getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByTestId('preset-name-message')).toContainText('Preset name is required');
  await expect(page.getByTestId('preset-scid-message')).toContainText('SCID');
  await openScreen(page, 'Profiles');
  await page.getByRole('button', { name: 'New profile' }).click();
  await page.getByTestId('profile-editor').getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('profile-name-message')).toContainText('Profile name is required');
  await expect(page.getByTestId('profile-sandbox-message')).toContainText('Sandbox id');
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'profile-editor-errors', scheme);
    await openScreen(page, 'Presets');
    await saveScreenshot(page, 'preset-editor-errors', scheme);
    await openScreen(page, 'Profiles');
  }

  // The error state: the same send without queueing says what is wrong and where to fix it.
  await openScreen(page, 'Compose');
  await page.getByLabel('Queue to outbox if it cannot go out now').uncheck();
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome')).not.toHaveAttribute('data-outcome', 'queued');
  const error = page.getByTestId('error-note').first();
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-code', /NO_CREDENTIALS|TOKEN_EXPIRED|UNAUTHORIZED/);
  await expect(error.getByRole('button', { name: 'Fix the token in Profiles' })).toBeVisible();
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, 'compose-error', scheme);
  }
});

test.describe(() => {
  // The local MPSD knows only configured templates (404 otherwise, as MPSD does), so this
  // test's one template with a name at MPSD's longest comes from a templates file.
  test.use({ mpsdTemplates: LONG_TEMPLATE_FILE });

  test('names and ids at their longest neither overflow nor hide what matters', async ({ app: page, mpsd }) => {
    const longProfile = 'QA sandbox profile with a very long descriptive name ABCD.3';
    const longTemplate = LONG_TEMPLATE;
    const longSession = `session-${'s'.repeat(91)}`;
    await addLocalProfile(page, mpsd, mpsd.users[0]!, longProfile);
    await sendRealRequests(page, mpsd, longTemplate, longSession, (gamertag) =>
      `${gamertag} ${'with a label long enough to wrap twice '.repeat(2)}`.trim(),
    );
    await expect(page.getByTestId('active-profile')).toHaveAttribute('title', longProfile);

    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      await openScreen(page, 'Compose');
      expect(await fitsWidth(page)).toBe(true);
      await saveScreenshot(page, 'long-compose', scheme);
      await openScreen(page, 'History');
      await expect(page.getByTestId('history-row').first()).toBeVisible();
      expect(await fitsWidth(page)).toBe(true);
      await page.getByTestId('history-row').first().click();
      await expect(page.getByTestId('history-drawer')).toBeVisible();
      expect(await fitsWidth(page)).toBe(true);
      await saveScreenshot(page, 'long-history', scheme);
      await page.keyboard.press('Escape');
      await openScreen(page, 'Profiles');
      expect(await fitsWidth(page)).toBe(true);
      await saveScreenshot(page, 'long-profiles', scheme);
    }

    // A small laptop window: Compose stacks its two columns instead of squeezing them.
    await page.setViewportSize({ width: 960, height: 700 });
    for (const screen of ['Compose', 'History', 'Presets', 'Outbox', 'Profiles'] as const) {
      await openScreen(page, screen);
      expect(await fitsWidth(page), screen).toBe(true);
    }
    await openScreen(page, 'Compose');
    await saveScreenshot(page, 'narrow-compose', 'dark');
  });
});

test('a damaged profiles file is kept aside and the banner says so', async ({ page, dataDir }) => {
  await writeFile(join(dataDir, 'profiles.json'), '{ this is not JSON', 'utf8');
  const studio = await startBrowserMode(dataDir);
  try {
    await page.goto(studio.url);
    const notice = page.getByTestId('notice');
    await expect(notice).toContainText('profiles file could not be read');
    await expect(notice).toContainText('profiles.json.damaged');
    // The path where the old file went is said once, not twice.
    expect((await notice.innerText()).split('profiles.json.damaged').length - 1).toBe(1);
    await expect(page.getByTestId('top-bar')).toContainText('No profile yet');
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      await saveScreenshot(page, 'storage-notice', scheme);
    }
    await notice.getByRole('button', { name: 'Dismiss notice' }).click();
    await expect(notice).toHaveCount(0);
  } finally {
    await studio.stop();
  }
});
