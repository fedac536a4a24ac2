/**
 * One send from Compose (or a preset, or a resend): a fresh runId, progress events for that
 * run as they arrive, the SendResult at the end, and Cancel while it runs.
 */
import type { SendResult, InviteeResult } from '../../../app/shared/contract/requests.ts';
import type { AppError } from '../../../app/shared/errors.ts';
import type { HandleRequestInput } from '../../../app/shared/mpsd/requests.ts';
import type { RequestKind } from '../../../app/shared/mpsd/wire.ts';
import { api } from '../api.ts';

export interface SendOrder {
  request: HandleRequestInput;
  recipientLabels?: Record<string, string>;
  profileId?: string;
  queueIfUnavailable?: boolean;
}

export class SendRun {
  runId = $state<string | undefined>(undefined);
  running = $state(false);
  cancelling = $state(false);
  done = $state(0);
  total = $state(0);
  /** Invitees that have an answer, in the order the answers came. */
  answered = $state<InviteeResult[]>([]);
  result = $state<SendResult | undefined>(undefined);
  /** The call itself failed (invalid input, core unreachable): nothing was sent. */
  failure = $state<AppError | undefined>(undefined);
  /** What the last send was (its kind, and the profile when one was named), to follow what it queued. */
  sent = $state<{ kind: RequestKind; profileId?: string } | undefined>(undefined);

  /** Sends and resolves when core answers; progress fills in meanwhile. */
  async send(order: SendOrder): Promise<void> {
    if (this.running) return;
    const runId = crypto.randomUUID();
    this.runId = runId;
    this.running = true;
    this.cancelling = false;
    this.done = 0;
    this.total = order.request.kind === 'invite.send' ? order.request.invitedXuids.length : 1;
    this.answered = [];
    this.result = undefined;
    this.failure = undefined;
    this.sent = { kind: order.request.kind, ...(order.profileId === undefined ? {} : { profileId: order.profileId }) };
    // Subscribe before sending so the first invitee's answer cannot arrive unheard.
    const stop = api.on.requestProgress((progress) => {
      if (progress.runId !== runId) return;
      this.done = progress.done;
      this.total = progress.total;
      if (progress.last) this.answered = [...this.answered, progress.last];
    });
    try {
      const answer = await api.sendRequest({
        runId,
        request: order.request,
        ...(order.profileId === undefined ? {} : { profileId: order.profileId }),
        ...(order.recipientLabels && Object.keys(order.recipientLabels).length > 0 ? { recipientLabels: order.recipientLabels } : {}),
        // Always explicit: core queues by default when the flag is left out.
        queueIfUnavailable: order.queueIfUnavailable === true,
      });
      if (answer.ok) this.result = answer.value;
      else this.failure = answer.error;
    } finally {
      stop();
      this.running = false;
      this.cancelling = false;
    }
  }

  /** Asks core to stop; invitees not yet attempted come back as not-attempted. */
  async cancel(): Promise<void> {
    if (!this.running || this.runId === undefined) return;
    this.cancelling = true;
    const answer = await api.cancelRequest({ runId: this.runId });
    if (!answer.ok) {
      this.cancelling = false;
      this.failure = answer.error;
    }
  }

  clear(): void {
    if (this.running) return;
    this.result = undefined;
    this.failure = undefined;
    this.answered = [];
  }
}
