import { describe, expect, it } from 'vitest';
import { joinabilityOf, readHandleDocument, readHandleQueryAnswer } from './handle-document.ts';
import { sessionRefFromPath } from './session-ref.ts';

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const ref = (name: string) => ({ scid: SCID, templateName: 'GameSession', name });

describe('readHandleDocument', () => {
  it('reads every documented field of an invite handle, XUIDs and title ids as decimal strings', () => {
    const handle = readHandleDocument({
      id: '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13',
      type: 'invite',
      version: 1,
      sessionRef: ref('lobby-7'),
      titleId: 1234,
      invitedXuid: '2814679796296492',
      senderXuid: 2814679796296491,
      expiration: '2026-12-01T12:00:00Z',
      createTime: '2026-12-01T10:00:00Z',
      inviteProtocol: 'game',
      inviteAttributes: { titleId: '1234', context: 'room=7' },
      inviteInfo: { sender: 'kept in raw' },
    });
    expect(handle).toMatchObject({
      type: 'invite',
      sessionRef: ref('lobby-7'),
      titleId: '1234',
      invitedXuid: '2814679796296492',
      senderXuid: '2814679796296491',
      expiration: '2026-12-01T12:00:00Z',
      inviteAttributes: { context: 'room=7' },
      inviteInfo: { sender: 'kept in raw' },
      joinability: { verdict: 'unknown' },
    });
  });

  it('leaves out a field of an unexpected type instead of failing the whole document', () => {
    const handle = readHandleDocument({
      id: 42,
      type: 'activity',
      titleId: 'not-a-number',
      relatedInfo: { closed: 'yes', membersCount: 2, maxMembersCount: 8 },
    });
    expect(handle).toMatchObject({
      id: undefined,
      type: 'activity',
      titleId: 'not-a-number',
      relatedInfo: { closed: undefined, membersCount: 2 },
    });
    expect(readHandleDocument('not an object')).toBeUndefined();
  });

  it('keeps custom properties and search attributes', () => {
    const handle = readHandleDocument({
      type: 'search',
      searchAttributes: { tags: ['elite'], strings: { Class: 'A' }, numbers: { Skill: 10.5 } },
      customProperties: { Map: 'Helmand Valley' },
    });
    expect(handle).toMatchObject({
      searchAttributes: { tags: ['elite'], strings: { Class: 'A' }, numbers: { Skill: 10.5 } },
      customProperties: { Map: 'Helmand Valley' },
    });
  });
});

describe('joinability', () => {
  const open = { visibility: 'open', joinRestriction: 'none', closed: false, membersCount: 1, maxMembersCount: 10 };

  it('an open, unrestricted session with room is joinable, whatever the case MPSD writes values in', () => {
    expect(joinabilityOf(open)).toEqual({ verdict: 'joinable', reasons: [], summary: 'joinable' });
    // XSAPI's fixtures: "joinRestriction": "None", "Open".
    expect(readHandleDocument({ relatedInfo: { ...open, visibility: 'Open', joinRestriction: 'None' } })?.joinability.verdict).toBe(
      'joinable',
    );
  });

  it('says each reason a session cannot be joined: closed, full, visibility', () => {
    expect(joinabilityOf({ ...open, closed: true }).summary).toBe('not joinable: closed');
    expect(joinabilityOf({ ...open, membersCount: 10 }).summary).toBe('not joinable: full (10/10)');
    expect(joinabilityOf({ ...open, visibility: 'private' }).summary).toBe(
      'not joinable: visibility private (members and reserved users only)',
    );
    expect(joinabilityOf({ ...open, visibility: 'visible' }).summary).toContain('needs a reservation');
    expect(joinabilityOf({ ...open, visibility: 'full', membersCount: 10 }).reasons).toEqual(['full (10/10)']);
    expect(joinabilityOf({ ...open, closed: true, membersCount: 12, joinRestriction: 'followed' }).reasons).toEqual([
      'closed',
      'full (12/10)',
      'join restriction followed (only users a member follows)',
    ]);
  });

  it('a search handle is the way past a join restriction: it does not restrict a search result', () => {
    const info = { ...open, joinRestriction: 'local' };
    expect(readHandleDocument({ type: 'search', relatedInfo: info })?.joinability.verdict).toBe('joinable');
    expect(readHandleDocument({ type: 'search', relatedInfo: { ...info, closed: true } })?.joinability.summary).toBe(
      'not joinable: closed',
    );
    expect(readHandleDocument({ type: 'activity', relatedInfo: info })?.joinability.verdict).toBe('restricted');
  });

  it('a join restriction admits only some users: restricted, not refused', () => {
    expect(readHandleDocument({ relatedInfo: { ...open, joinRestriction: 'Local' } })?.joinability).toEqual({
      verdict: 'restricted',
      reasons: ['join restriction local (only users on a device of an active member)'],
      summary: 'restricted: join restriction local (only users on a device of an active member)',
    });
  });
});

describe('readHandleQueryAnswer', () => {
  it("reads each result in MPSD's order and skips what is not a handle", () => {
    const handles = readHandleQueryAnswer({ results: [{ id: 'a', relatedInfo: { closed: true } }, 7, { id: 'b' }] });
    expect(handles.map((handle) => [handle.id, handle.joinability.verdict])).toEqual([
      ['a', 'not-joinable'],
      ['b', 'unknown'],
    ]);
    expect(readHandleQueryAnswer({})).toEqual([]);
    expect(readHandleQueryAnswer(null)).toEqual([]);
  });
});

describe('sessionRefFromPath', () => {
  it('reads the session from Content-Location, in the case MPSD writes the path', () => {
    expect(sessionRefFromPath(`/serviceconfigs/${SCID}/sessiontemplates/GameSession/sessions/Lobby.7`)).toEqual(ref('Lobby.7'));
    expect(
      sessionRefFromPath(`https://sessiondirectory.xboxlive.com/serviceconfigs/${SCID}/sessionTemplates/GameSession/sessions/lobby-7`),
    ).toEqual(ref('lobby-7'));
  });

  it('is undefined for anything that is not a valid session path', () => {
    for (const location of [
      undefined,
      '',
      '/handles/x',
      `/serviceconfigs/${SCID}/sessiontemplates/GameSession/sessions/..`,
      '/serviceconfigs/not-a-guid/sessiontemplates/t/sessions/n',
    ]) {
      expect(sessionRefFromPath(location), String(location)).toBeUndefined();
    }
  });
});
