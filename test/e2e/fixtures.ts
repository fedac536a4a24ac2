/**
 * Per-test world for the end-to-end tests: a fresh data folder, the local MPSD (through the
 * CLI, as a developer starts it) and Handle Studio in browser mode on that folder, all torn
 * down after the test. Plus the UI steps several tests share (making a profile for the
 * local MPSD) and the screenshot helper.
 */
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startNode, type Started } from './processes.ts';

export interface MpsdUser {
  xuid: string;
  gamertag: string;
  /** Works only against this emulator. */
  authorization: string;
}

/** Where `emulator start`'s sign-in stand-ins answer, and the client id it suggests. */
export interface TokenServicesInfo {
  authority: string;
  userAuthenticate: string;
  xstsAuthorize: string;
  clientId: string;
}

export interface LocalMpsdInfo {
  url: string;
  users: MpsdUser[];
  tokenServices?: TokenServicesInfo;
}

export interface BrowserMode {
  /** The URL to open, with the per-run token. */
  url: string;
  origin: string;
  token: string;
}

interface Fixtures {
  /** A session templates file for the local MPSD (`emulator start --templates`); its default set when unset. */
  mpsdTemplates: string | undefined;
  dataDir: string;
  mpsd: LocalMpsdInfo;
  studio: BrowserMode;
  /** A page already showing Handle Studio. */
  app: Page;
}

export const test = base.extend<Fixtures>({
  // Playwright reads a fixture's dependencies from this destructuring; these two have none.
  // eslint-disable-next-line no-empty-pattern -- see above: the empty pattern is Playwright's way to say so
  dataDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'handle-studio-e2e-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },

  mpsdTemplates: [undefined, { option: true }],

  mpsd: async ({ mpsdTemplates }, use) => {
    const templates = mpsdTemplates === undefined ? [] : ['--templates', mpsdTemplates];
    const started = await startNode(['bin/handle-studio.js', 'emulator', 'start', '--port', '0', '--json', ...templates], {}, /^\{/);
    try {
      await use(JSON.parse(started.readyLine) as LocalMpsdInfo);
    } finally {
      await started.stop();
    }
  },

  studio: async ({ dataDir }, use) => {
    const { stop, ...studio } = await startBrowserMode(dataDir);
    try {
      await use(studio);
    } finally {
      await stop();
    }
  },

  app: async ({ page, studio }, use) => {
    await page.goto(studio.url);
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
    await use(page);
  },
});

export { expect };

/**
 * Starts Handle Studio in browser mode on `dataDir` with a fresh per-run token. Tests that
 * must prepare the data folder first call this themselves; the rest use the `studio` fixture.
 */
export async function startBrowserMode(dataDir: string): Promise<BrowserMode & { stop(): Promise<void> }> {
  const token = randomBytes(24).toString('base64url');
  const started = await startNode(
    ['app/host/main.ts', '--port', '0'],
    { HANDLE_STUDIO_DATA_DIR: dataDir, HANDLE_STUDIO_HOST_TOKEN: token },
    /Handle Studio \(browser mode\) is at /,
  );
  const url = started.readyLine.slice(started.readyLine.indexOf(' is at ') + ' is at '.length).trim();
  return { url, origin: new URL(url).origin, token, stop: started.stop };
}

/**
 * A local MPSD the test stops and starts itself (to take the network away and give it back):
 * the same port and seed after a restart keep the same users, so tokens pasted before still work.
 */
export async function startSeededMpsd(port: number, seed: string): Promise<{ process: Started; info: LocalMpsdInfo }> {
  const process = await startNode(
    ['bin/handle-studio.js', 'emulator', 'start', '--port', String(port), '--seed', seed, '--json'],
    {},
    /^\{/,
  );
  return { process, info: JSON.parse(process.readyLine) as LocalMpsdInfo };
}

/** Where screenshots go; the folder is created on first use. */
export const screenshotDir = join(root, 'test-results', 'screenshots');

/**
 * Saves a screenshot as `<name>-<light|dark>.png` showing the whole screen: the app scrolls
 * inside its main area, so the window is made tall enough for it first, then put back.
 */
export async function saveScreenshot(page: Page, name: string, scheme: 'light' | 'dark'): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}-${scheme}.png`);
  const viewport = page.viewportSize() ?? { width: 1360, height: 860 };
  const needed = await page.locator('main.screen').evaluate((screen) => screen.scrollHeight + screen.getBoundingClientRect().top);
  if (needed > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.ceil(needed) });
  await page.screenshot({ path });
  await page.setViewportSize(viewport);
  return path;
}

/** The XUIDs the local MPSD has received invites for, oldest first (from its control API). */
export async function invitedXuids(request: APIRequestContext, mpsd: LocalMpsdInfo): Promise<string[]> {
  const response = await request.get(`${mpsd.url}/_emulator/invites`);
  expect(response.status()).toBe(200);
  const { invites } = (await response.json()) as { invites: Array<{ invitedXuid: string }> };
  return invites.map((invite) => invite.invitedXuid);
}

/** What the page was sent, for tests that check no secret reached it. */
export interface PagePayloads {
  /** Every call's answer body. */
  answers(): Promise<string[]>;
  /** Every Server-Sent Event's data since the last load of the page. */
  events(): Promise<string[]>;
}

/**
 * Starts recording everything the page is sent: every call's answer, and every Server-Sent
 * Event (through a wrapper put around EventSource before the app's code runs). Reloads the
 * page so the wrapper is in place.
 */
export async function recordPagePayloads(page: Page): Promise<PagePayloads> {
  const answers: Promise<string>[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/api/call/')) answers.push(response.text().catch(() => ''));
  });
  await page.addInitScript({
    content: `(() => {
      const seen = (window.__handleStudioEvents = []);
      const original = EventSource.prototype.addEventListener;
      EventSource.prototype.addEventListener = function (type, listener, options) {
        return original.call(this, type, (event) => { seen.push(String(event.data)); listener(event); }, options);
      };
    })();`,
  });
  await page.reload();
  return {
    answers: () => Promise.all(answers),
    events: async () => (await page.evaluate('window.__handleStudioEvents')) as string[],
  };
}

/** Opens a screen from the sidebar. */
export async function openScreen(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: label, exact: false }).first().click();
}

/**
 * Without an OS keychain (CI, this container) the app asks before keeping tokens in memory
 * for the run; answer yes. Call on the Profiles screen once a profile card shows.
 */
export async function keepTokensInMemoryIfAsked(page: Page): Promise<void> {
  const keepInMemory = page.getByRole('main').getByRole('button', { name: 'Keep tokens in memory for this run' });
  if ((await keepInMemory.count()) > 0) {
    await keepInMemory.first().click();
    await expect(keepInMemory).toHaveCount(0);
  }
}

/**
 * Through the Profiles UI: a local profile pointing at the emulator, made active, with the
 * emulator user's Authorization value pasted. Leaves the page on Profiles.
 */
export async function addLocalProfile(page: Page, mpsd: LocalMpsdInfo, user: MpsdUser, name = 'Local MPSD'): Promise<void> {
  await openScreen(page, 'Profiles');
  const create = page.getByRole('main').getByRole('button', { name: /Create a profile|New profile/ });
  await create.click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill(name);
  await editor.getByLabel('Sandbox').fill('XDKS.1');
  await editor.getByLabel('Environment').selectOption('local');
  await editor.getByLabel('MPSD endpoint').fill(mpsd.url);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor).toHaveCount(0);

  const card = page.getByTestId('profile-card').filter({ hasText: name });
  await expect(card.getByTestId('profile-token-state')).toBeVisible();
  const useIt = card.getByRole('button', { name: 'Use this profile' });
  if (await useIt.isVisible()) await useIt.click();
  await keepTokensInMemoryIfAsked(page);
  await card.getByTestId('paste-authorization').fill(user.authorization);
  await card.getByRole('button', { name: 'Save token' }).click();
  await expect(card.getByTestId('profile-token-state')).not.toHaveText('No token');
  await expect(page.getByTestId('active-profile')).toHaveText(name);
}
