import { expect, it } from 'vitest';
import type { HistorySummary } from '../../../app/shared/contract/history.ts';
import { HistoryPages } from './history-pages.ts';

const summary = (id: string): HistorySummary => ({
  id,
  at: '2026-01-01T00:00:00.000Z',
  profileId: 'p1',
  profileName: 'Dev account',
  sandbox: 'XDKS.1',
  kind: 'invite.send',
  method: 'POST',
  url: 'https://sessiondirectory.xboxlive.com/handles',
  outcome: 'ok',
  durationMs: 1,
});
const ids = (pages: HistoryPages) => pages.entries.map((entry) => entry.id);

it('appends older pages in place, skipping entries already shown, and puts new ones first once', () => {
  const pages = new HistoryPages();
  pages.replace([summary('c'), summary('b')]);
  const list = pages.entries;
  // An entry recorded while paging shifts the next page by one: it repeats and is skipped.
  pages.appendPage([summary('b'), summary('a')]);
  expect(ids(pages)).toEqual(['c', 'b', 'a']);
  expect(pages.entries).toBe(list);
  expect(pages.prepend(summary('d'))).toBe(true);
  expect(pages.prepend(summary('d'))).toBe(false);
  expect(ids(pages)).toEqual(['d', 'c', 'b', 'a']);
  pages.replace([summary('a')]);
  expect(ids(pages)).toEqual(['a']);
  pages.appendPage([summary('b')]);
  expect(ids(pages)).toEqual(['a', 'b']);
});
