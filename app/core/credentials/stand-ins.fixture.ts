/**
 * Test fixture (imported only by *.test.ts): the local MPSD and the token stand-ins on
 * loopback, one manual clock shared by both and by the code under test, a profile draft
 * whose endpoints point at them, and a tiny "browser" that completes a sign-in page.
 */
import { startLocalMpsd, type LocalMpsd } from '../../emulator/index.ts';
import { startTokenServices, type TokenServices } from '../../emulator/token-services.ts';
import type { ProfileDraft } from '../../shared/contract/profiles.ts';
import { localSignInEndpoints } from '../../shared/local-sign-in.ts';
import type { Clock } from '../ports.ts';
import type { SignInProgress } from './credentials-service.ts';

export const TEST_CLIENT_ID = '1f907974-e22b-4810-a9de-d9647380c97e';
export const TEST_SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

/** A clock that moves only when the test says so. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = Date.now()): ManualClock {
  let current = start;
  return {
    now: () => current,
    sleep: async () => undefined,
    advance(ms) {
      current += ms;
    },
  };
}

export interface StandIns {
  mpsd: LocalMpsd;
  tokens: TokenServices;
  clock: ManualClock;
  /** A profile that signs in against the stand-ins and calls the local MPSD. */
  draft(overrides?: Partial<ProfileDraft>): ProfileDraft;
  close(): Promise<void>;
}

/** Starts the local MPSD and the token stand-ins on one manual clock. Close in afterEach. */
export async function startStandIns(options: { tokenLifetimeSeconds?: number } = {}): Promise<StandIns> {
  const clock = manualClock();
  const mpsd = await startLocalMpsd({ rateLimits: false, clock });
  const tokens = await startTokenServices({
    directory: mpsd.directory,
    clock,
    ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  return {
    mpsd,
    tokens,
    clock,
    draft: (overrides = {}) => ({
      name: 'Local sandbox',
      environment: 'local',
      endpoint: mpsd.url,
      sandboxId: 'XDKS.1',
      auth: {
        msaClientId: TEST_CLIENT_ID,
        tokenEndpoints: localSignInEndpoints(tokens.url),
      },
      ...overrides,
    }),
    async close() {
      await tokens.close();
      await mpsd.stop();
    },
  };
}

/** A sign-in progress listener that plays the user: approves the device code as soon as it is shown. */
export function approveDeviceCodes(tokens: TokenServices, seen: SignInProgress[], username?: string): (progress: SignInProgress) => void {
  return (progress) => {
    seen.push(progress);
    if (progress.stage === 'device-code' && progress.userCode) tokens.approveDeviceCode(progress.userCode, username);
  };
}

/**
 * The system browser, reduced to what a sign-in needs: open the authorize URL (msal gives
 * the https form of the loopback stand-in), then submit the form_post page it answers with
 * to msal's loopback redirect server.
 */
export async function completeBrowserSignIn(url: string): Promise<void> {
  const authorize = new URL(url);
  authorize.protocol = 'http:';
  const page = await (await fetch(authorize)).text();
  const action = /<form method="POST" action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`the sign-in page had no form: ${page.slice(0, 200)}`);
  const fields = new URLSearchParams();
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(match[1]!, decodeEntities(match[2]!));
  }
  const answer = await fetch(decodeEntities(action), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  await answer.text();
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** Calls the local MPSD's activity query with a header value; returns the HTTP status. */
export async function queryActivities(mpsdUrl: string, authorization: string, xuid: string): Promise<number> {
  const response = await fetch(`${mpsdUrl}/handles/query?include=relatedInfo`, {
    method: 'POST',
    headers: {
      authorization,
      'x-xbl-contract-version': '107',
      'content-type': 'application/json; charset=utf-8',
      'accept-language': 'en-US',
    },
    body: JSON.stringify({ type: 'activity', scid: TEST_SCID, owners: { xuids: [xuid] } }),
  });
  await response.text();
  return response.status;
}
