import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../../app/shared/contract/outbox.ts';
import { claimItems, nextAttemptWords, queuedInWords, queuedProgress, queuedRequests } from './queued-send.ts';

const profileId = '6f1c2a56-0000-4000-8000-000000000001';
const now = Date.parse('2026-11-25T12:00:00Z');
const A = '2533274800000001';
const B = '2533274800000002';

function item(id: string, overrides: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id,
    createdAt: '2026-11-25T11:59:00.000Z',
    updatedAt: '2026-11-25T11:59:00.000Z',
    profileId,
    kind: 'invite.send',
    request: {},
    state: 'queued',
    attempts: 0,
    ...overrides,
  };
}

describe('a queued send', () => {
  it('claims the newest items of its profile, kind and invitees, one each', () => {
    const items = [
      item('older-a', { invitedXuid: A, createdAt: '2026-11-25T11:00:00.000Z' }),
      item('ours-a', { invitedXuid: A }),
      item('ours-b', { invitedXuid: B }),
      item('other-profile', { invitedXuid: A, profileId: 'someone-else', createdAt: '2026-11-25T11:59:30.000Z' }),
      item('sent-earlier', { invitedXuid: B, state: 'sent', createdAt: '2026-11-25T10:00:00.000Z' }),
    ];
    const requests = queuedRequests('invite.send', {
      queued: 2,
      invitees: [
        { invitedXuid: A, state: 'queued' },
        { invitedXuid: B, state: 'queued' },
        { invitedXuid: '2533274800000003', state: 'sent' },
      ],
    });
    expect(claimItems(items, profileId, requests)).toEqual(['ours-a', 'ours-b']);
  });

  it('is neutral while queued and says when the next attempt is', () => {
    const items = [
      item('a', { nextAttemptAt: '2026-11-25T12:00:40.000Z', lastError: { code: 'OFFLINE', message: 'No route' } }),
      item('b', { nextAttemptAt: '2026-11-25T12:00:20.000Z' }),
    ];
    const words = queuedInWords(queuedProgress(['a', 'b'], items), now);
    expect(words.tone).toBe('neutral');
    expect(words.headline).toBe('Queued in the outbox (2 requests)');
    expect(words.detail).toMatch(/^Next automatic attempt at .+; Flush now in the Outbox tries at once\.$/);
    expect(words.detail).toContain(
      new Date('2026-11-25T12:00:20.000Z').toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    );
  });

  it('says it waits for a token, not for time, while the profile has none', () => {
    expect(
      nextAttemptWords({ nextAttemptAt: '2026-11-25T12:00:40.000Z', waitingBecause: { code: 'NO_CREDENTIALS', message: 'No token' } }, now),
    ).toBe('Paused until the profile has a valid token: it goes out once you paste one or sign in, in Profiles.');
  });

  it('says on the Outbox screen itself just "Flush now"', () => {
    expect(nextAttemptWords({}, now, true)).toBe(
      'It goes out automatically as soon as the network and a valid token are back; Flush now tries at once.',
    );
  });

  it('says it is paused, not retrying, while the profile\u2019s token is refused', () => {
    const refused = { code: 'UNAUTHORIZED' as const, message: 'MPSD refused the token' };
    expect(queuedInWords(queuedProgress(['a'], [item('a', { lastError: refused })]), now).detail).toBe(
      'Paused: MPSD refused the profile\u2019s token. It goes out once you paste a fresh token or sign in again in Profiles.',
    );
  });

  it('follows the outbox as it delivers', () => {
    const ids = ['a', 'b'];
    expect(queuedInWords(queuedProgress(ids, [item('a', { state: 'sent' }), item('b')]), now)).toMatchObject({
      headline: '1 of 2 sent by the outbox, 1 waiting',
      tone: 'neutral',
    });
    expect(queuedInWords(queuedProgress(ids, [item('a', { state: 'sent' }), item('b', { state: 'sent' })]), now)).toMatchObject({
      headline: 'Delivered by the outbox (2 of 2 sent)',
      tone: 'ok',
    });
    expect(queuedInWords(queuedProgress(ids, [item('a', { state: 'sent' }), item('b', { state: 'outcome-unknown' })]), now)).toMatchObject({
      headline: '1 of 2 sent by the outbox, 1 with unknown outcome',
      tone: 'warning',
    });
    expect(queuedInWords(queuedProgress(ids, [item('a', { state: 'sent' })]), now).headline).toBe('1 of 2 sent by the outbox, 1 dismissed');
  });
});
