/**
 * Sends one invite per invitee, a few at a time, paced by the user's rate budget so MPSD is
 * never hammered into 429s. Every invitee gets exactly one truthful result, in input order:
 * sent (with its handle id), failed (MPSD said no, or nothing could be sent), outcome-unknown
 * (it may have landed; never re-sent automatically) or not-attempted (cancelled or stopped
 * before it went out, so it is safe to send again).
 */
import type { AppError, ErrorCode } from '../../shared/errors.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import type { MpsdExchange, WireRequest } from '../../shared/mpsd/wire.ts';
import type { MpsdClient } from './client.ts';
import type { RateBudget } from './rate-budget.ts';

export type FanOutState = 'sent' | 'failed' | 'outcome-unknown' | 'not-attempted';

export interface FanOutResult {
  invitedXuid: string;
  state: FanOutState;
  exchange?: MpsdExchange;
  handleId?: string;
  error?: AppError;
}

export interface FanOutProgress {
  done: number;
  total: number;
  last: FanOutResult;
}

export interface FanOutOptions {
  client: MpsdClient;
  budget: RateBudget;
  /** Invites in flight at once. Default 4; 1 sends strictly one after another. */
  concurrency?: number;
  /** Stops starting new invites; those already handed to the network finish (see SendOptions). */
  signal?: AbortSignal;
  onProgress?: (progress: FanOutProgress) => void;
}

/**
 * Failures that will repeat for every remaining invitee: stop instead of burning the budget.
 * THROTTLED / SERVICE_UNAVAILABLE come after the client spent its retries on one invitee (or
 * MPSD asked for a wait too long to sit through): going on would only feed a 429 storm.
 * STORAGE: the journal that keeps invites exactly-once cannot be written.
 */
const STOPPING_CODES: ReadonlySet<ErrorCode> = new Set([
  'UNAUTHORIZED',
  'NO_CREDENTIALS',
  'TOKEN_EXPIRED',
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
  'STORAGE',
]);
/** The invite never left this machine: cancelled before it went out, or it could not be journaled. */
const NOT_SENT_CODES: ReadonlySet<ErrorCode> = new Set(['CANCELLED', 'STORAGE']);
const MAX_CONCURRENCY = 16;

function resultOf(invitedXuid: string, exchange: MpsdExchange): FanOutResult {
  const { error } = exchange;
  if (error === undefined) {
    const result: FanOutResult = { invitedXuid, state: 'sent', exchange };
    if (exchange.handleId !== undefined) result.handleId = exchange.handleId;
    return result;
  }
  const state: FanOutState =
    error.code === 'OUTCOME_UNKNOWN' ? 'outcome-unknown' : NOT_SENT_CODES.has(error.code) ? 'not-attempted' : 'failed';
  return { invitedXuid, state, exchange, error };
}

/**
 * Sends `wires` (built by `inviteSend`) and resolves with one result per wire, in input
 * order. Never rejects for a failed invite; throws VALIDATION only for bad options or a wire
 * that is not an invite.
 */
export async function runFanOut(wires: readonly WireRequest[], options: FanOutOptions): Promise<FanOutResult[]> {
  const { client, budget, signal, onProgress } = options;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new HandleStudioError(
      'VALIDATION',
      `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${String(concurrency)}).`,
    );
  }
  const invitees = wires.map((wire, index) => {
    if (wire.kind !== 'invite.send' || wire.invitedXuid === undefined) {
      throw new HandleStudioError('VALIDATION', `Request ${index + 1} is not an invite with an invitee; build the list with inviteSend.`);
    }
    return wire.invitedXuid;
  });

  const results = new Array<FanOutResult | undefined>(wires.length);
  let next = 0;
  let done = 0;
  let stoppedBy: AppError | undefined;

  const settle = (index: number, result: FanOutResult) => {
    results[index] = result;
    done += 1;
    onProgress?.({ done, total: wires.length, last: result });
  };

  const notAttempted = (index: number): FanOutResult => {
    const error: AppError = stoppedBy
      ? {
          code: stoppedBy.code,
          message: `Not attempted (safe to send again): the send stopped after an earlier invite failed with ${stoppedBy.code} (${stoppedBy.message})`,
        }
      : { code: 'CANCELLED', message: 'Not sent: the send was cancelled before this invite went out.' };
    return { invitedXuid: invitees[index] as string, state: 'not-attempted', error };
  };

  async function worker(): Promise<void> {
    for (;;) {
      const index = next;
      if (index >= wires.length) return;
      next += 1;
      if (signal?.aborted || stoppedBy !== undefined) {
        settle(index, notAttempted(index));
        continue;
      }
      const sendOptions = signal === undefined ? { budget } : { budget, signal };
      const exchange = await client.send(wires[index] as WireRequest, sendOptions);
      const result = resultOf(invitees[index] as string, exchange);
      if (result.error !== undefined && STOPPING_CODES.has(result.error.code)) stoppedBy ??= result.error;
      settle(index, result);
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, wires.length) }, () => worker()));
  return results as FanOutResult[];
}
