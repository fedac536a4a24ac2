import type { TokenState } from '../../../app/shared/contract/profiles.ts';

export interface TokenWords {
  label: string;
  tone: 'ok' | 'warning' | 'error';
  /** What to do about it, when something needs doing. */
  fix?: string;
}

/** Core's "expiring" window: under this much time left, the token needs attention. */
const EXPIRING_MS = 10 * 60_000;

/**
 * The state as of `now`: core says what it was when asked, and a token that was fine then
 * may be expiring or expired by the time the user looks, with no call in between.
 */
export function stateAt(token: TokenState, now: number): TokenState['state'] {
  if (token.expiresAt === undefined || !['pasted', 'signed-in', 'expiring'].includes(token.state)) return token.state;
  const left = Date.parse(token.expiresAt) - now;
  if (left <= 0) return 'expired';
  return left < EXPIRING_MS ? 'expiring' : token.state;
}

/** The token's state in a few words, with the fix when the token cannot be used (or soon cannot). */
export function tokenInWords(token: TokenState, now = Date.now()): TokenWords {
  const fix = token.source === 'signed-in' ? 'Sign in again' : 'Paste a fresh token';
  switch (stateAt(token, now)) {
    case 'none':
      return { label: 'No token', tone: 'error', fix: 'Paste a token or sign in' };
    case 'pasted':
      return { label: token.expiresAt ? `Pasted token, ${untilWords(token.expiresAt, now)}` : 'Pasted token (expiry unknown)', tone: 'ok' };
    case 'signed-in':
      return {
        label: `Signed in${token.gamertag ? ` as ${token.gamertag}` : ''}${token.expiresAt ? `, ${untilWords(token.expiresAt, now)}` : ''}`,
        tone: 'ok',
      };
    case 'expiring':
      return { label: token.expiresAt ? `Token ${untilWords(token.expiresAt, now)}` : 'Token expiring soon', tone: 'warning', fix };
    case 'expired':
      return { label: 'Token expired', tone: 'error', fix };
    // Whatever its expiry says, MPSD would not take it: nothing is sent with it until it is replaced.
    case 'refused':
      return { label: 'Token refused by MPSD', tone: 'error', fix };
    case 'keychain-unavailable':
      return { label: 'Keychain unavailable', tone: 'error', fix: 'Choose in Profiles' };
    case 'unreadable':
      return { label: 'Token unreadable', tone: 'error', fix: 'Paste a token or sign in' };
  }
}

/** "expires in 3 h 20 min" / "expired": tokens live hours, so minutes are precise enough. */
function untilWords(iso: string, now = Date.now()): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  if (!Number.isFinite(minutes)) return 'expiry unknown';
  if (minutes <= 0) return 'expired';
  if (minutes < 60) return `expires in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `expires in ${hours} h${rest ? ` ${rest} min` : ''}`;
}
