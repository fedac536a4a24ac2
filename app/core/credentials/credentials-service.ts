/**
 * Each profile's XSTS token: how it gets one (pasted, or signed in through the token chain),
 * what the UI may know about it, and the AuthorizationSource the MPSD client asks for the
 * header value.
 *
 * Secrets move only between the vault, this service's locals and the header value handed to
 * the MPSD client. TokenState, progress messages and errors carry names and times, never a
 * token, a user hash or an Authorization value.
 */
import type { PasteTokenInput, Profile, TokenState } from '../../shared/contract/profiles.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { systemClock } from '../clock.ts';
import type { AuthorizationSource, Clock, FetchLike, SecretVault } from '../ports.ts';
import type { DeviceCodePrompt, MicrosoftAccount } from './microsoft-account.ts';
import { profileSecretPrefix } from './secret-keys.ts';
import { readStoredToken, writeStoredToken, type StoredToken } from './stored-token.ts';
import type { VaultChoice } from './vault-choice.ts';
import { checkXblCredential, formatXblAuthorization, jwtExpiry, parseXblAuthorization } from './xbl-authorization.ts';
import { authenticateXboxUser, authorizeXsts, XBOX_USER_AUTHENTICATE_URL, XSTS_AUTHORIZE_URL } from './xbox-token-chain.ts';

/** Under this much time left a token is "expiring", and a signed-in token is refreshed before use. */
export const EXPIRING_WINDOW_MS = 10 * 60_000;

/** Finds a profile's current settings (the profile store). */
export interface ProfileLookup {
  get(profileId: string): Profile | undefined;
}

export type SignInMethod = 'browser' | 'device-code';

/** Where a sign-in is; mirrors the signInProgress event. */
export interface SignInProgress {
  profileId: string;
  stage: 'browser-opened' | 'device-code' | 'getting-xbox-token' | 'signed-in' | 'failed' | 'cancelled';
  userCode?: string;
  verificationUri?: string;
  expiresAt?: string;
  message: string;
}

export interface CredentialsServiceOptions {
  vaults: VaultChoice;
  profiles: ProfileLookup;
  fetch: FetchLike;
  /** Shows a URL in the system browser (Electron's shell.openExternal; tests follow it themselves). */
  openBrowser: (url: string) => Promise<void>;
  clock?: Clock;
  /** Told when a profile's token changes without a profile channel call (MPSD refused it), so screens update. */
  onTokenChanged?: (profileId: string) => void;
}

export class CredentialsService {
  readonly #vaults: VaultChoice;
  readonly #profiles: ProfileLookup;
  readonly #fetch: FetchLike;
  readonly #openBrowser: (url: string) => Promise<void>;
  readonly #clock: Clock;
  readonly #onTokenChanged: (profileId: string) => void;
  readonly #signIns = new Map<string, AbortController>();
  readonly #refreshes = new Map<string, Promise<StoredToken>>();
  /**
   * Bumped whenever a profile's token is replaced or forgotten by the user, so a refresh that
   * was already running cannot write its token back over a sign-out or a fresh paste.
   */
  readonly #generations = new Map<string, number>();
  /**
   * Authorization values MPSD refused in this process, by profile: in force at once, while
   * the refusal is still being written to the vault (or when that write fails).
   */
  readonly #refusedHere = new Map<string, { authorization: string; at: number }>();
  /** Refusals still being written to the vault; `settle()` waits for them (a CLI run ends right after its 401). */
  readonly #recording = new Set<Promise<void>>();

  constructor(options: CredentialsServiceOptions) {
    this.#vaults = options.vaults;
    this.#profiles = options.profiles;
    this.#fetch = options.fetch;
    this.#openBrowser = options.openBrowser;
    this.#clock = options.clock ?? systemClock;
    this.#onTokenChanged = options.onTokenChanged ?? (() => undefined);
  }

  /**
   * What the UI may know about the profile's token. Never throws for a missing keychain or an
   * entry that cannot be read: those are states, so one bad entry cannot hide every profile.
   */
  async tokenState(profileId: string): Promise<TokenState> {
    let vault: SecretVault;
    try {
      vault = await this.#vaults.vault();
    } catch (error) {
      if (error instanceof HandleStudioError && error.code === 'KEYCHAIN_UNAVAILABLE') {
        return { state: 'keychain-unavailable', vault: 'keychain' };
      }
      throw error;
    }
    let stored: StoredToken | null;
    try {
      stored = await readStoredToken(vault, profileId);
    } catch (error) {
      // An entry that does not parse or lost some of its pieces (STORAGE): kept, shown with its fix.
      if (error instanceof HandleStudioError && error.code === 'STORAGE')
        return { state: 'unreadable', vault: vault.kind, problem: error.message };
      throw error;
    }
    return this.#describe(profileId, stored, vault.kind);
  }

  /** Stores a pasted token (whole header, or user hash and token) for the profile. */
  async pasteToken(input: PasteTokenInput): Promise<TokenState> {
    const profile = this.#profile(input.profileId);
    const credential =
      input.authorization !== undefined && input.authorization.trim() !== ''
        ? parseXblAuthorization(input.authorization)
        : checkXblCredential({ uhs: (input.userHash ?? '').trim(), token: (input.token ?? '').trim() });
    // The token's own exp claim is the truth; a typed expiry only fills in when there is none
    // (a date left over from the token being replaced must not refuse a fresh one).
    const ownExpiry = jwtExpiry(credential.token);
    const expiresAt = ownExpiry ?? (input.expiresAt !== undefined ? Date.parse(input.expiresAt) : undefined);
    if (expiresAt !== undefined && expiresAt <= this.#clock.now()) {
      throw new HandleStudioError(
        'VALIDATION',
        ownExpiry === undefined
          ? 'The expiry you gave is already past: correct it (or clear it if you do not know it), or capture a fresh token.'
          : `This token expired at ${new Date(expiresAt).toISOString()}: capture a fresh one (XSTS tokens live a few hours).`,
        { field: ownExpiry === undefined ? 'expiresAt' : 'token' },
      );
    }
    const vault = await this.#vaults.vault();
    this.#bump(profile.id);
    const stored: StoredToken = { v: 1, source: 'pasted', uhs: credential.uhs, token: credential.token, sandboxId: profile.sandboxId };
    if (expiresAt !== undefined) stored.expiresAt = expiresAt;
    await writeStoredToken(vault, profile.id, stored);
    // The user chose this token: even the value refused before gets another chance.
    this.#refusedHere.delete(profile.id);
    return this.#describe(profile.id, stored, vault.kind);
  }

  /**
   * Signs in with a Microsoft test account (browser or device code) and gets an XSTS token
   * for the profile's sandbox. One sign-in per profile at a time; `cancelSignIn` stops it.
   */
  async signIn(profileId: string, method: SignInMethod, onProgress: (progress: SignInProgress) => void): Promise<TokenState> {
    const profile = this.#profile(profileId);
    if (this.#signIns.has(profileId)) {
      throw new HandleStudioError('CONFLICT', 'A sign-in for this profile is already in progress: finish it or cancel it first.');
    }
    const account = await this.#account(profile);
    const vault = await this.#vaults.vault();
    const controller = new AbortController();
    this.#signIns.set(profileId, controller);
    const generation = this.#bump(profileId);
    try {
      const msaToken =
        method === 'browser'
          ? await account.signInWithBrowser(async (url) => {
              onProgress({
                profileId,
                stage: 'browser-opened',
                message: 'Finish signing in with your Microsoft test account in the browser.',
              });
              await this.#openBrowser(url);
            }, controller.signal)
          : await account.signInWithDeviceCode((prompt: DeviceCodePrompt) => {
              onProgress({
                profileId,
                stage: 'device-code',
                userCode: prompt.userCode,
                verificationUri: prompt.verificationUri,
                expiresAt: new Date(prompt.expiresAt).toISOString(),
                message: `Open ${prompt.verificationUri} and enter the code ${prompt.userCode} to sign in.`,
              });
            }, controller.signal);
      onProgress({ profileId, stage: 'getting-xbox-token', message: `Getting an Xbox Live token for sandbox ${profile.sandboxId}.` });
      const stored = await this.#xboxChain(profile, msaToken);
      if (controller.signal.aborted) throw new HandleStudioError('CANCELLED', 'Sign-in cancelled.');
      await this.#store(vault, profileId, generation, stored);
      onProgress({ profileId, stage: 'signed-in', message: `Signed in as ${stored.gamertag ?? stored.xuid ?? 'your test account'}.` });
      return this.#describe(profileId, stored, vault.kind);
    } catch (error) {
      const failure =
        error instanceof HandleStudioError ? error : new HandleStudioError('SIGN_IN_FAILED', 'The sign-in failed unexpectedly: try again.');
      onProgress({ profileId, stage: failure.code === 'CANCELLED' ? 'cancelled' : 'failed', message: failure.message });
      throw failure;
    } finally {
      this.#signIns.delete(profileId);
    }
  }

  /** Stops a sign-in that is waiting for the user; false when none was running. */
  cancelSignIn(profileId: string): boolean {
    const running = this.#signIns.get(profileId);
    running?.abort();
    return running !== undefined;
  }

  /** Forgets every secret of the profile (its token and its Microsoft account sign-in). */
  async signOut(profileId: string): Promise<TokenState> {
    const vault = await this.#forget(profileId);
    return this.#describe(profileId, null, vault.kind);
  }

  /** For a removed profile: deletes its vault entries. */
  async forgetProfile(profileId: string): Promise<void> {
    await this.#forget(profileId);
  }

  /** Where secrets live from now on: memory for this run when the keychain is unavailable. */
  keepSecretsInMemory(): 'keychain' | 'memory' {
    return this.#vaults.keepInMemory().kind;
  }

  /** The Authorization source the MPSD client uses for one profile. */
  authorizationFor(profileId: string): AuthorizationSource {
    // The value last handed out is the one MPSD refused: a token stored since then is not blamed.
    let handedOut: string | undefined;
    return {
      current: async () => (handedOut = await this.#current(profileId)),
      renew: async () => (handedOut = await this.#renew(profileId)),
      refused: () => {
        if (handedOut !== undefined) this.#markRefused(profileId, handedOut);
      },
      held: async () => {
        const stored = await readStoredToken(await this.#vaults.vault(), profileId);
        return stored ? formatXblAuthorization(stored) : undefined;
      },
    };
  }

  /**
   * MPSD answered 401 to `authorization` even after the one renewal: the token is refused
   * until a new one is stored. Marked in memory at once and kept with the token in the vault,
   * so the CLI and the app see it too. Never throws (the MPSD client calls it on its way out).
   */
  #markRefused(profileId: string, authorization: string): void {
    const generation = this.#generation(profileId);
    const at = this.#clock.now();
    this.#refusedHere.set(profileId, { authorization, at });
    const recording = (async () => {
      const vault = await this.#vaults.vault();
      const stored = await readStoredToken(vault, profileId);
      if (!stored || stored.refusedAt !== undefined || formatXblAuthorization(stored) !== authorization) return;
      if (this.#generation(profileId) !== generation) return;
      await writeStoredToken(vault, profileId, { ...stored, refusedAt: at });
    })()
      // The refusal is in force in this process already; other processes learn it from their own 401.
      .catch(() => undefined)
      .finally(() => {
        this.#recording.delete(recording);
        this.#onTokenChanged(profileId);
      });
    this.#recording.add(recording);
  }

  /** Resolves once every refusal seen so far is kept in the vault (or could not be): call before the process ends. */
  async settle(): Promise<void> {
    await Promise.all([...this.#recording]);
  }

  /** When MPSD refused the stored token (epoch ms), or undefined while it has not. */
  #refusedAt(profileId: string, stored: StoredToken): number | undefined {
    if (stored.refusedAt !== undefined) return stored.refusedAt;
    const here = this.#refusedHere.get(profileId);
    return here !== undefined && here.authorization === formatXblAuthorization(stored) ? here.at : undefined;
  }

  async #current(profileId: string): Promise<string> {
    const vault = await this.#vaults.vault();
    const stored = await readStoredToken(vault, profileId);
    if (!stored) {
      throw new HandleStudioError('NO_CREDENTIALS', 'This profile has no token yet: sign in, or paste a token, in Profiles.');
    }
    const refusedAt = this.#refusedAt(profileId, stored);
    if (refusedAt !== undefined) throw this.#refusal(profileId, stored.source, refusedAt);
    const now = this.#clock.now();
    const expired = stored.expiresAt !== undefined && stored.expiresAt <= now;
    if (stored.source === 'pasted') {
      if (expired) {
        throw new HandleStudioError(
          'TOKEN_EXPIRED',
          `The pasted token expired at ${new Date(stored.expiresAt!).toISOString()}: paste a fresh one.`,
        );
      }
      return formatXblAuthorization(stored);
    }
    const profile = this.#profile(profileId);
    const expiring = stored.expiresAt === undefined || stored.expiresAt - now < EXPIRING_WINDOW_MS;
    const otherSandbox = stored.sandboxId !== profile.sandboxId;
    if (!expiring && !otherSandbox) return formatXblAuthorization(stored);
    try {
      return formatXblAuthorization(await this.#refresh(profile));
    } catch (error) {
      // A failed early refresh (say, offline) must not throw away a token that still works.
      if (!expired && !otherSandbox) return formatXblAuthorization(stored);
      throw error;
    }
  }

  /** Names the profile and the one fix, so an outbox item or a CLI run paused on it says what to do. */
  #refusal(profileId: string, source: StoredToken['source'], refusedAt: number): HandleStudioError {
    const name = this.#profiles.get(profileId)?.name ?? 'this profile';
    const fix =
      source === 'signed-in'
        ? `sign in again in Profiles (or run \`handle-studio profile login "${name}"\`)`
        : `paste a fresh token in Profiles (or pipe one into \`handle-studio profile set-token "${name}"\`)`;
    return new HandleStudioError(
      'UNAUTHORIZED',
      `MPSD refused the token of profile "${name}" at ${new Date(refusedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')} (401, even after renewing it): ${fix}.`,
      {
        refused: true,
        profileId,
      },
    );
  }

  async #renew(profileId: string): Promise<string> {
    const vault = await this.#vaults.vault();
    const stored = await readStoredToken(vault, profileId);
    if (!stored) {
      throw new HandleStudioError('NO_CREDENTIALS', 'This profile has no token yet: sign in, or paste a token, in Profiles.');
    }
    if (stored.source === 'pasted') {
      throw new HandleStudioError('UNAUTHORIZED', 'The pasted token was refused: paste a fresh one.');
    }
    return formatXblAuthorization(await this.#refresh(this.#profile(profileId)));
  }

  /** Runs the token chain again from the cached sign-in; callers at the same time share one run. */
  #refresh(profile: Profile): Promise<StoredToken> {
    const running = this.#refreshes.get(profile.id);
    if (running) return running;
    const generation = this.#generation(profile.id);
    const refresh = (async () => {
      const account = await this.#account(profile);
      const vault = await this.#vaults.vault();
      let stored: StoredToken;
      try {
        stored = await this.#xboxChain(profile, await account.accessToken(false));
      } catch (error) {
        // The cached access token may be revoked before its time: get a new one, once.
        if (!(error instanceof HandleStudioError && error.code === 'TOKEN_EXPIRED')) throw error;
        stored = await this.#xboxChain(profile, await account.accessToken(true));
      }
      await this.#store(vault, profile.id, generation, stored);
      return stored;
    })().finally(() => this.#refreshes.delete(profile.id));
    this.#refreshes.set(profile.id, refresh);
    return refresh;
  }

  async #xboxChain(profile: Profile, msaAccessToken: string): Promise<StoredToken> {
    const endpoints = profile.auth.tokenEndpoints ?? {};
    const userToken = await authenticateXboxUser(this.#fetch, msaAccessToken, endpoints.userAuthenticate ?? XBOX_USER_AUTHENTICATE_URL);
    const grant = await authorizeXsts(this.#fetch, userToken.token, profile.sandboxId, endpoints.xstsAuthorize ?? XSTS_AUTHORIZE_URL);
    const stored: StoredToken = {
      v: 1,
      source: 'signed-in',
      uhs: grant.uhs,
      token: grant.token,
      expiresAt: grant.notAfter,
      xuid: grant.xuid,
      privileges: grant.privileges,
      sandboxId: profile.sandboxId,
    };
    if (grant.gamertag !== undefined) stored.gamertag = grant.gamertag;
    return stored;
  }

  async #store(vault: SecretVault, profileId: string, generation: number, stored: StoredToken): Promise<void> {
    if (this.#generation(profileId) !== generation) {
      throw new HandleStudioError('CANCELLED', 'The token was replaced or signed out while it was being refreshed.');
    }
    await writeStoredToken(vault, profileId, stored);
    this.#refusedHere.delete(profileId);
  }

  async #account(profile: Profile): Promise<MicrosoftAccount> {
    const clientId = profile.auth.msaClientId;
    if (!clientId) {
      throw new HandleStudioError(
        'VALIDATION',
        "This profile has no Microsoft application (client) id: set it in the profile (your organisation's Azure app registration for Xbox Live), or paste a token instead.",
        { field: 'auth.msaClientId' },
      );
    }
    const options = { profileId: profile.id, clientId, vault: await this.#vaults.vault(), fetch: this.#fetch };
    const authority = profile.auth.tokenEndpoints?.authority;
    // msal-node is a third of core's start-up; only a sign-in or a refresh needs it.
    const { MicrosoftAccount } = await import('./microsoft-account.ts');
    return new MicrosoftAccount(authority === undefined ? options : { ...options, authority });
  }

  async #forget(profileId: string): Promise<SecretVault> {
    this.cancelSignIn(profileId);
    this.#bump(profileId);
    this.#refusedHere.delete(profileId);
    const vault = await this.#vaults.vault();
    for (const key of await vault.keys(profileSecretPrefix(profileId))) await vault.delete(key);
    return vault;
  }

  #describe(profileId: string, stored: StoredToken | null, vault: 'keychain' | 'memory'): TokenState {
    if (!stored) return { state: 'none', vault };
    const now = this.#clock.now();
    const refusedAt = this.#refusedAt(profileId, stored);
    const state: TokenState = {
      state:
        refusedAt !== undefined
          ? 'refused'
          : stored.expiresAt !== undefined && stored.expiresAt <= now
            ? 'expired'
            : stored.expiresAt !== undefined && stored.expiresAt - now < EXPIRING_WINDOW_MS
              ? 'expiring'
              : stored.source,
      source: stored.source,
      vault,
    };
    if (stored.gamertag !== undefined) state.gamertag = stored.gamertag;
    if (stored.xuid !== undefined) state.xuid = stored.xuid;
    if (stored.expiresAt !== undefined) state.expiresAt = new Date(stored.expiresAt).toISOString();
    if (stored.privileges !== undefined) state.privileges = stored.privileges;
    if (refusedAt !== undefined) state.refusedAt = new Date(refusedAt).toISOString();
    return state;
  }

  #profile(profileId: string): Profile {
    const profile = this.#profiles.get(profileId);
    if (!profile) throw new HandleStudioError('NOT_FOUND', 'No profile with that id: it may have been removed. Pick another profile.');
    return profile;
  }

  #generation(profileId: string): number {
    return this.#generations.get(profileId) ?? 0;
  }

  #bump(profileId: string): number {
    const next = this.#generation(profileId) + 1;
    this.#generations.set(profileId, next);
    return next;
  }
}
