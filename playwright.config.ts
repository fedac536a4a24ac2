/**
 * End-to-end tests: the built renderer in Chromium against the real core (browser mode) and
 * the local MPSD, one test at a time (the machine has two cores and each test starts two Node
 * processes). The system's /usr/bin/chromium where there is one (Debian, where Playwright's
 * own download cannot be had); elsewhere (Windows, macOS, Ubuntu CI) Playwright's Chromium,
 * from `npm run test:browsers`.
 */
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  globalSetup: './test/e2e/build-renderer.ts',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Playwright empties its output folder at start; keep it apart from the screenshots and the JSON report.
  outputDir: 'test-results/artifacts',
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1360, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
