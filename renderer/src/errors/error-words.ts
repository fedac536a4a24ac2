/**
 * Errors in words: a short title per code plus what to do next. Core's message is always
 * shown too (it carries the specifics: which field, the service's own text); the title and
 * advice are what a developer scanning the screen needs first.
 */
import type { AppError, ErrorCode } from '../../../app/shared/errors.ts';

interface ErrorWords {
  title: string;
  advice: string;
}

const words: Record<ErrorCode, ErrorWords> = {
  // Not "Not sent": saving a profile or importing presets is refused with the same code. The
  // message under the advice names each field, so the advice need not claim they are marked.
  VALIDATION: { title: 'Not valid', advice: 'Change what the message below names, then try again.' },
  OFFLINE: { title: 'No connection', advice: 'MPSD could not be reached. Queue it to the outbox, or check your network and send again.' },
  TIMEOUT: { title: 'MPSD did not answer in time', advice: 'Reads are safe to repeat; for an invite, check History before resending.' },
  CANCELLED: { title: 'Cancelled', advice: 'You stopped this send; invitees not yet attempted were not invited.' },
  UNAUTHORIZED: {
    title: 'MPSD refused the token (401)',
    advice: 'The token is missing, expired or for another sandbox: paste a fresh one or sign in again in Profiles.',
  },
  FORBIDDEN: {
    title: 'Not allowed (403)',
    advice: 'Wrong sandbox, no access to this service config, or no multiplayer privilege. Check the profile\u2019s sandbox.',
  },
  NOT_FOUND: { title: 'Not found', advice: 'It may have been removed meanwhile: refresh the list and pick it again.' },
  CONFLICT: {
    title: 'Conflict (409)',
    advice: 'The request conflicts with the session, e.g. you are not an active member: join the session first.',
  },
  PRECONDITION_FAILED: { title: 'Precondition failed (412)', advice: 'The session changed or already exists. Read it again and retry.' },
  THROTTLED: {
    title: 'Rate-limited',
    advice: 'MPSD is rate-limiting this user (30 requests per 15 s, 300 per 5 min). Wait and send again.',
  },
  SERVICE_UNAVAILABLE: { title: 'MPSD is overloaded (503)', advice: 'Wait a little and send again.' },
  MPSD_REJECTED: { title: 'MPSD rejected the request', advice: 'Read the service\u2019s own text below.' },
  OUTCOME_UNKNOWN: {
    title: 'Outcome unknown',
    advice:
      'The connection dropped after the request went out: check before resending (History, a query, or ask the invitee). MPSD may have applied it, so sending again may invite twice.',
  },
  KEYCHAIN_UNAVAILABLE: {
    title: 'Keychain unavailable',
    advice: 'Tokens are kept for this run only. Check the OS keychain (Secret Service on Linux) and restart.',
  },
  NO_CREDENTIALS: { title: 'No token for this profile', advice: 'Open Profiles and paste a token or sign in.' },
  TOKEN_EXPIRED: { title: 'Token expired', advice: 'Open Profiles and paste a fresh token or sign in again.' },
  SIGN_IN_FAILED: { title: 'Sign-in failed', advice: 'Try again, or paste a token captured from a trace instead.' },
  STORAGE: { title: 'Storage problem', advice: 'Handle Studio could not read or write its data folder. Check disk space and permissions.' },
  INTERNAL: { title: 'Something went wrong inside Handle Studio', advice: 'This is a bug: note the steps and the message below.' },
};

/** What MPSD's own 404 means: an id it does not know (Handle Studio's own "not found" is about local data). */
const mpsdNotFound: ErrorWords = {
  title: 'Not found (404)',
  advice: 'Unknown SCID, template, session or handle: check the ids against Partner Center.',
};

/**
 * An activity points at a session its user is an active member of: MPSD answers 404 (no such
 * session yet) or 409 (not a member) when the user has not joined, and the fix is to join, not
 * to re-check ids.
 */
const activityWithoutJoining: ErrorWords = {
  title: 'Activity not set: you are not in this session',
  advice: 'Join the session first (Join session in Compose, or a preset that joins first), then set the activity.',
};

/**
 * Title and advice for an error, with the wait time when MPSD said how long to back off.
 * `kind` is the request that failed, where the screen knows it: some answers mean different
 * things for different requests. `failed` names what the user was doing ("Token not saved"):
 * it leads the title, because one code (VALIDATION, STORAGE) is shared by saving a token,
 * importing a file and sending a preset, and the user must see which of them did not happen.
 */
export function errorInWords(error: AppError, kind?: string, failed?: string): ErrorWords {
  const words = wordsFor(error, kind);
  if (failed === undefined) return words;
  // "Not valid" adds nothing to "Token not saved"; a cause with its own name ("Keychain unavailable") does.
  return { ...words, title: error.code === 'VALIDATION' ? failed : `${failed}: ${lowerFirst(words.title)}` };
}

/** "Keychain unavailable" reads as "keychain unavailable" after a colon; "MPSD ..." keeps its capitals. */
function lowerFirst(title: string): string {
  return /^[A-Z][a-z]/.test(title) ? `${title.charAt(0).toLowerCase()}${title.slice(1)}` : title;
}

function wordsFor(error: AppError, kind: string | undefined): ErrorWords {
  const base = words[error.code];
  const fromMpsd = typeof error.details?.['status'] === 'number';
  if (kind === 'activity.set' && fromMpsd && (error.code === 'NOT_FOUND' || error.code === 'CONFLICT')) return activityWithoutJoining;
  if (error.code === 'NOT_FOUND' && fromMpsd) return mpsdNotFound;
  if (error.code === 'THROTTLED') {
    const seconds = retryAfterSeconds(error);
    if (seconds !== undefined) {
      return { title: base.title, advice: `MPSD is rate-limiting this user; retry after ${seconds} s.` };
    }
  }
  return base;
}

/** Core reports MPSD's Retry-After as `details.retryAfterMs`. */
function retryAfterSeconds(error: AppError): number | undefined {
  const value = error.details?.['retryAfterMs'];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value / 1000) : undefined;
}

/** Whether the error sends the user to Profiles to fix a token. */
export function isTokenProblem(error: AppError): boolean {
  return error.code === 'NO_CREDENTIALS' || error.code === 'TOKEN_EXPIRED' || error.code === 'UNAUTHORIZED';
}
