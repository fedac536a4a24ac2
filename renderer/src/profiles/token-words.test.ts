import { describe, expect, it } from 'vitest';
import { tokenInWords } from './token-words.ts';

const now = Date.parse('2026-11-25T12:00:00Z');
const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();

describe('tokenInWords', () => {
  it('counts down a pasted token in hours and minutes', () => {
    expect(tokenInWords({ state: 'pasted', vault: 'keychain', expiresAt: at(200) }, now)).toMatchObject({
      label: 'Pasted token, expires in 3 h 20 min',
      tone: 'ok',
    });
  });

  it('turns a token that was fine when fetched into expiring, then expired, as time passes', () => {
    const token = { state: 'pasted' as const, vault: 'keychain' as const, source: 'pasted' as const, expiresAt: at(30) };
    expect(tokenInWords(token, now).tone).toBe('ok');
    expect(tokenInWords(token, now + 25 * 60_000)).toMatchObject({
      label: 'Token expires in 5 min',
      tone: 'warning',
      fix: 'Paste a fresh token',
    });
    expect(tokenInWords(token, now + 31 * 60_000)).toMatchObject({ label: 'Token expired', tone: 'error', fix: 'Paste a fresh token' });
  });

  it('offers to sign in again for a signed-in token that ran out', () => {
    expect(
      tokenInWords({ state: 'signed-in', vault: 'keychain', source: 'signed-in', gamertag: 'Tester', expiresAt: at(-1) }, now),
    ).toMatchObject({ label: 'Token expired', fix: 'Sign in again' });
  });

  it('says a refused token is refused, with the fix, even while its expiry is hours away', () => {
    expect(
      tokenInWords(
        { state: 'refused', vault: 'keychain', source: 'signed-in', gamertag: 'Tester', expiresAt: at(420), refusedAt: at(-2) },
        now,
      ),
    ).toEqual({
      label: 'Token refused by MPSD',
      tone: 'error',
      fix: 'Sign in again',
    });
    expect(tokenInWords({ state: 'refused', vault: 'keychain', source: 'pasted', refusedAt: at(-2) }, now).fix).toBe('Paste a fresh token');
  });

  it('leaves states without an expiry as core said', () => {
    expect(tokenInWords({ state: 'none', vault: 'keychain' }, now)).toMatchObject({ label: 'No token', tone: 'error' });
    expect(tokenInWords({ state: 'pasted', vault: 'memory' }, now).label).toBe('Pasted token (expiry unknown)');
    expect(tokenInWords({ state: 'unreadable', vault: 'keychain', problem: 'cannot be read' }, now)).toEqual({
      label: 'Token unreadable',
      tone: 'error',
      fix: 'Paste a token or sign in',
    });
  });
});
