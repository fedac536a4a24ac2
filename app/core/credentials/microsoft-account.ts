/**
 * Step 1 of the token chain: a Microsoft account (test account) sign-in through msal-node,
 * giving an access token with the XboxLive.signin scope.
 *
 * - Browser: msal-node's `acquireTokenInteractive` (PKCE, its own loopback redirect server,
 *   our `openBrowser` shows the page).
 * - Device code: `acquireTokenByDeviceCode`, the code and URL go to the caller to show.
 * - Refresh: `acquireTokenSilent` from the cached refresh token.
 *
 * msal's token cache (which holds the refresh token) is kept only in the vault, under
 * `<profileId>/msal-cache`, through msal's ICachePlugin. A cache entry msal cannot read is
 * deleted rather than trusted.
 */
import {
  AuthError,
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AuthenticationResult,
  type DeviceCodeRequest,
  type ICachePlugin,
  type TokenCacheContext,
} from '@azure/msal-node';
import { HandleStudioError } from '../../shared/errors.ts';
import type { FetchLike, SecretVault } from '../ports.ts';
import { createMsalNetwork, msalAuthorityFor } from './msal-network.ts';
import { secretKey } from './secret-keys.ts';

export const MICROSOFT_CONSUMERS_AUTHORITY = 'https://login.microsoftonline.com/consumers';
export const XBOX_LIVE_SCOPES = ['XboxLive.signin', 'XboxLive.offline_access'];

/** How long the browser sign-in waits for the user before giving up (msal itself waits forever). */
const BROWSER_SIGN_IN_TIMEOUT_MS = 10 * 60_000;

export interface MicrosoftAccountOptions {
  profileId: string;
  /** The organisation's application (client) id. */
  clientId: string;
  /** Default MICROSOFT_CONSUMERS_AUTHORITY. */
  authority?: string;
  vault: SecretVault;
  fetch: FetchLike;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  message: string;
}

/** One profile's Microsoft account sign-in. Cheap to create: state lives in the vault. */
export class MicrosoftAccount {
  readonly #client: PublicClientApplication;
  readonly #vault: SecretVault;
  readonly #cacheKey: string;

  constructor(options: MicrosoftAccountOptions) {
    this.#vault = options.vault;
    this.#cacheKey = secretKey(options.profileId, 'msal-cache');
    const authority = msalAuthorityFor(options.authority ?? MICROSOFT_CONSUMERS_AUTHORITY);
    this.#client = new PublicClientApplication({
      auth: {
        clientId: options.clientId,
        authority,
        // Lets msal use the authority's own OpenID metadata without asking Microsoft's
        // instance discovery about it (which would fail for a local stand-in).
        knownAuthorities: [new URL(authority).host],
      },
      cache: { cachePlugin: this.#cachePlugin() },
      system: { networkClient: createMsalNetwork(options.fetch) },
    });
  }

  /** Signs in through the system browser. `openBrowser` shows the URL; `signal` cancels. */
  async signInWithBrowser(openBrowser: (url: string) => Promise<void>, signal: AbortSignal): Promise<string> {
    let stopWaiting: (() => Promise<void>) | undefined;
    let timedOut = false;
    const cancel = () => void stopWaiting?.();
    const timer = setTimeout(() => {
      timedOut = true;
      cancel();
    }, BROWSER_SIGN_IN_TIMEOUT_MS);
    timer.unref();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const result = await this.#client.acquireTokenInteractive({
        scopes: XBOX_LIVE_SCOPES,
        prompt: 'select_account',
        openBrowser: async (url) => {
          stopWaiting = () => answerLoopbackWithCancel(url);
          if (signal.aborted) return stopWaiting();
          await openBrowser(url);
        },
        successTemplate: 'Signed in. You can close this tab and return to Handle Studio.',
        errorTemplate: 'The sign-in did not complete. Return to Handle Studio for details.',
      });
      return await this.#keepOnly(result);
    } catch (error) {
      if (signal.aborted) throw new HandleStudioError('CANCELLED', 'Sign-in cancelled.');
      if (timedOut) {
        throw new HandleStudioError(
          'TIMEOUT',
          `The browser sign-in was not finished within ${BROWSER_SIGN_IN_TIMEOUT_MS / 60_000} minutes: start it again.`,
        );
      }
      throw describeMsalError(error);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', cancel);
    }
  }

  /** Signs in with a device code; `onPrompt` receives the code to show. `signal` cancels. */
  async signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<string> {
    const request: DeviceCodeRequest = {
      scopes: XBOX_LIVE_SCOPES,
      deviceCodeCallback: (response) =>
        onPrompt({
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          expiresAt: Date.now() + response.expiresIn * 1000,
          message: response.message,
        }),
    };
    // msal re-reads `cancel` on this very object before each poll.
    const cancel = () => {
      request.cancel = true;
    };
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const result = await this.#client.acquireTokenByDeviceCode(request);
      if (result === null) throw new HandleStudioError('SIGN_IN_FAILED', 'The device-code sign-in ended without a token: try again.');
      return await this.#keepOnly(result);
    } catch (error) {
      if (signal.aborted) throw new HandleStudioError('CANCELLED', 'Sign-in cancelled.');
      throw describeMsalError(error);
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  /**
   * A current access token from the cached sign-in (msal refreshes it when needed, or
   * always with `force`). Throws TOKEN_EXPIRED when the user has to sign in again.
   */
  async accessToken(force: boolean): Promise<string> {
    const [account] = await this.#client.getAllAccounts();
    if (!account) {
      throw new HandleStudioError('TOKEN_EXPIRED', 'The Microsoft account sign-in for this profile is gone: sign in again.');
    }
    try {
      const result = await this.#client.acquireTokenSilent({ account, scopes: XBOX_LIVE_SCOPES, forceRefresh: force });
      return result.accessToken;
    } catch (error) {
      throw describeMsalError(error);
    }
  }

  /** Forgets the Microsoft account sign-in (the refresh token) for this profile. */
  async signOut(): Promise<void> {
    for (const account of await this.#client.getAllAccounts()) await this.#client.signOut({ account });
    this.#client.clearCache();
    await this.#vault.delete(this.#cacheKey);
  }

  /** One account per profile: a new sign-in replaces whoever was signed in before. */
  async #keepOnly(result: AuthenticationResult): Promise<string> {
    for (const account of await this.#client.getAllAccounts()) {
      if (account.homeAccountId !== result.account?.homeAccountId) await this.#client.signOut({ account });
    }
    return result.accessToken;
  }

  #cachePlugin(): ICachePlugin {
    const vault = this.#vault;
    const key = this.#cacheKey;
    return {
      async beforeCacheAccess(context: TokenCacheContext) {
        const stored = await vault.get(key);
        if (stored === null) return;
        try {
          const parsed: unknown = JSON.parse(stored);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a cache object');
          context.tokenCache.deserialize(stored);
        } catch {
          // msal keeps the text it was given and would trip over it on the next write: reset it.
          context.tokenCache.deserialize('');
          await vault.delete(key);
        }
      },
      async afterCacheAccess(context: TokenCacheContext) {
        if (context.cacheHasChanged) await vault.set(key, context.tokenCache.serialize());
      },
    };
  }
}

/**
 * Cancels a browser sign-in that is waiting for the user: msal's loopback server only stops
 * when an answer reaches it, so post it the OAuth "access_denied" answer with the request's
 * own state, which makes msal stop listening and throw.
 */
async function answerLoopbackWithCancel(authorizeUrl: string): Promise<void> {
  // Node's own fetch, not the injected one: this talks to msal's server on this machine, which no proxy should see.
  const query = new URL(authorizeUrl).searchParams;
  const redirectUri = query.get('redirect_uri');
  const state = query.get('state');
  if (!redirectUri || !state) return;
  try {
    await fetch(redirectUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ error: 'access_denied', error_description: 'Cancelled in Handle Studio.', state }).toString(),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    // The listener already closed: nothing left to cancel.
  }
}

/** msal's errors in words. Only msal's error code is kept, never its raw text (it can echo server payloads). */
function describeMsalError(error: unknown): HandleStudioError {
  if (error instanceof HandleStudioError) return error;
  if (!(error instanceof AuthError)) {
    return new HandleStudioError('SIGN_IN_FAILED', 'The Microsoft account sign-in failed unexpectedly: try again.');
  }
  const details = { msalError: error.errorCode };
  if (error instanceof InteractionRequiredAuthError || error.errorCode === 'invalid_grant' || error.errorCode === 'no_tokens_found') {
    return new HandleStudioError('TOKEN_EXPIRED', 'The Microsoft account sign-in has expired or was revoked: sign in again.', details);
  }
  switch (error.errorCode) {
    case 'authorization_declined':
    case 'access_denied':
      return new HandleStudioError(
        'SIGN_IN_FAILED',
        'The sign-in was declined in the browser: sign in again and accept the request.',
        details,
      );
    case 'expired_token':
    case 'device_code_expired':
      return new HandleStudioError(
        'SIGN_IN_FAILED',
        'The device code expired before the sign-in finished: start the sign-in again.',
        details,
      );
    case 'device_code_polling_cancelled':
    case 'user_cancelled':
      return new HandleStudioError('CANCELLED', 'Sign-in cancelled.', details);
    case 'network_error':
    case 'network_request_failed':
    case 'endpoints_resolution_error':
    case 'openid_config_error':
      return new HandleStudioError(
        'OFFLINE',
        "Could not reach the Microsoft sign-in service: check your network connection or proxy (and the profile's authority setting), then try again.",
        details,
      );
    case 'unauthorized_client':
    case 'invalid_client':
      return new HandleStudioError(
        'SIGN_IN_FAILED',
        "Microsoft does not accept this application (client) id for personal accounts: check the profile's application id and that the app registration allows Xbox Live sign-in.",
        details,
      );
    default:
      return new HandleStudioError('SIGN_IN_FAILED', `The Microsoft account sign-in failed (${error.errorCode}): try again.`, details);
  }
}
