/**
 * `handle-studio history export`: the history as CSV or JSON, the same files the History
 * screen exports, written as history is read (a page at a time), to FILE or to standard
 * output. A file appears only once complete (see writeExportFile); entries hold no token.
 */
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeExport, writeExportFile, type ExportFormat } from '../core/history/history-export.ts';
import { HandleStudioError } from '../shared/errors.ts';
import type { CommandSpec } from './command.ts';
import { historyFilterFlags, historyFilterFromFlags } from './history-command.ts';
import type { CliIo } from './context.ts';
import { text } from './request-flags.ts';

/** --format, or the FILE's extension (.json is JSON), or CSV. */
function formatOf(flag: string | undefined, file: string | undefined): ExportFormat {
  if (flag === undefined) return file?.toLowerCase().endsWith('.json') ? 'json' : 'csv';
  if (flag === 'csv' || flag === 'json') return flag;
  throw new HandleStudioError('VALIDATION', `--format must be csv or json, not "${flag}".`, { field: 'format' });
}

/**
 * Standard output as a stream the export can wait on: the process's own (so a slow pipe holds
 * the reading back), or, where the CLI runs inside a test, its collector.
 */
function stdoutSink(io: CliIo): Writable {
  if (io.stdout instanceof Writable) return io.stdout;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      io.stdout.write(chunk.toString('utf8'));
      done();
    },
  });
}

export const historyExportCommand: CommandSpec = {
  path: ['history', 'export'],
  summary: 'Write history as CSV or JSON (no tokens) to FILE, or to standard output when FILE is "-" or left out.',
  positionals: ['FILE?'],
  flags: {
    format: { type: 'string', value: 'csv|json', help: 'The file format (default: json for a FILE ending in .json, csv otherwise).' },
    ...historyFilterFlags,
  },
  notes: ['Newest first. CSV cells that a spreadsheet would run as a formula start with an apostrophe.'],
  examples: [
    'handle-studio history export history.csv',
    'handle-studio history export --format json --kind invite.send --status error > failed-invites.json',
  ],
  run: async (context, flags, [file]) => {
    const format = formatOf(text(flags, 'format'), file);
    const exported = (await context.studio()).exportHistory(format, historyFilterFromFlags(flags));
    if (file === undefined || file === '-') {
      try {
        await pipeExport(exported, stdoutSink(context.io));
      } catch (error) {
        if (error instanceof HandleStudioError) throw error;
        // A closed pipe (`| head`) or a full disk behind `>`: say so, not an unexplained crash.
        throw new HandleStudioError(
          'STORAGE',
          `Standard output stopped taking the export after ${exported.count} entries: ${(error as Error).message}`,
        );
      }
      return 0;
    }
    const path = resolve(file);
    const count = await writeExportFile(exported, path);
    if (flags['json'] === true) context.printJson({ ok: true, file: path, entries: count });
    else context.say(`Wrote ${count} ${count === 1 ? 'entry' : 'entries'} to ${path}.`);
    return 0;
  },
};
