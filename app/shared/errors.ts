/**
 * Errors are values with a code. They cross IPC and HTTP as plain objects
 * (`AppError`), so the renderer can show them in words and tests can assert on the code.
 * Core code throws `HandleStudioError`; the dispatcher turns anything thrown into an `AppError`.
 */

export const errorCodes = [
  'VALIDATION',
  'OFFLINE',
  'TIMEOUT',
  'CANCELLED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
  'MPSD_REJECTED',
  'OUTCOME_UNKNOWN',
  'KEYCHAIN_UNAVAILABLE',
  'NO_CREDENTIALS',
  'TOKEN_EXPIRED',
  'SIGN_IN_FAILED',
  'STORAGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** What crosses the bridge: a code, a sentence a person can act on, and optional detail. */
export interface AppError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class HandleStudioError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HandleStudioError';
    this.code = code;
    this.details = details;
  }

  toAppError(): AppError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into an AppError without leaking stack traces or raw objects. */
export function toAppError(thrown: unknown): AppError {
  if (thrown instanceof HandleStudioError) return thrown.toAppError();
  if (isAppError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: 'INTERNAL', message: `Unexpected error: ${withoutTokenShapes(message).slice(0, 300)}` };
}

/**
 * Credentials are recognised by their shape, never by length alone: a session name or a label
 * of 99 characters is a name, not a token.
 * - an Authorization value: `XBL3.0 x=<uhs>;<token>`;
 * - a JWT/JWE (XSTS and user tokens): a base64url JSON header (`eyJ` is `{"`), a dot, more;
 * - a bare token: a long base64 run with random base64's mix, see `hasRandomBase64Mix`.
 */
const XBL_VALUE = /XBL3\.0\s*x=[^\s"'`]*/gi;
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_.-]*/g;
const LONG_BASE64_RUN = /[A-Za-z0-9+/_-]{48,}={0,2}/g;
const VOWELS = new Set('aeiouAEIOU');

/**
 * Random base64 is about half upper- and half lower-case letters, changes between upper, lower
 * and digit at about 6 of 10 neighbouring characters, and has few vowels (10 of its 52 letters).
 * Names made of words (`Weekend-Finals-Lobby-2026`, `TeamRedVsTeamBlue2026`) have long
 * same-case stretches, fewer capitals and a third or more vowels, so they do not pass.
 */
function hasRandomBase64Mix(run: string): boolean {
  let upper = 0;
  let lower = 0;
  let vowels = 0;
  let pairs = 0;
  let changes = 0;
  let previous: 'upper' | 'lower' | 'digit' | undefined;
  for (const character of run) {
    const kind =
      character >= 'A' && character <= 'Z'
        ? 'upper'
        : character >= 'a' && character <= 'z'
          ? 'lower'
          : character >= '0' && character <= '9'
            ? 'digit'
            : undefined;
    if (kind === 'upper') upper += 1;
    else if (kind === 'lower') lower += 1;
    if (VOWELS.has(character)) vowels += 1;
    if (kind !== undefined && previous !== undefined) {
      pairs += 1;
      if (kind !== previous) changes += 1;
    }
    previous = kind;
  }
  const letters = upper + lower;
  return upper >= letters * 0.2 && lower >= letters * 0.2 && changes >= pairs * 0.4 && vowels < letters * 0.33;
}

/** True when `text` holds something shaped like a credential (see the shapes above). */
export function looksLikeToken(text: string): boolean {
  // search() ignores the global flag's lastIndex, so the shared patterns keep no state between calls.
  if (text.search(XBL_VALUE) !== -1 || text.search(JWT) !== -1) return true;
  return (text.match(LONG_BASE64_RUN) ?? []).some(hasRandomBase64Mix);
}

/**
 * An unexpected error's text comes from code we do not control (a library, a parser) and could
 * quote a request or response: anything shaped like a credential is masked before it is shown.
 */
export function withoutTokenShapes(text: string): string {
  return text
    .replace(XBL_VALUE, 'XBL3.0 x=<uhs>;<token>')
    .replace(JWT, '<token>')
    .replace(LONG_BASE64_RUN, (run) => (hasRandomBase64Mix(run) ? '<redacted>' : run));
}

export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { code?: unknown; message?: unknown };
  return (
    typeof candidate.message === 'string' &&
    typeof candidate.code === 'string' &&
    (errorCodes as readonly string[]).includes(candidate.code)
  );
}

/** Every channel answers with a Result, so failures are data, never a rejected promise across IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };
