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
 * An unexpected error's text comes from code we do not control (a library, a parser) and could
 * quote a request or response: anything shaped like a credential is masked before it is shown.
 */
export function withoutTokenShapes(text: string): string {
  return text
    .replace(/XBL3\.0\s*x=[^\s"'`]*/gi, 'XBL3.0 x=<uhs>;<token>')
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_.-]*/g, '<token>')
    .replace(/[A-Za-z0-9+/_-]{64,}={0,2}/g, '<redacted>');
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
