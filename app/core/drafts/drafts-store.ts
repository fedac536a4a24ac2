/**
 * Drafts: named, possibly incomplete forms, saved as the user types and sent later. They
 * live in `outbox.sqlite` beside the outbox (both are unsent work that must survive a
 * restart and must not go when history is cleared). Saving is one prepared UPSERT with
 * synchronous=NORMAL (no fsync per keystroke), and an unchanged form is not written at all.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Draft, DraftSaveInput } from '../../shared/contract/drafts.ts';
import { draftSaveInputSchema, draftSchema } from '../../shared/contract/drafts.ts';
import { recordIdSchema } from '../../shared/contract/common.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { OUTBOX_FILE_NAME, openOutboxFile } from '../outbox/outbox-file.ts';
import { asStorageError } from '../storage/storage-errors.ts';

/** What the drafts store found when it opened, for the start-up notices. */
export interface DraftsStatus {
  /** Set when outbox.sqlite was written by a newer Handle Studio: drafts (and the outbox) are read-only. */
  readOnlyReason?: string;
  /** Drafts whose saved form cannot be read; they stay in the file untouched, and are left out of the list. */
  unreadable: Array<{ id: string; name: string; reason: string }>;
}

export interface DraftsStore {
  readonly status: DraftsStatus;
  /** Creates (no id) or updates a draft; answers it with its id. */
  save(input: DraftSaveInput): Draft;
  /** Every draft, most recently changed first. */
  list(): Draft[];
  /** The drafts whose saved form cannot be read now, most recently changed first. */
  unreadable(): DraftsStatus['unreadable'];
  get(id: string): Draft;
  rename(id: string, name: string): Draft;
  /** True when there was such a draft. */
  delete(id: string): boolean;
  close(): void;
}

interface DraftRow {
  id: string;
  name: string;
  kind: string;
  fields_json: string;
  profile_id: string | null;
  updated_at: number;
}

/** A stored row as a draft, or why it cannot be one (a row damaged on disk or written by another build). */
function readDraft(row: DraftRow): { draft: Draft } | { reason: string } {
  let fields: unknown;
  try {
    fields = JSON.parse(row.fields_json);
  } catch {
    return { reason: 'its saved form is not valid JSON' };
  }
  const checked = draftSchema.safeParse({
    id: row.id,
    name: row.name,
    kind: row.kind,
    fields,
    profileId: row.profile_id ?? undefined,
    updatedAt: new Date(row.updated_at).toISOString(),
  });
  if (checked.success) return { draft: checked.data };
  const issue = checked.error.issues[0];
  return { reason: `${issue?.path.join('.') || 'the draft'}: ${issue?.message ?? 'cannot be read'}` };
}

/** Opens the drafts in the data folder's outbox.sqlite. */
export function openDraftsStore(options: { dataDir: string; now?: () => number }): DraftsStore {
  const opened = openOutboxFile(options.dataDir, 'NORMAL');
  const { db } = opened;
  const now = options.now ?? Date.now;
  const place = {
    what: 'drafts (in the outbox database)',
    path: join(options.dataDir, OUTBOX_FILE_NAME),
    folder: options.dataDir,
    ...(opened.readOnlyReason ? { readOnlyReason: opened.readOnlyReason } : {}),
  };
  /** Disk faults (and writes to a newer build's file) as STORAGE errors with a fix. */
  function guarded<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw asStorageError(error, place);
    }
  }
  const upsert = db.prepare(
    `INSERT INTO drafts (id, name, kind, fields_json, profile_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, fields_json = excluded.fields_json,
       profile_id = excluded.profile_id, updated_at = excluded.updated_at`,
  );
  const byId = db.prepare('SELECT * FROM drafts WHERE id = ?');
  const all = db.prepare('SELECT * FROM drafts ORDER BY updated_at DESC, id');
  const renameRow = db.prepare('UPDATE drafts SET name = ?, updated_at = ? WHERE id = ?');
  const deleteRow = db.prepare('DELETE FROM drafts WHERE id = ?');

  function find(id: string): DraftRow | undefined {
    return byId.get(id) as DraftRow | undefined;
  }

  function get(id: string): Draft {
    const row = guarded(() => find(id));
    if (!row) throw new HandleStudioError('NOT_FOUND', `No draft with id ${id}: it may have been deleted or sent.`);
    const read = readDraft(row);
    if ('reason' in read) {
      throw new HandleStudioError(
        'STORAGE',
        `The draft "${row.name}" cannot be read (${read.reason}). It is kept as it is in ${place.path}; delete it, or update Handle Studio if a newer version saved it.`,
        { id },
      );
    }
    return read.draft;
  }

  function unreadableRows(): DraftsStatus['unreadable'] {
    return (guarded(() => all.all()) as unknown as DraftRow[]).flatMap((row) => {
      const read = readDraft(row);
      return 'reason' in read ? [{ id: row.id, name: row.name, reason: read.reason }] : [];
    });
  }

  const status: DraftsStatus = {
    unreadable: unreadableRows(),
    ...(opened.readOnlyReason ? { readOnlyReason: opened.readOnlyReason } : {}),
  };

  return {
    status,

    save(raw) {
      const input = parseOrThrow(draftSaveInputSchema, raw, 'Draft');
      const fieldsJson = JSON.stringify(input.fields);
      if (input.id) {
        const existing = find(input.id);
        const unchanged =
          existing &&
          existing.name === input.name &&
          existing.kind === input.kind &&
          existing.fields_json === fieldsJson &&
          (existing.profile_id ?? undefined) === input.profileId;
        if (unchanged) return get(existing.id);
      }
      const id = input.id ?? randomUUID();
      const at = now();
      guarded(() => upsert.run(id, input.name, input.kind, fieldsJson, input.profileId ?? null, at));
      return {
        id,
        name: input.name,
        kind: input.kind,
        fields: input.fields,
        profileId: input.profileId,
        updatedAt: new Date(at).toISOString(),
      };
    },

    list() {
      // A row that cannot be read is left out (and named in status), so one bad row never hides the others.
      return (guarded(() => all.all()) as unknown as DraftRow[]).flatMap((row) => {
        const read = readDraft(row);
        return 'draft' in read ? [read.draft] : [];
      });
    },

    get,

    unreadable: unreadableRows,

    rename(id, name) {
      const parsed = parseOrThrow(draftSaveInputSchema.shape.name, name, 'Draft name');
      get(id);
      guarded(() => renameRow.run(parsed, now(), id));
      return get(id);
    },

    delete(id) {
      parseOrThrow(recordIdSchema, id, 'Draft id');
      return Number(guarded(() => deleteRow.run(id)).changes) === 1;
    },

    close() {
      if (db.isOpen) db.close();
    },
  };
}
