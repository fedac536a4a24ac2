/**
 * The History screen's list: filters, keyset paging (older pages appended as the user
 * scrolls), and entries recorded while the screen is open. New entries arrive through
 * `historyAppended` (subscribed while a component reads `entries`); when filters are set
 * they are counted instead of inserted, because only main knows whether they match.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { HistoryFilter, HistoryOutcome, HistorySummary } from '../../../app/shared/contract/history.ts';
import type { AppError } from '../../../app/shared/errors.ts';
import type { RecordedKind } from '../../../app/shared/recorded-kinds.ts';
import { api } from '../api.ts';
import { HistoryPages } from './history-pages.ts';

const PAGE_SIZE = 50;

export class HistoryFeed {
  kind = $state<RecordedKind | ''>('');
  status = $state<HistoryOutcome | ''>('');
  profileId = $state('');
  /** yyyy-mm-dd from the date inputs, in local time. */
  fromDay = $state('');
  toDay = $state('');
  search = $state('');

  /** Changed in place (see history-pages.ts); `#version` tells Svelte it changed. */
  readonly #pages = new HistoryPages();
  #version = $state(0);
  #nextCursor: string | undefined = undefined;
  hasMore = $state(false);
  loading = $state(false);
  loaded = $state(false);
  failure = $state<AppError | undefined>(undefined);
  /** Entries recorded since the list was loaded that may match the filters. */
  unseen = $state(0);
  /** Guards against an older page answer landing after the filters changed. */
  #generation = 0;

  #subscribe = createSubscriber((update) =>
    api.on.historyAppended((summary) => {
      if (this.filtered) this.unseen += 1;
      else if (this.#pages.prepend(summary)) this.#version += 1;
      update();
    }),
  );

  get entries(): readonly HistorySummary[] {
    this.#subscribe();
    // Read so a change of the pages (same array) re-renders the list.
    void this.#version;
    return this.#pages.entries;
  }

  get filtered(): boolean {
    return (
      this.kind !== '' ||
      this.status !== '' ||
      this.profileId !== '' ||
      this.fromDay !== '' ||
      this.toDay !== '' ||
      this.search.trim() !== ''
    );
  }

  /** The filter as the contract takes it; days become local-midnight bounds. */
  get filter(): HistoryFilter {
    const search = this.search.trim();
    return {
      ...(this.kind ? { kinds: [this.kind] } : {}),
      ...(this.status ? { status: this.status } : {}),
      ...(this.profileId ? { profileId: this.profileId } : {}),
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Date for its ISO text, never state
      ...(this.fromDay ? { from: new Date(`${this.fromDay}T00:00:00`).toISOString() } : {}),
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Date for its ISO text, never state
      ...(this.toDay ? { to: new Date(`${this.toDay}T23:59:59.999`).toISOString() } : {}),
      ...(search ? { search } : {}),
    };
  }

  /** Loads the first page for the current filters. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    this.unseen = 0;
    const answer = await api.listHistory({ ...this.filter, limit: PAGE_SIZE });
    if (generation !== this.#generation) return;
    this.loading = false;
    this.loaded = true;
    if (!answer.ok) {
      this.failure = answer.error;
      return;
    }
    this.failure = undefined;
    this.#pages.replace(answer.value.entries);
    this.#version += 1;
    this.#nextCursor = answer.value.nextCursor;
    this.hasMore = answer.value.nextCursor !== undefined;
  }

  /** Appends the next older page. */
  async loadMore(): Promise<void> {
    if (this.loading || this.#nextCursor === undefined) return;
    const generation = this.#generation;
    this.loading = true;
    const answer = await api.listHistory({ ...this.filter, cursor: this.#nextCursor, limit: PAGE_SIZE });
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!answer.ok) {
      this.failure = answer.error;
      return;
    }
    this.#pages.appendPage(answer.value.entries);
    this.#version += 1;
    this.#nextCursor = answer.value.nextCursor;
    this.hasMore = answer.value.nextCursor !== undefined;
  }
}
