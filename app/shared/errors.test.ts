import { describe, expect, it } from 'vitest';
import { HandleStudioError, isAppError, toAppError } from './errors.ts';

describe('toAppError', () => {
  it('keeps a HandleStudioError\'s code, message and details', () => {
    expect(toAppError(new HandleStudioError('OFFLINE', 'No network.', { host: 'x' }))).toEqual({ code: 'OFFLINE', message: 'No network.', details: { host: 'x' } });
  });

  it('turns anything else into INTERNAL without credential-shaped text', () => {
    const jwt = 'eyJhbGciOiJSU0EtT0FFUCJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl';
    const error = toAppError(new Error(`request failed: Authorization: XBL3.0 x=123;${jwt} body ${'Q'.repeat(80)}`));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toContain(jwt.slice(0, 20));
    expect(error.message).not.toContain('Q'.repeat(64));
    expect(error.message).toContain('request failed');
  });

  it('recognises AppError values that crossed a bridge, and nothing else', () => {
    expect(isAppError({ code: 'THROTTLED', message: 'Slow down.' })).toBe(true);
    expect(isAppError({ code: 'NOT_A_CODE', message: 'x' })).toBe(false);
    expect(isAppError('THROTTLED')).toBe(false);
  });
});
