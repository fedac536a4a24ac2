import type { HandlersFor } from '../../shared/contract/define.ts';
import type { historyChannels } from '../../shared/contract/history.ts';
import type { HistoryStore } from './history-store.ts';

export interface HistoryHandlerDeps {
  history: HistoryStore;
  /** For the export file name; injectable so names are predictable in tests. */
  now?: () => number;
}

/** The history channels, answered from the store (inputs are already parsed by the dispatcher). */
export function createHistoryHandlers(deps: HistoryHandlerDeps): HandlersFor<typeof historyChannels> {
  const now = deps.now ?? Date.now;
  return {
    listHistory: async (input) => deps.history.list(input),
    getHistoryEntry: async ({ id }) => deps.history.get(id),
    exportHistory: async ({ format, filter }) => {
      const stamp = new Date(now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
      const exported = format === 'csv' ? deps.history.exportCsv(filter) : deps.history.exportJson(filter);
      return {
        fileName: `handle-studio-history-${stamp}.${format}`,
        mediaType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
        content: exported.content,
        count: exported.count,
      };
    },
    getHistoryRetention: async () => deps.history.retention(),
    setHistoryRetention: async (retention) => {
      const removed = deps.history.setRetention(retention);
      return { retention: deps.history.retention(), removed };
    },
  };
}
