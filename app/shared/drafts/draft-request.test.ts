import { describe, expect, it } from 'vitest';
import { requestFromDraft } from './draft-request.ts';
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
      fields: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', sessionName: 'lobby', invitees: ['2814679796296491 Alice'], titleId: '', context: '' },
    });
    expect(request).toEqual({
      kind: 'invite.send',
      sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby' },
      invitedXuids: ['2814679796296491'],
    });
    expect(recipientLabels).toEqual({ '2814679796296491': 'Alice' });
  });
});
