import { describe, expect, it } from 'vitest';
import { HandleStudioError } from '../errors.ts';
import { parseHandleRequest } from './requests.ts';

const SESSION_REF = { scid: 'BD6C41C3-01C3-468A-A3B5-3E0FE8133862', templateName: 'GameSession', name: 'lobby-7' };
const ME = '2814679796296491';

/** The VALIDATION message parseHandleRequest throws for `input`. */
function problem(input: unknown): string {
  try {
    parseHandleRequest(input);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(HandleStudioError);
    expect((thrown as HandleStudioError).code).toBe('VALIDATION');
    return (thrown as HandleStudioError).message;
  }
  throw new Error('expected the request to be refused');
}

const invite = (fields: Record<string, unknown>) => ({
  kind: 'invite.send',
  sessionRef: SESSION_REF,
  invitedXuids: ['1234567'],
  titleId: '1234',
  ...fields,
});

describe('invite.send', () => {
  it('normalises: hex title id to decimal, duplicate invitees once in first-seen order; the SCID keeps its case', () => {
    const request = parseHandleRequest(invite({ invitedXuids: ['7', '0007', '12', '7'], titleId: '0x4D2' }));
    expect(request).toMatchObject({
      titleId: '1234',
      invitedXuids: ['7', '12'],
      sessionRef: { scid: 'BD6C41C3-01C3-468A-A3B5-3E0FE8133862' },
    });
    // Core parses what the CLI already parsed: a second parse changes nothing.
    expect(parseHandleRequest(request)).toEqual(request);
  });

  it('takes a custom invite string id only with its /// prefix, and says what it is for', () => {
    expect(parseHandleRequest(invite({ contextString: '///JoinMyRaid' }))).toMatchObject({ contextString: '///JoinMyRaid' });
    for (const contextString of ['JoinMyRaid', '//JoinMyRaid', '///', '///join my raid', `///${'x'.repeat(97)}`]) {
      expect(problem(invite({ contextString })), contextString).toContain(
        'custom invite string defined at ingestion, written with its "///" prefix',
      );
    }
  });

  it('labels senderString as the sender name a service shows', () => {
    expect(problem(invite({ senderString: 42 }))).toContain('when a service, not a user, sends the invite');
  });

  it('treats blank optional attributes as not set', () => {
    const request = parseHandleRequest(invite({ context: '', contextString: '', senderString: '' }));
    expect(request).toMatchObject({ context: undefined, contextString: undefined, senderString: undefined });
  });

  it('refuses an empty list, more than 100 different invitees, and inviting yourself', () => {
    expect(problem(invite({ invitedXuids: [] }))).toContain('Add at least one person to invite');
    const many = Array.from({ length: 101 }, (_, index) => String(index + 1));
    expect(problem(invite({ invitedXuids: many }))).toContain('this list has 101 different XUIDs');
    // 100 different ones plus repeats is fine: duplicates are removed before counting.
    expect(() => parseHandleRequest(invite({ invitedXuids: [...many.slice(0, 100), '1', '2'] }))).not.toThrow();
    expect(problem(invite({ invitedXuids: ['5', ME], senderXuid: ME }))).toBe(
      `invitedXuids: You cannot invite yourself: remove the sender's XUID ${ME} from the invitees.`,
    );
  });

  it('limits context to 256 characters once URI-encoded and says how long it is', () => {
    expect(() => parseHandleRequest(invite({ context: 'a'.repeat(256) }))).not.toThrow();
    expect(problem(invite({ context: 'a'.repeat(257) }))).toContain('Invite context is 257 characters once URI-encoded; MPSD allows 256');
    // A space becomes %20: 86 spaces are 258 encoded characters.
    expect(problem(invite({ context: ' '.repeat(86) }))).toContain('is 258 characters');
    expect(problem(invite({ context: 'x\uD800' }))).toContain('broken Unicode character');
  });

  it('names the field of a bad XUID or title id', () => {
    expect(problem(invite({ invitedXuids: ['12', 'abc'] }))).toMatch(/^invitedXuids\.1: XUID must be decimal digits/);
    expect(problem(invite({ titleId: '0x1FFFFFFFF' }))).toContain('is not a 32-bit number');
  });

  it('refuses unknown fields', () => {
    expect(problem(invite({ invitedXuid: '1' }))).toContain('"invitedXuid"');
  });
});

describe('activity.set', () => {
  it('needs a session name unless MPSD is asked to name the session', () => {
    const unnamed = { scid: SESSION_REF.scid, templateName: 'GameSession' };
    expect(problem({ kind: 'activity.set', sessionRef: unnamed })).toContain('set letServiceNameSession: true');
    expect(parseHandleRequest({ kind: 'activity.set', sessionRef: unnamed, letServiceNameSession: true })).toMatchObject({
      sessionRef: { templateName: 'GameSession' },
    });
    expect(problem({ kind: 'activity.set', sessionRef: SESSION_REF, letServiceNameSession: true })).toContain('Leave the session name out');
  });

  it("refuses names that could change the URL or that Microsoft's client cannot hold", () => {
    for (const name of ['../x', 'a/b', 'lobby 7', 'lobby%2F7', 'lobby~7', 'lobby?x']) {
      expect(problem({ kind: 'activity.set', sessionRef: { ...SESSION_REF, name } }), name).toContain(
        "may only hold letters, digits, '-', '_' and '.'",
      );
    }
    for (const name of ['.', '..']) {
      expect(problem({ kind: 'activity.set', sessionRef: { ...SESSION_REF, name } }), name).toContain('cannot be "." or ".."');
    }
    expect(problem({ kind: 'activity.set', sessionRef: { ...SESSION_REF, name: 'n'.repeat(100) } })).toContain('at most 99 characters');
    expect(problem({ kind: 'activity.set', sessionRef: { ...SESSION_REF, templateName: 'Game Session' } })).toContain(
      'Template name may only hold',
    );
  });

  it('accepts what MPSD names look like: dots, underscores, mixed case, kept as typed', () => {
    const sessionRef = { scid: SESSION_REF.scid, templateName: 'Lobby.v2_107', name: 'XWIN_7ce12e85.Night-1...' };
    expect(parseHandleRequest({ kind: 'activity.set', sessionRef })).toMatchObject({ sessionRef });
    expect(parseHandleRequest({ kind: 'activity.set', sessionRef: { ...sessionRef, name: 'n'.repeat(99) } })).toBeDefined();
  });
});

describe('activity.query', () => {
  it('takes xuids or people, never both and never neither', () => {
    const scid = SESSION_REF.scid;
    expect(parseHandleRequest({ kind: 'activity.query', scid, people: { moniker: 'favorites', monikerXuid: ME } })).toMatchObject({
      people: { moniker: 'favorites' },
    });
    expect(problem({ kind: 'activity.query', scid, xuids: [ME], people: { moniker: 'people', monikerXuid: ME } })).toContain('not both');
    expect(problem({ kind: 'activity.query', scid })).toContain('Say whose activities to find');
    expect(problem({ kind: 'activity.query', scid, people: { moniker: 'followers', monikerXuid: ME } })).toContain(
      'people, favorites, friends',
    );
  });
});

describe('other kinds', () => {
  it('accepts each with its own fields', () => {
    const handleId = '47CA0049-A5BA-4BC1-AA22-FCF834CE4C13';
    expect(parseHandleRequest({ kind: 'handle.get', handleId })).toEqual({ kind: 'handle.get', handleId: handleId.toLowerCase() });
    expect(parseHandleRequest({ kind: 'session.join', sessionRef: SESSION_REF, xuid: ME })).toMatchObject({ xuid: ME });
    expect(parseHandleRequest({ kind: 'activity.clear', scid: SESSION_REF.scid, ownerXuid: ME })).toMatchObject({ ownerXuid: ME });
  });

  it('lists the kinds when the kind is unknown', () => {
    expect(problem({ kind: 'invite' })).toContain('kind must be one of activity.set');
  });
});
