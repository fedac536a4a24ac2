import { describe, expect, it } from 'vitest';
import { buildWireRequests } from './builders.ts';
import { previewRequest, shellQuote, toCurl, toHttpFile } from './http-export.ts';
import { parseHandleRequest } from './requests.ts';
import { AUTHORIZATION_PLACEHOLDER } from './wire.ts';

const SESSION_REF = { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' };
const BASE = 'https://sessiondirectory.xboxlive.com/';

const invites = (context: string) =>
  buildWireRequests(
    parseHandleRequest({ kind: 'invite.send', sessionRef: SESSION_REF, invitedXuids: ['111', '222'], titleId: 1234, context }),
  );

describe('previewRequest', () => {
  it('shows the full URL, every header in send order and the body as sent, with the placeholder', () => {
    const [wire] = invites("it's {{on}}");
    const preview = previewRequest(wire!, BASE, 105, 'fr-FR');
    expect(preview.url).toBe('https://sessiondirectory.xboxlive.com/handles');
    expect(Object.entries(preview.headers)).toEqual([
      ['Authorization', AUTHORIZATION_PLACEHOLDER],
      ['x-xbl-contract-version', '105'],
      ['Accept-Language', 'fr-FR'],
      ['Content-Type', 'application/json; charset=utf-8'],
    ]);
    expect(JSON.parse(preview.body!)).toEqual(wire!.body);
  });

  it('refuses settings that would change where or how the request goes', () => {
    const [wire] = invites('x');
    expect(() => previewRequest(wire!, 'ftp://example.com', 107, 'en-US')).toThrow(/must start with https:\/\//);
    expect(() => previewRequest(wire!, 'https://user:pw@example.com', 107, 'en-US')).toThrow(/user name or password/);
    expect(() => previewRequest(wire!, BASE, 106 as 107, 'en-US')).toThrow(/104, 105 or 107/);
  });
});

describe('toCurl', () => {
  it('quotes a value holding a single quote so the shell passes it through unchanged', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const curl = toCurl(invites("it's on"), BASE, 107, 'en-US');
    expect(curl).toContain(`--data-raw '{"version":1,"type":"invite"`);
    expect(curl).toContain(`"context":"it'\\''s on"`);
    expect(curl).toContain(`--header 'Authorization: ${AUTHORIZATION_PLACEHOLDER}'`);
    // One command per invitee.
    expect(curl.match(/^curl /gm)).toHaveLength(2);
  });
});

describe('toHttpFile', () => {
  it('writes one titled request per invitee with headers, a blank line and the body', () => {
    const file = toHttpFile(invites('room 7'), BASE, 107, 'en-US');
    const [first] = file.split('\n###');
    expect(first?.split('\n')).toEqual([
      '### invite.send to 111',
      'POST https://sessiondirectory.xboxlive.com/handles',
      `Authorization: ${AUTHORIZATION_PLACEHOLDER}`,
      'x-xbl-contract-version: 107',
      'Accept-Language: en-US',
      'Content-Type: application/json; charset=utf-8',
      '',
      expect.stringContaining('"invitedXuid":"111"'),
      '',
    ]);
  });

  it('keeps {{ in a value from being read as a variable, without changing the JSON', () => {
    const file = toHttpFile(invites('{{level}}')[0]!, BASE, 107);
    const body = file.split('\n').find((line) => line.startsWith('{'))!;
    expect(body).not.toContain('{{');
    expect(JSON.parse(body).inviteAttributes.context).toBe('{{level}}');
  });
});

describe('contract versions per call', () => {
  const search = buildWireRequests(parseHandleRequest({ kind: 'search.query', scid: SESSION_REF.scid, templateName: 'GameSession' }));

  it("sends a call with the profile's version when the call supports it", () => {
    for (const version of [104, 105, 107] as const) {
      expect(previewRequest(invites('x')[0]!, BASE, version, 'en-US').headers['x-xbl-contract-version']).toBe(String(version));
    }
    expect(previewRequest(search[0]!, BASE, 107, 'en-US').headers['x-xbl-contract-version']).toBe('107');
  });

  it('refuses a transfer or search call with 104/105, naming the version to choose', () => {
    for (const version of [104, 105] as const) {
      expect(() => previewRequest(search[0]!, BASE, version, 'en-US')).toThrow(
        `A search.query request is sent with contract version 107 only, not ${version}: choose 107`,
      );
    }
  });
});
