/**
 * The pages of history the History screen has loaded, newest first. A page is appended in
 * place and the ids seen so far are kept as they come, so loading page 40 costs what page 1
 * did (no copy of the list, no set rebuilt from it). Plain TypeScript, so bench/history-list.ts
 * drives it in Node; the feed tells Svelte when it changed.
 */
import type { HistorySummary } from '../../../app/shared/contract/history.ts';

export class HistoryPages {
  readonly entries: HistorySummary[] = [];
  readonly #ids = new Set<string>();

  /** Starts over with a first page. */
  replace(page: readonly HistorySummary[]): void {
    this.entries.length = 0;
    this.#ids.clear();
    this.appendPage(page);
  }

  /** Adds an older page at the end, skipping entries already shown (one recorded while paging may repeat). */
  appendPage(page: readonly HistorySummary[]): void {
    for (const entry of page) {
      if (this.#ids.has(entry.id)) continue;
      this.#ids.add(entry.id);
      this.entries.push(entry);
    }
  }

  /** Puts a just-recorded entry first; false when it is already shown. */
  prepend(entry: HistorySummary): boolean {
    if (this.#ids.has(entry.id)) return false;
    this.#ids.add(entry.id);
    this.entries.unshift(entry);
    return true;
  }
}
