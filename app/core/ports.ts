/**
 * The small interfaces core services are written against. Electron main passes its real
 * parts (net.fetch, electron-store, keytar); browser mode, the CLI and tests pass Node's.
 */

/** A WHATWG fetch. Electron main passes `net.fetch` so system proxies and Fiddler apply. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Time, injectable so schedulers and expiry logic are testable without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The OS keychain (keytar) or an in-memory stand-in. Keys are `<profileId>/<kind>`.
 * Implementations serialise operations per key.
 */
export interface SecretVault {
  /** 'keychain' when backed by the OS, 'memory' when secrets live only for this run. */
  readonly kind: 'keychain' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, secret: string): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Keys stored under a prefix, e.g. every entry of one profile. */
  keys(prefix: string): Promise<string[]>;
}

/**
 * Where the MPSD client gets its `Authorization: XBL3.0 x=<uhs>;<token>` value. Implemented
 * by the credentials service per profile, and by the CLI from XBL_AUTHORIZATION.
 */
export interface AuthorizationSource {
  /** The current header value; throws HandleStudioError NO_CREDENTIALS or TOKEN_EXPIRED. */
  current(): Promise<string>;
  /** After a 401 from MPSD: a fresh value (refresh, re-issue), or throws UNAUTHORIZED. Called at most once per request. */
  renew(): Promise<string>;
  /**
   * MPSD refused the token for good: a 401 again after the one renewal, or the renewal itself
   * failed with UNAUTHORIZED. The source marks the token refused so every screen and the outbox
   * stop treating it as valid until a new one arrives. Must not throw.
   */
  refused?(): void;
  /**
   * The header value of the token the profile holds, usable or not (expired, refused), without
   * renewing it; undefined when it holds none. Throws KEYCHAIN_UNAVAILABLE (or STORAGE) when it
   * cannot be read. A send about to be queued checks its fields against it even when `current`
   * refused to give it (requests/token-in-fields.ts).
   */
  held?(): Promise<string | undefined>;
}
