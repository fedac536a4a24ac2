import type { HandlersFor } from '../../shared/contract/define.ts';
import type { historyChannels } from '../../shared/contract/history.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { historyExport, writeExportFile, type ExportFormat, type HistoryExport } from './history-export.ts';
import type { HistoryStore } from './history-store.ts';

/**
 * Where the History screen's exports go; the shell that shows the page decides. The export is
 * streamed by core either way, never handed to the page as one string.
 */
export type ExportDestination =
  /** Electron: main asks where (a save dialog) and core writes the file; undefined is "cancelled". */
  | { kind: 'file'; choose(suggestedName: string, format: ExportFormat): Promise<string | undefined> }
  /** Browser mode: the host streams the export from a one-use link it answers with. */
  | { kind: 'download'; offer(exported: HistoryExport): string };

export interface HistoryHandlerDeps {
  history: HistoryStore;
  /** Left out where no page exports (the CLI writes its own files). */
  exportDestination?: ExportDestination;
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
      const exported = historyExport(deps.history, format, filter, now());
      const destination = deps.exportDestination;
      if (destination === undefined) {
        throw new HandleStudioError(
          'VALIDATION',
          'Exports are written by the app or browser mode; from the CLI use `handle-studio history export`.',
        );
      }
      if (destination.kind === 'download') return { outcome: 'download', url: destination.offer(exported), fileName: exported.fileName };
      const path = await destination.choose(exported.fileName, format);
      if (path === undefined) return { outcome: 'cancelled' };
      return { outcome: 'saved', path, count: await writeExportFile(exported, path) };
    },
    getHistoryRetention: async () => deps.history.retention(),
    setHistoryRetention: async (retention) => {
      const removed = deps.history.setRetention(retention);
      return { retention: deps.history.retention(), removed };
    },
  };
}
