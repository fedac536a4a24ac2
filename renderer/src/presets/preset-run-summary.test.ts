import { describe, expect, it } from 'vitest';
import type { InviteeResult, SendResult } from '../../../app/shared/contract/requests.ts';
import { runSummary, stepVerdict, stepWords, type StepSnapshot } from './preset-run-summary.ts';

const exchange = {
  kind: 'session.join',
  durationMs: 12,
  request: { method: 'PUT', url: 'http://127.0.0.1/x', headers: {} },
} as unknown as SendResult['exchanges'][number];

function result(outcome: SendResult['outcome'], invitees?: InviteeResult['state'][], failedExchange = false): SendResult {
  return {
    runId: 'r',
    outcome,
    exchanges: [failedExchange ? { ...exchange, error: { code: 'CONFLICT', message: 'm' } } : exchange],
    queued: 0,
    ...(invitees === undefined ? {} : { invitees: invitees.map((state, index) => ({ invitedXuid: String(index + 1), state })) }),
  };
}

const join = (snapshot: Partial<StepSnapshot> = {}): StepSnapshot => ({
  label: 'Join GameSession/lobby-7',
  running: false,
  result: result('completed'),
  ...snapshot,
});
const invite = (snapshot: Partial<StepSnapshot> = {}): StepSnapshot => ({ label: 'Invite 3 people', running: false, ...snapshot });

describe('preset run summary', () => {
  it('leads with the count when everyone was invited', () => {
    const steps = [join(), invite({ result: result('completed', ['sent', 'sent', 'sent']) })];
    expect(runSummary(steps, false)).toBe('3 of 3 invited');
    expect(steps.map(stepWords)).toEqual(['done', '3 of 3 invited']);
  });

  it('says what happened to the rest', () => {
    const steps = [invite({ result: result('completed', ['sent', 'failed', 'outcome-unknown', 'sent']) })];
    expect(runSummary(steps, false)).toBe('2 of 4 invited, 1 failed, 1 outcome unknown');
    expect(steps.map(stepVerdict)).toEqual(['done']);
  });

  it('names the step that stopped the send when nobody was invited', () => {
    const steps = [join({ result: result('completed', undefined, true) }), invite()];
    expect(runSummary(steps, false)).toBe('Nobody invited: “Join GameSession/lobby-7” failed');
    expect(steps.map(stepWords)).toEqual(['failed', 'not attempted']);
    const refused = [join({ result: undefined, failure: { code: 'VALIDATION', message: 'm' } }), invite()];
    expect(runSummary(refused, false)).toBe('Nobody invited: “Join GameSession/lobby-7” failed');
  });

  it('counts invites queued to the outbox', () => {
    const steps = [invite({ result: { ...result('queued', ['queued', 'queued']), queued: 2 } })];
    expect(runSummary(steps, false)).toBe('0 of 2 invited, 2 queued to the outbox');
  });

  it('says which step is running while it runs, and a cancelled send as cancelled', () => {
    expect(runSummary([join({ running: true, result: undefined }), invite()], true)).toBe('Sending: Join GameSession/lobby-7…');
    expect(runSummary([invite({ result: result('cancelled', ['sent', 'not-attempted']) })], false)).toBe(
      'Cancelled: 1 of 2 invited, 1 not attempted',
    );
  });
});
