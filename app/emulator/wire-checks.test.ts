import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { SCID, TEMPLATE, activityBody, callAs, inviteBody, joinSession, userAt } from './test-calls.fixture.ts';

let mpsd: LocalMpsd;

beforeEach(async () => {
  mpsd = await startLocalMpsd({ rateLimits: false });
});

afterEach(async () => {
  await mpsd.stop();
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function invite(patch: Record<string, unknown>) {
  return { ...inviteBody('2814679796296491'), ...patch };
}

function inviteWithAttributes(attributes: Record<string, unknown>) {
  return invite({ inviteAttributes: { titleId: '1234', ...attributes } });
}

/** Each body breaks one rule of POST /handles; the 400 text must name what was wrong. */
const refusedBodies: Array<[string, unknown, string]> = [
  ['a JSON array', [], 'The request body must be a JSON object.'],
  ['no version', { type: 'invite' }, 'version is required'],
  ['version 2', invite({ version: 2 }), 'version must be the number 1'],
  ['version "1"', invite({ version: '1' }), 'version must be the number 1'],
  ['no type', { version: 1 }, 'type is required'],
  ['type party', invite({ type: 'party' }), 'type "party" is not a handle type'],
  ['an unknown top-level key', invite({ extra: true }), 'extra is not a field MPSD accepts here'],
  ['invitedXuid on an activity', { ...activityBody('lobby'), invitedXuid: '1' }, 'invitedXuid is not a field MPSD accepts here'],
  ['no sessionRef', { version: 1, type: 'activity' }, 'sessionRef must be a JSON object'],
  [
    'a sessionRef with an extra key',
    invite({ sessionRef: { scid: SCID, templateName: TEMPLATE, name: 'x', title: 'y' } }),
    'sessionRef.title is not a field',
  ],
  ['a non-GUID scid', invite({ sessionRef: { scid: 'not-a-guid', templateName: TEMPLATE, name: 'x' } }), 'sessionRef.scid must be a GUID'],
  ['no templateName', invite({ sessionRef: { scid: SCID, name: 'x' } }), 'sessionRef.templateName is required'],
  [
    'a template name with a slash',
    invite({ sessionRef: { scid: SCID, templateName: 'a/b', name: 'x' } }),
    'sessionRef.templateName must be 1 to 99 letters',
  ],
  [
    'a template name of 100 characters',
    invite({ sessionRef: { scid: SCID, templateName: 'a'.repeat(100), name: 'x' } }),
    'sessionRef.templateName must be 1 to 99 letters',
  ],
  ['an invite without a session name', invite({ sessionRef: { scid: SCID, templateName: TEMPLATE } }), 'sessionRef.name is required'],
  [
    'a numeric invitedXuid',
    invite({ invitedXuid: 2814679796296491 }),
    'invitedXuid must be a decimal string such as "2814679796296491", not a JSON number',
  ],
  ['a hex invitedXuid', invite({ invitedXuid: '0x1234' }), 'invitedXuid must hold decimal digits only'],
  ['invitedXuid 0', invite({ invitedXuid: '0' }), 'invitedXuid must not be 0'],
  ['invitedXuid above uint64', invite({ invitedXuid: '18446744073709551616' }), 'invitedXuid is larger than 18446744073709551615'],
  ['invitedXuid with leading zeros', invite({ invitedXuid: '0042' }), 'invitedXuid must not have leading zeros'],
  [
    'no invitedXuid',
    { version: 1, type: 'invite', sessionRef: inviteBody('1').sessionRef, inviteAttributes: { titleId: '1' } },
    'invitedXuid is required',
  ],
  [
    'no inviteAttributes',
    { version: 1, type: 'invite', sessionRef: inviteBody('1').sessionRef, invitedXuid: '5' },
    'inviteAttributes is required on an invite',
  ],
  [
    'a numeric titleId',
    invite({ inviteAttributes: { titleId: 1234 } }),
    'inviteAttributes.titleId must be a decimal string such as "1234", not a JSON number',
  ],
  ['a hex titleId', invite({ inviteAttributes: { titleId: '0x4D2' } }), 'inviteAttributes.titleId must hold decimal digits only'],
  ['a titleId above uint32', invite({ inviteAttributes: { titleId: '4294967296' } }), 'inviteAttributes.titleId is larger than 4294967295'],
  [
    'an empty context',
    inviteWithAttributes({ context: '' }),
    'inviteAttributes.context must be omitted rather than sent as an empty string',
  ],
  ['an empty contextString', inviteWithAttributes({ contextString: '' }), 'inviteAttributes.contextString must be omitted'],
  [
    'a contextString that is free text, not a "///" string id',
    inviteWithAttributes({ contextString: 'Join my raid' }),
    'inviteAttributes.contextString must be the id of a custom invite string ingested for the title',
  ],
  ['an empty senderString', inviteWithAttributes({ senderString: '' }), 'inviteAttributes.senderString must be omitted'],
  ['a numeric context', inviteWithAttributes({ context: 5 }), 'inviteAttributes.context must be a string when present'],
  ['an unknown attribute', inviteWithAttributes({ color: 'red' }), 'inviteAttributes.color is not a field MPSD accepts here'],
  [
    'a context with a lone surrogate',
    inviteWithAttributes({ context: 'bad \ud800 text' }),
    'inviteAttributes.context holds an unpaired UTF-16 surrogate',
  ],
  [
    'a context over 256 once URI-encoded',
    inviteWithAttributes({ context: 'é'.repeat(43) }),
    'inviteAttributes.context is 258 characters after URI encoding; MPSD allows at most 256',
  ],
];

describe('POST /handles refuses malformed bodies with a 400 naming the field', () => {
  it.each(refusedBodies)('refuses %s', async (_what, body, reason) => {
    const answer = await callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles', { body });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(answer.text).toContain(reason);
    expect(answer.headers.get('x-xblcorrelationid')).toMatch(GUID);
    expect(answer.headers.get('ms-cv')).toBeTruthy();
  });

  it('accepts a context of exactly 256 encoded characters and echoes every attribute', async () => {
    const attributes = { titleId: '1234', context: 'a'.repeat(250) + 'é', contextString: '///join', senderString: 'Arena bot' };
    const answer = await callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles', { body: invite({ inviteAttributes: attributes }) });
    expect(answer.status).toBe(201);
    expect((answer.json as { inviteAttributes: unknown }).inviteAttributes).toEqual(attributes);
  });

  it('names the missing and unsupported contract versions', async () => {
    const user = userAt(mpsd, 0);
    const missing = await callAs(mpsd, user, 'POST', '/handles', { body: invite({}), headers: { 'x-xbl-contract-version': null } });
    expect(missing.status).toBe(400);
    expect(missing.text).toBe('The x-xbl-contract-version header is required; send one of 104, 105, 107.');
    const old = await callAs(mpsd, user, 'POST', '/handles', { body: invite({}), headers: { 'x-xbl-contract-version': '103' } });
    expect(old.status).toBe(400);
    expect(old.text).toContain('x-xbl-contract-version "103" is not supported for this call');
    for (const version of ['104', '105']) {
      const accepted = await callAs(mpsd, user, 'POST', '/handles', { body: invite({}), headers: { 'x-xbl-contract-version': version } });
      expect(accepted.status).toBe(201);
    }
  });

  it('needs a JSON Content-Type and a JSON body', async () => {
    const user = userAt(mpsd, 0);
    const noType = await callAs(mpsd, user, 'POST', '/handles', { body: invite({}), headers: { 'Content-Type': null } });
    expect(noType.status).toBe(400);
    expect(noType.text).toContain('Content-Type');
    const textType = await callAs(mpsd, user, 'POST', '/handles', { body: invite({}), headers: { 'Content-Type': 'text/plain' } });
    expect(textType.text).toBe('Content-Type "text/plain" is not accepted; send application/json; charset=utf-8.');
    const broken = await callAs(mpsd, user, 'POST', '/handles', { rawBody: '{"version": 1,' });
    expect(broken.status).toBe(400);
    expect(broken.text).toMatch(/^The request body is not valid JSON/);
    const empty = await callAs(mpsd, user, 'POST', '/handles', { rawBody: '' });
    expect(empty.text).toBe('The request body is empty; send a JSON object.');
  });

  it('refuses a body over 64 KiB with 413 instead of buffering it', async () => {
    const huge = JSON.stringify(inviteWithAttributes({ context: 'a'.repeat(70 * 1024) }));
    const answer = await callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles', { rawBody: huge });
    expect(answer.status).toBe(413);
    expect(answer.text).toContain('larger than 65536 bytes');
  });
});

describe('URIs and methods', () => {
  it('answers 404 for unknown paths and handle ids that are not GUIDs, 405 with Allow for wrong methods', async () => {
    const user = userAt(mpsd, 0);
    const unknown = await callAs(mpsd, user, 'GET', '/sessions');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe("The requested URI wasn't found.");
    const badId = await callAs(mpsd, user, 'GET', '/handles/not-a-guid');
    expect(badId.status).toBe(404);
    expect(badId.text).toBe("The requested handle wasn't found.");
    const badScid = await callAs(mpsd, user, 'GET', `/serviceconfigs/nope/sessionTemplates/${TEMPLATE}/sessions/x`);
    expect(badScid.status).toBe(404);
    expect(badScid.text).toBe("The requested session wasn't found.");
    const wrongMethod = await callAs(mpsd, user, 'GET', '/handles');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('accepts upper-case SCIDs in bodies and stores them lower-case', async () => {
    const user = userAt(mpsd, 0);
    await joinSession(mpsd, user, 'lobby');
    const answer = await callAs(mpsd, user, 'POST', '/handles', { body: activityBody('lobby', SCID.toUpperCase()) });
    expect(answer.status).toBe(201);
    expect((answer.json as { sessionRef: { scid: string } }).sessionRef.scid).toBe(SCID);
  });
});
