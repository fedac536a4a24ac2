import { describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { checkXblCredential, formatXblAuthorization, jwtExpiry, parseXblAuthorization } from './xbl-authorization.ts';

const TOKEN = 'eyJlbmMiOiJBMTI4Q0JDK0hTMjU2In0.part2.part3.part4.part5';

function refusal(run: () => unknown): HandleStudioError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HandleStudioError);
    return error as HandleStudioError;
  }
  throw new Error('expected a VALIDATION error');
}

describe('pasted Authorization values', () => {
  it('reads the header value, with or without the header name and quotes', () => {
    for (const pasted of [
      `XBL3.0 x=3165453843849;${TOKEN}`,
      `  Authorization: XBL3.0 x=3165453843849;${TOKEN}\n`,
      `"XBL3.0 x=3165453843849;${TOKEN}"`,
    ]) {
      expect(parseXblAuthorization(pasted)).toEqual({ uhs: '3165453843849', token: TOKEN });
    }
  });

  it('writes back exactly what MPSD expects', () => {
    expect(formatXblAuthorization({ uhs: '42', token: TOKEN })).toBe(`XBL3.0 x=42;${TOKEN}`);
  });

  it.each([
    ['Bearer abc.def.ghi', /must look like XBL3\.0 x=<uhs>;<token>/],
    [`XBL3.0 x=;${TOKEN}`, /user hash \(uhs\)/],
    ['XBL3.0 x=123;short', /between 16 and 16384 characters/],
    [`XBL3.0 x=123;${TOKEN.slice(0, 20)} ${TOKEN.slice(20)}`, /remove spaces, line breaks or quotes/],
  ])('explains what is wrong with %j without repeating it', (pasted, problem) => {
    const error = refusal(() => parseXblAuthorization(pasted));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(problem);
    const body = JSON.stringify(error.toAppError());
    expect(body).not.toContain('abc.def');
    expect(body).not.toContain(TOKEN.slice(0, 20));
  });

  it('checks a user hash and token given separately', () => {
    expect(checkXblCredential({ uhs: '99', token: TOKEN })).toEqual({ uhs: '99', token: TOKEN });
    expect(refusal(() => checkXblCredential({ uhs: 'has;semicolon', token: TOKEN })).details).toEqual({ field: 'userHash' });
  });
});

describe('JWT expiry', () => {
  it('reads exp from a plain JWT and nothing from an encrypted one', () => {
    const jwt = `e30.${Buffer.from(JSON.stringify({ exp: 1_900_000_000 })).toString('base64url')}.sig`;
    expect(jwtExpiry(jwt)).toBe(1_900_000_000_000);
    expect(jwtExpiry(TOKEN)).toBeUndefined();
    expect(jwtExpiry('e30.bm90IGpzb24.sig')).toBeUndefined();
    expect(jwtExpiry(`e30.${Buffer.from('{"exp":"soon"}').toString('base64url')}.sig`)).toBeUndefined();
  });
});
