/**
 * How the invitee's actions send: each step is one request through the app's own send path
 * (history, rate budgets, the invite journal that keeps an invite from going out twice), and
 * its answer becomes a step with status, correlation id, time and, when MPSD refused, MPSD's
 * own words.
 */
import { randomUUID } from 'node:crypto';
import type { ExchangeView } from '../../shared/contract/common.ts';
import type { InviteeStep } from '../../shared/contract/invitee.ts';
import type { SendResult } from '../../shared/contract/requests.ts';
import { toAppError } from '../../shared/errors.ts';
import { parseHandleRequest, type HandleRequestInput } from '../../shared/mpsd/requests.ts';
import type { SendInput } from '../requests/send-service.ts';

/** MPSD's answer body is kept in a step up to this many characters. */
const MPSD_SAID_MAX = 500;

export type Send = (input: SendInput) => Promise<SendResult>;

/** Who a step runs as: the profile id for sending, a name for the report. */
export interface Actor {
  profileId: string;
  name: string;
}

export interface StepOutcome {
  step: InviteeStep;
  /** The last exchange of the step (the one whose answer matters), when anything went out. */
  exchange?: ExchangeView;
  result?: SendResult;
}

/**
 * Sends `request` as `actor` and describes it as a step named `name`. Never queued: a round
 * trip must know now whether each step worked. Never throws: a refusal before the network
 * (no token, a deleted profile) is a failed step like any other.
 */
export async function sendStep(send: Send, actor: Actor, name: string, request: HandleRequestInput): Promise<StepOutcome> {
  const startedAt = new Date().toISOString();
  let result: SendResult;
  try {
    result = await send({
      runId: randomUUID(),
      profileId: actor.profileId,
      request: parseHandleRequest(request),
      queueIfUnavailable: false,
    });
  } catch (thrown) {
    const error = toAppError(thrown);
    return { step: { name, as: actor.name, status: 'failed', startedAt, durationMs: 0, code: error.code, message: error.message } };
  }
  const exchanges = result.exchanges;
  const last = exchanges.at(-1);
  const failure =
    result.error ??
    exchanges.find((exchange) => exchange.error !== undefined)?.error ??
    result.invitees?.find((invitee) => invitee.error)?.error;
  const step: InviteeStep = {
    name,
    as: actor.name,
    status: failure === undefined && result.outcome === 'completed' ? 'passed' : 'failed',
    startedAt: exchanges[0]?.startedAt ?? startedAt,
    durationMs: exchanges.reduce((total, exchange) => total + exchange.durationMs, 0),
  };
  if (last?.response !== undefined) step.httpStatus = last.response.status;
  if (last?.correlationId !== undefined) step.correlationId = last.correlationId;
  if (step.status === 'failed') {
    step.message = failure?.message ?? `The send ended ${result.outcome}.`;
    if (failure !== undefined) step.code = failure.code;
    const said = last?.response?.body.trim();
    if (said) step.mpsdSaid = said.slice(0, MPSD_SAID_MAX);
  }
  return { step, ...(last === undefined ? {} : { exchange: last }), result };
}

/** A step that failed for a reason found in the answer, not the call (e.g. B missing from A's session). */
export function failedBecause(outcome: StepOutcome, message: string): StepOutcome {
  return { ...outcome, step: { ...outcome.step, status: 'failed', message } };
}

/** The steps a stopped run did not reach, listed so a report shows the whole plan. */
export function skipped(planned: ReadonlyArray<readonly [name: string, as: string]>): InviteeStep[] {
  return planned.map(([name, as]) => ({ name, as, status: 'skipped' as const, message: 'Not run: an earlier step failed.' }));
}
