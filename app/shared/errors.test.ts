import { describe, expect, it } from 'vitest';
import { HandleStudioError, isAppError, looksLikeToken, toAppError, withoutTokenShapes } from './errors.ts';

describe('toAppError', () => {
  it("keeps a HandleStudioError's code, message and details", () => {
    expect(toAppError(new HandleStudioError('OFFLINE', 'No network.', { host: 'x' }))).toEqual({
      code: 'OFFLINE',
      message: 'No network.',
      details: { host: 'x' },
    });
  });

  it('turns anything else into INTERNAL without credential-shaped text', () => {
    const jwt = 'eyJhbGciOiJSU0EtT0FFUCJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl';
    const bare = 'Zm9vYmFyX1N3ZWV0UG90YXRvXzQyMXhZ7OqZgpbrPHq6hX4ehZ3xikfIXxAUGbnVfHgq';
    const error = toAppError(new Error(`request failed: Authorization: XBL3.0 x=123;${jwt} body ${bare}`));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toContain(jwt.slice(0, 20));
    expect(error.message).not.toContain(bare.slice(0, 24));
    expect(error.message).toContain('request failed');
  });

  it('masks an XBL3.0 value whose token is neither a JWT nor a long run', () => {
    const error = toAppError(new Error('proxy said: Authorization: XBL3.0 x=8812345678901;tok.en+a/b end'));
    expect(error.message).toBe('Unexpected error: proxy said: Authorization: XBL3.0 x=<uhs>;<token> end');
  });

  it('recognises AppError values that crossed a bridge, and nothing else', () => {
    expect(isAppError({ code: 'THROTTLED', message: 'Slow down.' })).toBe(true);
    expect(isAppError({ code: 'NOT_A_CODE', message: 'x' })).toBe(false);
    expect(isAppError('THROTTLED')).toBe(false);
  });
});

describe('tokens are recognised by shape, not by length', () => {
  /** 80 characters of base64url from a random source: what a bare token looks like. */
  const RANDOM = '7OqZgpbrPHq6hX4ehZ3xikfIXxAUGbnVfHgq_PfxdpYl9pV8GBT9bhYchgajhl22UP_SzQ2DfNW53fCv';
  const NAMES = [
    'Weekend-Finals-Lobby-2026-Round-One-Team-Alpha-vs-Team-Bravo-Best-Of-Five-Match',
    'TeamRedVsTeamBlueInTheGrandFinalOfTheXboxLiveCup2026SeasonTwoPlayoffs',
    'Player_One_From_The_Quality_Assurance_Team_In_Redmond_Building_Four_2026',
    'GameSession_20260101_EU_West_Ranked_Squad_Lobby_0042_Night_Owls_Tournament_Final_Round',
    'a3f5c2d1e4b6a7980f1e2d3c4b5a69788f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c',
  ];

  it('lets session names and labels of 64-99 characters through, in arguments and in error texts', () => {
    for (const name of NAMES) {
      expect(name.length).toBeGreaterThanOrEqual(64);
      expect(name.length).toBeLessThanOrEqual(99);
      expect(looksLikeToken(name)).toBe(false);
      expect(withoutTokenShapes(`Session ${name} was not found.`)).toBe(`Session ${name} was not found.`);
    }
  });

  it('recognises an Authorization value, a JWT and a bare random token', () => {
    expect(looksLikeToken('XBL3.0 x=123;abc')).toBe(true);
    expect(looksLikeToken('eyJhbGciOiJSU0EtT0FFUCJ9.c2VjcmV0')).toBe(true);
    expect(looksLikeToken(`token=${RANDOM}`)).toBe(true);
    expect(withoutTokenShapes(`body ${RANDOM} end`)).toBe('body <redacted> end');
    // The same test twice in a row: the shared patterns keep no state between calls.
    expect(looksLikeToken('XBL3.0 x=123;abc')).toBe(true);
  });
});
