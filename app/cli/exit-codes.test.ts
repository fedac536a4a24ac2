import { describe, expect, it } from 'vitest';
import type { OutboxFlushSummary } from '../shared/contract/outbox.ts';
import type { InviteeResult, SendResult } from '../shared/contract/requests.ts';
import { errorCodes, type ErrorCode } from '../shared/errors.ts';
import { exitCodeFor, exitCodeForFlush, exitCodeForSend } from './exit-codes.ts';

/** The table the README promises scripts; a change here is a breaking change for them. */
const promised: Record<number, ErrorCode[]> = {
  3: ['VALIDATION'],
  4: ['NO_CREDENTIALS', 'TOKEN_EXPIRED', 'UNAUTHORIZED', 'KEYCHAIN_UNAVAILABLE', 'SIGN_IN_FAILED'],
  5: ['MPSD_REJECTED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED', 'THROTTLED'],
  6: ['OFFLINE', 'TIMEOUT', 'SERVICE_UNAVAILABLE'],
  7: ['OUTCOME_UNKNOWN'],
};

function invitee(state: InviteeResult['state'], code?: ErrorCode): InviteeResult {
  return { invitedXuid: '2814679796296491', state, ...(code === undefined ? {} : { error: { code, message: code } }) };
}

function send(partial: Partial<SendResult>): SendResult {
  return { runId: 'run-1', outcome: 'completed', exchanges: [], queued: 0, ...partial };
}

const exchange = (code?: ErrorCode) => ({
  kind: 'handle.get' as const,
  request: { method: 'GET' as const, url: 'http://127.0.0.1/handles/x', headers: {} },
  startedAt: '2026-01-01T00:00:00Z',
  durationMs: 3,
  ...(code === undefined ? {} : { error: { code, message: code } }),
});

describe('exit codes', () => {
  it.each(Object.entries(promised).flatMap(([exit, codes]) => codes.map((code) => [code, Number(exit)] as const)))(
    '%s exits %i',
    (code, exit) => {
      expect(exitCodeFor(code)).toBe(exit);
    },
  );

  it('gives every error code an exit code other than 0 and 2', () => {
    for (const code of errorCodes) {
      expect(exitCodeFor(code), code).not.toBe(0);
      expect(exitCodeFor(code), code).not.toBe(2);
    }
  });

  it('a fan-out where every invitee got the invite exits 0', () => {
    expect(exitCodeForSend(send({ invitees: [invitee('sent'), invitee('sent')] }))).toBe(0);
  });

  it('a fan-out where some got it and some did not exits 7 (re-running would invite twice)', () => {
    expect(exitCodeForSend(send({ invitees: [invitee('sent'), invitee('failed', 'FORBIDDEN')] }))).toBe(7);
  });

  it('an invite that may or may not have arrived exits 7 even when nothing else was sent', () => {
    expect(exitCodeForSend(send({ invitees: [invitee('outcome-unknown', 'OUTCOME_UNKNOWN')] }))).toBe(7);
  });

  it('a fan-out where nobody got the invite exits with the reason of the first failure', () => {
    expect(exitCodeForSend(send({ invitees: [invitee('failed', 'NOT_FOUND'), invitee('failed', 'FORBIDDEN')] }))).toBe(5);
    expect(exitCodeForSend(send({ outcome: 'failed', error: { code: 'OFFLINE', message: 'offline' } }))).toBe(6);
  });

  it('invitees held in the outbox count as done, and a queued send exits 0', () => {
    expect(exitCodeForSend(send({ invitees: [invitee('sent'), invitee('queued')], queued: 1 }))).toBe(0);
    expect(exitCodeForSend(send({ outcome: 'queued', queued: 3, error: { code: 'OFFLINE', message: 'offline' } }))).toBe(0);
  });

  it('a single call exits with its error, or 0 when it succeeded', () => {
    expect(exitCodeForSend(send({ exchanges: [exchange()] }))).toBe(0);
    expect(exitCodeForSend(send({ exchanges: [exchange('NOT_FOUND')] }))).toBe(5);
    expect(exitCodeForSend(send({ exchanges: [exchange('TIMEOUT')] }))).toBe(6);
  });

  it('an outbox flush exits 0 when all went, 6 when items wait for the network, 7 when some failed', () => {
    const counts = { queued: 0, sending: 0, sent: 0, failed: 0, 'outcome-unknown': 0 };
    const flush = (partial: Partial<OutboxFlushSummary>): OutboxFlushSummary => ({
      attempted: 2,
      sent: 2,
      failed: 0,
      retryLater: 0,
      outcomeUnknown: 0,
      cancelled: false,
      counts,
      ...partial,
    });
    expect(exitCodeForFlush(flush({}))).toBe(0);
    expect(exitCodeForFlush(flush({ sent: 0, retryLater: 2 }))).toBe(6);
    expect(exitCodeForFlush(flush({ sent: 1, failed: 1 }))).toBe(7);
  });
});
