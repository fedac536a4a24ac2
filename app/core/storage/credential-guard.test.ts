/**
 * The stores' last guard: a request that still carries a credential is refused (never
 * written), and the refusal names the problem, not the value; a masked request, and one with a
 * long random-looking context string (games pass base64 blobs), is let through.
 */
import { describe, expect, it } from 'vitest';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import { assertNoCredentials } from './credential-guard.ts';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQtMDEyMzQ1Njc4OQ.c2lnbmF0dXJl';

describe('assertNoCredentials', () => {
  it('lets a masked request and a long random context string through', () => {
    const body = { type: 'invite', inviteAttributes: { context: 'q8ZxR2mLw0Tb7YpVf3KcN9sHj4UaGd1Eo6IyBnXrWkQzSvMt5Pl' } };
    expect(() => assertNoCredentials({ headers: { Authorization: AUTHORIZATION_PLACEHOLDER }, body }, 'history')).not.toThrow();
  });

  it.each([
    ['a real Authorization header', { headers: { Authorization: `XBL3.0 x=123;${TOKEN}` } }, 'Authorization header holds a real value'],
    ['an XBL3.0 value in the body', { body: { note: `XBL3.0 x=123;${TOKEN}` } }, 'text shaped like an Xbox Live token'],
    ['a bearer token in the body', { body: { note: `Bearer ${TOKEN}` } }, 'text shaped like an Xbox Live token'],
    ['an RPS ticket in the body', { body: { RpsTicket: `d=${TOKEN}` } }, 'text shaped like an Xbox Live token'],
  ])('refuses %s, naming the problem and never the value', (_what, request, problem) => {
    let message = '';
    try {
      assertNoCredentials(request, 'history');
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain(`Refused to save a request to the history: it`);
    expect(message).toContain(problem);
    expect(message).not.toContain(TOKEN.slice(0, 16));
  });
});
