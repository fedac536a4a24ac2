/**
 * The guard that keeps credentials out of what is written and shown. Shapes are tested both
 * ways: real token shapes (an XSTS JWE, a user token JWT, an Authorization value) are found,
 * ordinary values (XUIDs, GUIDs, session names, base64 of short things, a long random context)
 * are not. A token this process holds is found in any field, whole or a 16-character piece;
 * refusals name the field, never the value.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import {
  assertNoCredentials,
  fieldHoldingCredential,
  holdsCredential,
  refuseCredentialFields,
  rememberToken,
  withoutCredentials,
} from './credential-guard.ts';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQtMDEyMzQ1Njc4OQ.c2lnbmF0dXJl';
const part = (size: number) => randomBytes(size).toString('base64url');
/** Shaped like a real XSTS token: a JWE compact serialisation (header, key, iv, ciphertext, tag). */
const XSTS_JWE = [
  Buffer.from(JSON.stringify({ enc: 'A128CBC+HS256', alg: 'RSA-OAEP', cty: 'JWT', zip: 'DEF' })).toString('base64url'),
  part(256),
  part(16),
  part(512),
  part(16),
].join('.');
/** A JWE with no encrypted key (direct encryption): its second part is empty. */
const DIRECT_JWE = [Buffer.from('{"alg":"dir","enc":"A256GCM"}').toString('base64url'), '', part(12), part(64), part(16)].join('.');

describe('credential shapes', () => {
  it.each([
    ['an XSTS token (JWE, five parts)', XSTS_JWE],
    ['a JWE without an encrypted key', DIRECT_JWE],
    ['a user token (JWT, three parts)', TOKEN],
    ['a bare token inside other text', `ticket ${XSTS_JWE} end`],
    ['an Authorization value', `XBL3.0 x=123;${part(40)}`],
    ['a bearer token', `Bearer ${part(30)}`],
    ['an RPS ticket', `RpsTicket: "d=${part(30)}"`],
  ])('finds %s', (_what, text) => {
    expect(holdsCredential(text)).toBe(true);
    expect(withoutCredentials(text)).not.toContain(text.slice(-20));
  });

  it.each([
    ['an XUID', '2814660000000002'],
    ['a GUID', 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862'],
    ['a session name', 'Weekend-Finals-Lobby-2026.round.2'],
    ['base64 of a short thing', Buffer.from('map=dust;mode=ctf').toString('base64')],
    ['base64 of a JSON context (no dots)', Buffer.from('{"map":"dust","mode":"ctf"}').toString('base64url')],
    ['a long random context string', part(120)],
    ['the placeholder', AUTHORIZATION_PLACEHOLDER],
    ['an email-like label', 'eyJohn.smith@example.com'],
  ])('lets %s through', (_what, text) => {
    expect(holdsCredential(text)).toBe(false);
    expect(withoutCredentials(text)).toBe(text);
  });
});

describe('a token this process holds', () => {
  // Random and not shaped like any credential: only remembering it can find it.
  const held = part(32);
  rememberToken(`XBL3.0 x=1234567890;${held}`);

  it('is found whole or as a 16-character piece, in a value or a key, and the path names the field', () => {
    expect(fieldHoldingCredential({ request: { sessionRef: { name: held } } })).toBe('request.sessionRef.name');
    expect(fieldHoldingCredential({ recipientLabels: { '2814660000000002': `me=${held.slice(3, 19)}` } })).toBe(
      'recipientLabels.2814660000000002',
    );
    expect(fieldHoldingCredential({ recipients: [{ label: 'Alice' }, { label: held }] })).toBe('recipients[1].label');
    expect(fieldHoldingCredential({ labels: { [held]: 'x' } })).toBe('a key of labels');
    expect(fieldHoldingCredential({ notes: held.slice(0, 15), name: 'lobby' })).toBeUndefined();
  });

  it('is refused as VALIDATION naming the field, never the value', () => {
    let thrown: unknown;
    try {
      refuseCredentialFields({ name: 'Friday', notes: `token ${held}` }, 'Not saved');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'VALIDATION', details: { field: 'notes' } });
    expect(String((thrown as Error).message)).toContain('Not saved: the field notes holds an Xbox Live token');
    expect(String((thrown as Error).message)).not.toContain(held.slice(0, 16));
  });

  it('is masked on the way out', () => {
    expect(withoutCredentials(`label ${held} end`)).toBe('label <token> end');
  });
});

describe('assertNoCredentials', () => {
  it('lets a masked request and a long random context string through', () => {
    const body = { type: 'invite', inviteAttributes: { context: 'q8ZxR2mLw0Tb7YpVf3KcN9sHj4UaGd1Eo6IyBnXrWkQzSvMt5Pl' } };
    expect(() => assertNoCredentials({ headers: { Authorization: AUTHORIZATION_PLACEHOLDER }, body }, 'history')).not.toThrow();
  });

  it.each([
    ['a real Authorization header', { headers: { Authorization: `XBL3.0 x=123;${TOKEN}` } }, 'Authorization header holds a real value'],
    ['an XBL3.0 value in the body', { body: { note: `XBL3.0 x=123;${TOKEN}` } }, 'an Xbox Live token or text shaped like one'],
    ['a bearer token in the body', { body: { note: `Bearer ${TOKEN}` } }, 'an Xbox Live token or text shaped like one'],
    ['an RPS ticket in the body', { body: { RpsTicket: `d=${TOKEN}` } }, 'an Xbox Live token or text shaped like one'],
    ['a bare XSTS token in the URL', { url: `https://x/sessions/${XSTS_JWE}` }, 'an Xbox Live token or text shaped like one'],
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
