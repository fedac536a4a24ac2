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

  it('sends token problems to Profiles and nothing else', () => {
    expect(errorCodes.filter((code) => isTokenProblem({ code, message: '' }))).toEqual(['UNAUTHORIZED', 'NO_CREDENTIALS', 'TOKEN_EXPIRED']);
  });
});
