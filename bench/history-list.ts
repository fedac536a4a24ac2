/**
 * The History screen's list logic, driven in Node: `node bench/history-list.ts`. Prints
 * figures; asserts nothing.
 *
 * Loads 40 pages of 50 entries the way the screen does (each older page appended, entries
 * already shown skipped) and times each page, with HistoryPages (appended in place, the ids
 * kept as they come) side by side with the way it was done before (a copy of the whole list
 * and a set of its ids rebuilt for every page). Goal (issue 12): page 40 costs what page 1 does.
 * What Svelte then renders is not measured here: the keyed list adds only the page's rows.
 */
import type { HistorySummary } from '../app/shared/contract/history.ts';
import { HistoryPages } from '../renderer/src/history/history-pages.ts';

const PAGES = 40;
const PAGE_SIZE = 50;
const ROUNDS = 200;

function page(index: number): HistorySummary[] {
  return Array.from({ length: PAGE_SIZE }, (_, n) => {
    const seq = index * PAGE_SIZE + n;
    return {
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      at: new Date(Date.parse('2026-01-01T00:00:00Z') - seq * 1500).toISOString(),
      profileId: 'p1',
      profileName: 'Dev account',
      sandbox: 'XDKS.1',
      kind: 'invite.send',
      invitedXuid: String(2814679796296491 + seq),
      recipientLabel: `Tester ${seq}`,
      method: 'POST',
      url: 'https://sessiondirectory.xboxlive.com/handles',
      status: 201,
      outcome: 'ok',
      durationMs: 80,
    };
  });
}

const pages = Array.from({ length: PAGES }, (_, index) => page(index));

/** The list logic before: a new array and a rebuilt set of ids for every page. */
function copying(): (entries: HistorySummary[]) => void {
  let list: HistorySummary[] = [];
  return (entries) => {
    const known = new Set(list.map((entry) => entry.id));
    list = [...list, ...entries.filter((entry) => !known.has(entry.id))];
  };
}

function inPlace(): (entries: HistorySummary[]) => void {
  const list = new HistoryPages();
  return (entries) => list.appendPage(entries);
}

/** Median µs per page at each page number, over ROUNDS fresh lists. */
function perPage(make: () => (entries: HistorySummary[]) => void): number[] {
  const samples = pages.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    const load = make();
    for (const [index, entries] of pages.entries()) {
      const start = performance.now();
      load(entries);
      samples[index]!.push((performance.now() - start) * 1000);
    }
  }
  return samples.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!);
}

// Warm-up, so the first figures are not the compiler's.
perPage(copying);
perPage(inPlace);
const before = perPage(copying);
const after = perPage(inPlace);
console.log(`History list: ${PAGES} pages of ${PAGE_SIZE}, median of ${ROUNDS} rounds, µs per page`);
console.log('  page   copy + set rebuild (before)   in place (HistoryPages)');
for (const index of [0, 9, 19, 29, 39]) {
  console.log(`  ${String(index + 1).padStart(4)}   ${before[index]!.toFixed(1).padStart(27)}   ${after[index]!.toFixed(1).padStart(23)}`);
}
const ratio = after[PAGES - 1]! / after[0]!;
console.log(
  `  page ${PAGES} / page 1: before ${(before[PAGES - 1]! / before[0]!).toFixed(1)}x, now ${ratio.toFixed(1)}x (goal: the same cost, ~1x)`,
);
