/**
 * axe-core on every screen and its main states (empty, filled with real sends, errors, dialogs
 * and drawers open), each in the light and the dark theme: 0 violations. Every state's
 * findings are gathered before asserting, so one run lists all of them.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { addLocalProfile, expect, openScreen, test } from './fixtures.ts';
import { fillInvite, inviteeLines, joinAndSetActivity, SCID } from './flows.ts';

const schemes = ['light', 'dark'] as const;
// axe reads the whole page each time, twice per state, on a machine other tests share.
test.describe.configure({ timeout: 600_000 });
// A step that cannot happen fails here instead of waiting out the test's whole time.
test.use({ actionTimeout: 60_000 });
const allScreens = ['Compose', 'Presets', 'History', 'Drafts', 'Outbox', 'Profiles'] as const;

/** What axe found, one line per rule and element, named by the state it was found in. */
class Findings {
  readonly lines: string[] = [];

  /** Runs axe on the page as it is now, once per theme. */
  async check(page: Page, state: string): Promise<void> {
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      const { violations } = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze();
      for (const violation of violations) {
        for (const node of violation.nodes) {
          this.lines.push(
            `${state} (${scheme}): ${violation.id} at ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join(' ').trim() ?? violation.help}`,
          );
        }
      }
    }
  }

  async everyScreen(page: Page, state: string): Promise<void> {
    for (const screen of allScreens) {
      await openScreen(page, screen);
      await expect(page.locator(`main.screen[data-screen="${screen.toLowerCase()}"]`)).toBeVisible();
      // Screens other than Compose load when first opened: axe reads the screen, not the gap before it.
      await expect(page.locator('main.screen h1').first()).toBeVisible();
      await this.check(page, `${screen}, ${state}`);
    }
  }
}

test('a new user with nothing saved: every screen, the editors with their errors and the shortcut list', async ({ app: page }) => {
  const findings = new Findings();
  await findings.everyScreen(page, 'empty');

  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-help')).toBeVisible();
  await findings.check(page, 'Shortcut list open');
  await page.keyboard.press('Escape');

  await openScreen(page, 'Profiles');
  await page
    .getByRole('main')
    .getByRole('button', { name: /Create a profile|New profile/ })
    .first()
    .click();
  await findings.check(page, 'Profiles, new profile form');
  await page.getByTestId('profile-editor').getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('profile-name-message')).toBeVisible();
  await findings.check(page, 'Profiles, new profile form refused');

  await openScreen(page, 'Presets');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  await page.getByTestId('preset-editor').getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByTestId('preset-name-message')).toBeVisible();
  await findings.check(page, 'Presets, new preset form refused');

  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: 'Send invites' }).click();
  await page.getByLabel('SCID').fill('not a scid');
  await page.getByLabel(/^Invitees/).fill('12 too short\nnot-a-xuid');
  await page.getByLabel('Session name').focus();
  await findings.check(page, 'Compose, invite with bad fields');

  expect(findings.lines).toEqual([]);
});

test('with real sends, a draft, a preset, a queued invite and a failed send: every screen and its details', async ({ app: page, mpsd }) => {
  const findings = new Findings();
  const [sender, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, sender!);
  await joinAndSetActivity(page, sender!, 'GameSession', 'lobby-7');
  await fillInvite(page, inviteeLines(others));
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome').getByTestId('invitee-row')).toHaveCount(others.length);
  await findings.check(page, 'Compose, invites sent');

  await page.getByRole('button', { name: 'Save as draft' }).click();
  await findings.check(page, 'Compose, naming a draft');
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
  await editor.getByLabel('Recipients').fill(inviteeLines(others).join('\n'));
  await findings.check(page, 'Presets, filled preset form');
  await editor.getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByTestId('preset-card')).toHaveCount(1);
  await page.getByRole('button', { name: /Send invites \(\d+\)/ }).click();
  await expect(page.getByTestId('preset-run').getByTestId('invitee-row')).toHaveCount(others.length);
  await findings.check(page, 'Presets, a preset sent');

  // A profile without a token: one invite queued to the outbox, one that fails in words.
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
  await openScreen(page, 'Compose');
  await page.getByRole('radio', { name: 'Send invites' }).click();
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send-outcome')).toHaveAttribute('data-outcome', 'queued');
  await findings.check(page, 'Compose, invite queued');
  await page.getByLabel('Queue to outbox if it cannot go out now').uncheck();
  await page.getByTestId('send').click();
  await expect(page.getByTestId('error-note').first()).toBeVisible();
  await findings.check(page, 'Compose, send failed');

  await findings.everyScreen(page, 'filled');

  await openScreen(page, 'History');
  await page.getByTestId('history-row').filter({ hasText: 'Set activity' }).first().click();
  await expect(page.getByTestId('history-drawer').getByTestId('correlation-id')).toBeVisible();
  await findings.check(page, 'History, a request open');
  await page.keyboard.press('Escape');
  await page.getByTestId('history-row').filter({ hasText: 'Send invites' }).first().click();
  await expect(page.getByTestId('history-drawer').getByTestId('correlation-id')).toBeVisible();
  await findings.check(page, 'History, an invite open');
  await page.keyboard.press('Escape');

  expect(findings.lines).toEqual([]);
});

test('the states issue 13 added: saved token mask, XUID and hex hints, folded preset results, errors titled by their action', async ({
  app: page,
  mpsd,
}) => {
  const findings = new Findings();
  const [me, ...others] = mpsd.users;
  await addLocalProfile(page, mpsd, me!);
  await expect(page.getByTestId('saved-token')).toBeVisible();
  await page.getByTestId('profile-card').getByRole('button', { name: 'Edit' }).click();
  const profileEditor = page.getByTestId('profile-editor');
  await profileEditor.getByLabel('Default title id').fill('0x4D2');
  await expect(profileEditor.getByLabel('Your XUID')).toHaveValue(me!.xuid);
  await findings.check(page, 'Profiles, editing with XUID and a hex title id');
  await profileEditor.getByRole('button', { name: 'Save profile' }).click();
  await expect(profileEditor).toHaveCount(0);
  await findings.check(page, 'Profiles, saved token masked');

  await openScreen(page, 'Presets');
  await page.getByRole('main').getByRole('button', { name: 'New preset' }).first().click();
  const editor = page.getByTestId('preset-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Joins first');
  await editor.getByLabel('SCID').fill(SCID);
  await editor.getByLabel('Session template').fill('GameSession');
  await editor.getByLabel('Session name').fill('lobby-7');
  await editor.getByLabel(/Join the session and set it as my activity/).check();
  await editor.getByLabel('Recipients').fill(inviteeLines(others.slice(0, 2)).join('\n'));
  await editor.getByRole('button', { name: 'Save preset' }).click();
  await page.getByRole('button', { name: 'Send invites (2)' }).click();
  await expect(page.getByTestId('preset-run-summary')).toHaveText('2 of 2 invited');
  await findings.check(page, 'Presets, results folded');
  await page.getByTestId('preset-step').nth(2).locator(':scope > summary').click();
  await findings.check(page, 'Presets, a result step open');

  await page.getByLabel('Import presets file').setInputFiles({
    name: 'broken-team.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ format: 'handle-studio-presets', version: 1, presets: [{ name: 'No parts' }] })),
  });
  await expect(page.getByRole('main').getByTestId('error-note')).toContainText('broken-team.json not imported');
  await findings.check(page, 'Presets, import refused');

  expect(findings.lines).toEqual([]);
});
