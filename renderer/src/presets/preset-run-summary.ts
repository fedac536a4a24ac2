/**
 * What a preset send did, in the words its results panel leads with: one line for the whole
 * send ("3 of 3 invited") and one per step ("Join GameSession/lobby-7: done"), so the user
 * reads the outcome first and opens a step's bodies only when they want them.
 */
import type { SendResult } from '../../../app/shared/contract/requests.ts';
import type { AppError } from '../../../app/shared/errors.ts';

/** The parts of a step's SendRun the words depend on. */
export interface StepSnapshot {
  label: string;
  running: boolean;
  failure?: AppError | undefined;
  result?: SendResult | undefined;
}

export type StepVerdict = 'running' | 'waiting' | 'done' | 'failed' | 'queued' | 'cancelled';

export function stepVerdict(step: StepSnapshot): StepVerdict {
  if (step.running) return 'running';
  if (step.failure !== undefined) return 'failed';
  const result = step.result;
  if (result === undefined) return 'waiting';
  if (result.outcome === 'queued') return 'queued';
  if (result.outcome === 'cancelled') return 'cancelled';
  const failed = result.outcome === 'failed' || result.exchanges.some((exchange) => exchange.error !== undefined);
  return failed ? 'failed' : 'done';
}

/** "3 of 3 invited", with what happened to the rest ("2 of 3 invited, 1 failed"). */
function invitedWords(result: SendResult): string | undefined {
  const invitees = result.invitees;
  if (invitees === undefined || invitees.length === 0) return undefined;
  const count = (state: string) => invitees.filter((invitee) => invitee.state === state).length;
  const rest = [
    [count('queued'), 'queued to the outbox'],
    [count('failed'), 'failed'],
    [count('outcome-unknown'), 'outcome unknown'],
    [count('not-attempted'), 'not attempted'],
  ] as const;
  const others = rest.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return [`${count('sent')} of ${invitees.length} invited`, ...others].join(', ');
}

/** A step's line under its label. */
export function stepWords(step: StepSnapshot): string {
  const verdict = stepVerdict(step);
  const invited = step.result === undefined ? undefined : invitedWords(step.result);
  if (invited !== undefined && verdict !== 'running') return invited;
  switch (verdict) {
    case 'running':
      return 'sending…';
    case 'waiting':
      return 'not attempted';
    case 'queued':
      return 'queued to the outbox';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
    case 'done':
      return 'done';
  }
}

/**
 * The line the panel leads with. The invite step's count when it ran; otherwise why nobody
 * was invited (the step that failed), or what is going on.
 */
export function runSummary(steps: readonly StepSnapshot[], running: boolean): string {
  const current = steps.find((step) => step.running);
  if (running || current !== undefined) return current === undefined ? 'Sending…' : `Sending: ${current.label}…`;
  const invite = steps.at(-1);
  const invited = invite?.result === undefined ? undefined : invitedWords(invite.result);
  if (invite !== undefined && invited !== undefined) return stepVerdict(invite) === 'cancelled' ? `Cancelled: ${invited}` : invited;
  const stopped = steps.find((step) => stepVerdict(step) === 'failed' || stepVerdict(step) === 'cancelled');
  if (stopped !== undefined)
    return `Nobody invited: “${stopped.label}” ${stepVerdict(stopped) === 'cancelled' ? 'was cancelled' : 'failed'}`;
  if (steps.some((step) => stepVerdict(step) === 'queued')) return 'Queued to the outbox: it goes out in order when it can';
  return 'Done';
}
