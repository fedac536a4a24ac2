import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../../app/shared/errors.ts';
import { errorInWords, isTokenProblem } from './error-words.ts';

describe('errorInWords', () => {
  it('has a title and advice for every error code core can send', () => {
    for (const code of errorCodes) {
      const words = errorInWords({ code, message: 'm' });
      expect(words.title.length, code).toBeGreaterThan(3);
      expect(words.advice.length, code).toBeGreaterThan(10);
    }
  });

  it('tells how long MPSD asked to wait when it was rate-limited', () => {
    expect(errorInWords({ code: 'THROTTLED', message: 'm', details: { retryAfterMs: 12_400 } }).advice).toBe(
      'MPSD is rate-limiting this user; retry after 13 s.',
    );
    expect(errorInWords({ code: 'THROTTLED', message: 'm' }).advice).toContain('30 requests per 15 s');
  });

  it('warns before resending when the outcome is unknown', () => {
    expect(errorInWords({ code: 'OUTCOME_UNKNOWN', message: 'm' }).advice).toContain('may invite twice');
  });

  it('an activity refused because the user has not joined says to join first, not to check ids', () => {
    for (const [code, status] of [
      ['NOT_FOUND', 404],
      ['CONFLICT', 409],
    ] as const) {
      const words = errorInWords({ code, message: 'm', details: { status } }, 'activity.set');
      expect(words.title, code).toBe('Activity not set: you are not in this session');
      expect(words.advice, code).toContain('Join the session first');
      expect(words.advice, code).not.toContain('Partner Center');
    }
    // The same 404 for another request is about ids.
    expect(errorInWords({ code: 'NOT_FOUND', message: 'm', details: { status: 404 } }, 'invite.send').advice).toContain('Partner Center');
  });

  it("sends only MPSD's own 404 to Partner Center; a local record that is gone is not about ids", () => {
    expect(errorInWords({ code: 'NOT_FOUND', message: 'No draft with id 7: it may have been deleted or sent.' }).advice).not.toContain(
      'Partner Center',
    );
  });

  it('a refused input does not claim it was a send or that fields are marked', () => {
    const words = errorInWords({ code: 'VALIDATION', message: 'token: Paste the Authorization value.' });
    expect(`${words.title} ${words.advice}`).not.toMatch(/sent|marked/i);
  });

  it('leads with what did not happen when the screen says so, and keeps a cause that has its own name', () => {
    const refused = { code: 'VALIDATION', message: 'The token must be between 16 and 16384 characters.' } as const;
    expect(errorInWords(refused, undefined, 'Token not saved').title).toBe('Token not saved');
    expect(errorInWords(refused, undefined, 'Presets file not imported').title).toBe('Presets file not imported');
    expect(errorInWords({ code: 'KEYCHAIN_UNAVAILABLE', message: 'm' }, undefined, 'Token not saved').title).toBe(
      'Token not saved: keychain unavailable',
    );
    expect(errorInWords({ code: 'TIMEOUT', message: 'm' }, undefined, 'Preset not sent').title).toBe(
      'Preset not sent: MPSD did not answer in time',
    );
    // The advice is still the code's: what to do does not change with the action.
    expect(errorInWords(refused, undefined, 'Token not saved').advice).toBe(errorInWords(refused).advice);
  });

  it('sends token problems to Profiles and nothing else', () => {
    expect(errorCodes.filter((code) => isTokenProblem({ code, message: '' }))).toEqual(['UNAUTHORIZED', 'NO_CREDENTIALS', 'TOKEN_EXPIRED']);
  });
});
