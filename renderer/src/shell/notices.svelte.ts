/**
 * The banner area: storage notices core found at start-up (a damaged file kept aside) and errors
 * from screens that have nowhere better to show them. Each notice can be dismissed.
 */
import type { AppError } from '../../../app/shared/errors.ts';
import { api } from '../api.ts';

export interface Notice {
  id: number;
  tone: 'warning' | 'error' | 'info';
  message: string;
  /** An AppError code, shown next to the message. */
  code?: string;
}

export class Notices {
  list = $state<Notice[]>([]);
  #next = 1;

  push(tone: Notice['tone'], message: string, code?: string): void {
    // The same message twice (e.g. a retried call failing again) is one banner, not a stack.
    if (this.list.some((notice) => notice.message === message)) return;
    this.list = [...this.list, { id: this.#next++, tone, message, ...(code === undefined ? {} : { code }) }];
  }

  pushError(error: AppError): void {
    this.push('error', error.message, error.code);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((notice) => notice.id !== id);
  }

  /** A damaged or unreadable store: what happened, and where the old file went unless the message says already. */
  pushStorage(message: string, keptAside?: string): void {
    this.push('warning', keptAside === undefined || message.includes(keptAside) ? message : `${message} (kept aside as ${keptAside})`);
  }

  /** Queued invites that keep failing to go out, as one banner while it lasts; returns the unsubscribe. */
  followOutboxTrouble(): () => void {
    let shown: string | null = null;
    return api.on.outboxTrouble(({ problem }) => {
      this.list = this.list.filter((notice) => notice.message !== shown);
      shown = problem && `Queued invites are not being sent: ${problem.message}`;
      if (shown && problem) this.push('error', shown, problem.code);
    });
  }

  /** What core found wrong with stored files when it started (a damaged file kept aside, interrupted sends), as banners. */
  async showStartupNotices(): Promise<void> {
    const info = await api.getAppInfo({});
    if (!info.ok) return this.pushError(info.error);
    for (const notice of info.value.notices) this.pushStorage(notice.message, notice.keptAside);
  }
}
