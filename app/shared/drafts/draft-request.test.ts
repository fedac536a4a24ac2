import { describe, expect, it } from 'vitest';
import { handleRequestSchema, parseHandleRequest } from '../mpsd/requests.ts';
import { requestKinds } from '../mpsd/wire.ts';
import { formatAttributeLines, requestFromDraft } from './draft-request.ts';
import { parseInviteeLines, recipientLabels } from './invitee-lines.ts';

describe('drafts to requests', () => {
  it('reads invitee lines as the Compose form writes them', () => {
    const invitees = parseInviteeLines(['1 Alice', '2, Bob', '3 4;5', '']);
    expect({ xuids: invitees.map((invitee) => invitee.xuid), labels: recipientLabels(invitees) }).toEqual({
      xuids: ['1', '2', '3', '4', '5'],
      labels: { '1': 'Alice', '2': 'Bob' },
    });
  });

  it('leaves blank fields out so the schema says what is required', () => {
    const { request, recipientLabels } = requestFromDraft({
      kind: 'invite.send',
      fields: {
        scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862',
        templateName: 'GameSession',
        sessionName: 'lobby',
        invitees: ['2814679796296491 Alice'],
        titleId: '',
        context: '',
      },
    });
    expect(request).toEqual({
      kind: 'invite.send',
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby' },
      invitedXuids: ['2814679796296491'],
    });
    expect(recipientLabels).toEqual({ '2814679796296491': 'Alice' });
  });
});

const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';
const HANDLE = '6a3f0e1c-4b1e-4a57-9d8e-2f1c0b7a9e11';
const session = { scid: SCID, templateName: 'LobbySession', sessionName: 'lobby-1' };

describe('drafts of the handle calls', () => {
  it('reads a complete form into a valid request of every kind (no kind falls through to a bare { kind })', () => {
    const everyField = {
      ...session,
      invitees: ['2814679796296491 Alice'],
      titleId: '1234',
      handleId: HANDLE,
      ownerXuid: '2814679796296492',
      memberXuid: '2814679796296492',
      queryXuids: '2814679796296491',
      originTemplateName: 'GameSession',
      originSessionName: 'match-7',
    };
    for (const kind of requestKinds) {
      const { request } = requestFromDraft({ kind, fields: everyField });
      expect(handleRequestSchema.safeParse(request).error?.issues ?? [], kind).toEqual([]);
      expect(request.kind).toBe(kind);
    }
  });

  it('joins through a handle as the form typed it, inactive unless asked', () => {
    const fields = { handleId: HANDLE, memberXuid: '2814679796296492' };
    expect(parseHandleRequest(requestFromDraft({ kind: 'handle.join', fields }).request)).toEqual({
      kind: 'handle.join',
      handleId: HANDLE,
      xuid: '2814679796296492',
    });
    expect(requestFromDraft({ kind: 'handle.join', fields: { ...fields, joinActive: true } }).request).toMatchObject({ active: true });
  });

  it('creates a transfer handle from a lobby of the same SCID; the same session twice is refused on the origin', () => {
    const fields = {
      ...session,
      templateName: 'GameSession',
      sessionName: 'match-7',
      originTemplateName: 'LobbySession',
      originSessionName: 'lobby-1',
    };
    expect(parseHandleRequest(requestFromDraft({ kind: 'transfer.create', fields }).request)).toEqual({
      kind: 'transfer.create',
      sessionRef: { scid: SCID, templateName: 'GameSession', name: 'match-7' },
      originSessionRef: { scid: SCID, templateName: 'LobbySession', name: 'lobby-1' },
    });
    const same = handleRequestSchema.safeParse(
      requestFromDraft({
        kind: 'transfer.create',
        fields: { ...session, originTemplateName: 'LobbySession', originSessionName: 'lobby-1' },
      }).request,
    );
    expect(same.error?.issues.map((issue) => issue.path)).toEqual([['originSessionRef', 'name']]);
  });

  it('reads search attributes from the boxes: tags by spaces or commas, one NAME=VALUE a line', () => {
    const draft = requestFromDraft({
      kind: 'search.create',
      fields: {
        ...session,
        searchTags: 'ProRankOnly, Casual',
        searchStrings: 'MapName=Urban City\n\nMode = ctf=2',
        searchNumbers: 'MinLevel=25\nRatio=-1.5e2',
      },
    });
    expect(draft.unreadable).toEqual({});
    expect(parseHandleRequest(draft.request)).toEqual({
      kind: 'search.create',
      sessionRef: { scid: SCID, templateName: 'LobbySession', name: 'lobby-1' },
      searchAttributes: {
        tags: ['ProRankOnly', 'Casual'],
        strings: { MapName: 'Urban City', Mode: 'ctf=2' },
        numbers: { MinLevel: 25, Ratio: -150 },
      },
    });
    expect(formatAttributeLines({ MinLevel: 25, Ratio: -150 })).toBe('MinLevel=25\nRatio=-150');
  });

  it.each([
    ['searchStrings', 'MapName=Urban\nRanked', 'Line 2 (“Ranked”): write NAME=VALUE'],
    ['searchStrings', '=Urban', 'Line 1 (“=Urban”): write NAME=VALUE'],
    ['searchStrings', 'MapName=a\nMapName=b', 'Line 2 (“MapName=b”): MapName is given twice'],
    ['searchNumbers', 'MinLevel=25\nMaxLevel=high', 'Line 2 (“MaxLevel=high”): the value must be a number, e.g. MaxLevel=25'],
    ['searchNumbers', 'MinLevel=', 'Line 1 (“MinLevel=”): the value must be a number'],
  ] as const)('names the line of %s it cannot read (%j), and the request is refused, not sent without it', (field, text, message) => {
    const draft = requestFromDraft({ kind: 'search.create', fields: { ...session, [field]: text } });
    expect(draft.unreadable[field]).toContain(message);
    expect(handleRequestSchema.safeParse(draft.request).success).toBe(false);
  });

  it('searches one template, with the social list only when it is switched on', () => {
    const fields = {
      scid: SCID,
      templateName: 'LobbySession',
      searchFilter: 'numbers/minlevel le 30',
      searchOrderBy: 'numbers/minlevel desc',
      moniker: 'friends',
      monikerXuid: '2814679796296491',
    };
    expect(parseHandleRequest(requestFromDraft({ kind: 'search.query', fields }).request)).toEqual({
      kind: 'search.query',
      scid: SCID,
      templateName: 'LobbySession',
      filter: 'numbers/minlevel le 30',
      orderBy: 'numbers/minlevel desc',
    });
    expect(requestFromDraft({ kind: 'search.query', fields: { ...fields, useMoniker: true } }).request).toMatchObject({
      people: { moniker: 'friends', monikerXuid: '2814679796296491' },
    });
  });
});
