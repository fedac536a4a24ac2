import { describe, expect, it } from 'vitest';
import type { SendResult } from '../contract/requests.ts';
import { draftFateAfterMpaSend, draftFateAfterSend, draftFateBeforeSend } from './draft-fate.ts';

type Answer = Pick<SendResult, 'outcome' | 'exchanges' | 'invitees' | 'queued'>;
const answered = (error?: { code: 'MPSD_REJECTED'; message: string }) =>
  ({ ...(error ? { error } : {}) }) as SendResult['exchanges'][number];
const invitee = (state: 'sent' | 'failed' | 'queued') => ({ invitedXuid: '2533274800000001', state });

const delivered: Answer = {
  outcome: 'completed',
  exchanges: [answered(), answered()],
  invitees: [invitee('sent'), invitee('sent')],
  queued: 0,
};

describe('sending from a draft', () => {
  it('keeps the draft unless the user asked to remove it, and says so before and after', () => {
    const choice = { name: 'Lobby 7 invites', removeWhenSent: false, unsavedChanges: false };
    expect(draftFateBeforeSend(choice)).toBe('Draft “Lobby 7 invites” is kept as saved.');
    expect(draftFateAfterSend(choice, delivered)).toEqual({ remove: false, words: 'Draft “Lobby 7 invites” was kept as saved.' });
  });

  it('says that unsaved changes are sent but not saved into the draft', () => {
    expect(draftFateBeforeSend({ name: 'D', removeWhenSent: false, unsavedChanges: true })).toBe(
      'Draft “D” is kept as saved. Your changes since it was saved are sent, not saved into it (Update draft saves them).',
    );
  });

  it('removes the draft only when everything in it was sent', () => {
    const choice = { name: 'D', removeWhenSent: true };
    expect(draftFateBeforeSend({ ...choice, unsavedChanges: false })).toBe(
      'Draft “D” is removed once everything in it is sent; if anything fails, is queued or is cancelled, it is kept.',
    );
    expect(draftFateAfterSend(choice, delivered)).toEqual({ remove: true, words: 'Draft “D” was removed: everything in it was sent.' });
    expect(draftFateAfterSend(choice, { outcome: 'completed', exchanges: [answered()], queued: 0 }).remove).toBe(true);
  });

  it.each<[string, Answer, string]>([
    ['queued', { outcome: 'queued', exchanges: [], queued: 2 }, 'it is queued in the outbox, not sent yet'],
    [
      'cancelled',
      { outcome: 'cancelled', exchanges: [answered()], invitees: [invitee('sent'), invitee('queued')], queued: 0 },
      'the send was cancelled',
    ],
    ['failed', { outcome: 'failed', exchanges: [], queued: 0 }, 'the send failed'],
    [
      'partly queued',
      { outcome: 'completed', exchanges: [answered()], invitees: [invitee('sent'), invitee('queued')], queued: 1 },
      '1 request is still queued in the outbox',
    ],
    [
      'partly failed',
      { outcome: 'completed', exchanges: [answered(), answered()], invitees: [invitee('sent'), invitee('failed')], queued: 0 },
      'only 1 of 2 invites went out',
    ],
    [
      'refused by MPSD',
      { outcome: 'completed', exchanges: [answered({ code: 'MPSD_REJECTED', message: '400' })], queued: 0 },
      'MPSD did not accept the request',
    ],
  ])('keeps the draft it was asked to remove when the send is %s', (_case, answer, reason) => {
    expect(draftFateAfterSend({ name: 'D', removeWhenSent: true }, answer)).toEqual({
      remove: false,
      words: `Draft “D” was kept because ${reason}.`,
    });
  });
});

describe('sending from an MPA draft (one call for every invitee)', () => {
  const choice = { name: 'Squad invites', removeWhenSent: true };
  const invitees = (outcome: string) => [
    { xuid: '2814679796296492', outcome },
    { xuid: '2814679796296493', outcome },
  ];

  it('removes the draft when MPA took the call', () => {
    expect(draftFateAfterMpaSend(choice, { queued: 0, invitees: invitees('invited') })).toEqual({
      remove: true,
      words: 'Draft “Squad invites” was removed: everything in it was sent.',
    });
    expect(draftFateAfterMpaSend(choice, { queued: 0 })).toMatchObject({ remove: true });
  });

  it('keeps it, saying why, when the call was queued, refused or its outcome is unknown', () => {
    expect(draftFateAfterMpaSend(choice, { queued: 1, error: { code: 'OFFLINE' }, invitees: invitees('queued') })).toEqual({
      remove: false,
      words: 'Draft “Squad invites” was kept because it is queued in the outbox, not sent yet.',
    });
    expect(draftFateAfterMpaSend(choice, { queued: 0, error: { code: 'MPSD_REJECTED' }, invitees: invitees('not-invited') }).words).toBe(
      'Draft “Squad invites” was kept because the send failed.',
    );
    expect(draftFateAfterMpaSend(choice, { queued: 0, error: { code: 'OUTCOME_UNKNOWN' }, invitees: invitees('unknown') })).toMatchObject({
      remove: false,
      words: expect.stringMatching(/may or may not have taken the call \(check History before sending again\)/),
    });
  });

  it('keeps it as saved when the user did not ask to remove it', () => {
    expect(draftFateAfterMpaSend({ ...choice, removeWhenSent: false }, { queued: 0, invitees: invitees('invited') })).toEqual({
      remove: false,
      words: 'Draft “Squad invites” was kept as saved.',
    });
  });
});
