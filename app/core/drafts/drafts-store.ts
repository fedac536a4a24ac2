/**
 * Drafts: named, possibly incomplete forms, saved as the user types and sent later. They
 * live in `outbox.sqlite` beside the outbox (both are unsent work that must survive a
 * restart and must not go when history is cleared). Saving is one prepared UPSERT with
 * synchronous=NORMAL (no fsync per keystroke), and an unchanged form is not written at all.
 */
import { randomUUID } from 'node:crypto';
import type { Draft, DraftSaveInput } from '../../shared/contract/drafts.ts';
import { draftSaveInputSchema } from '../../shared/contract/drafts.ts';
import { recordIdSchema } from '../../shared/contract/common.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import type { RequestKind } from '../../shared/mpsd/wire.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { openOutboxFile } from '../outbox/outbox-file.ts';

export interface DraftsStore {
  /** Creates (no id) or updates a draft; answers it with its id. */
  save(input: DraftSaveInput): Draft;
  /** Every draft, most recently changed first. */
  list(): Draft[];
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

function toDraft(row: DraftRow): Draft {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as RequestKind,
    fields: JSON.parse(row.fields_json) as Draft['fields'],
    profileId: row.profile_id ?? undefined,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Opens the drafts in the data folder's outbox.sqlite. */
export function openDraftsStore(options: { dataDir: string; now?: () => number }): DraftsStore {
  const { db } = openOutboxFile(options.dataDir, 'NORMAL');
  const now = options.now ?? Date.now;
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
    const row = find(id);
    if (!row) throw new HandleStudioError('NOT_FOUND', `No draft with id ${id}: it may have been deleted or sent.`);
    return toDraft(row);
  }

  return {
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
        if (unchanged) return toDraft(existing);
      }
      const id = input.id ?? randomUUID();
      const at = now();
      upsert.run(id, input.name, input.kind, fieldsJson, input.profileId ?? null, at);
      return { id, name: input.name, kind: input.kind, fields: input.fields, profileId: input.profileId, updatedAt: new Date(at).toISOString() };
    },

    list() {
      return (all.all() as unknown as DraftRow[]).map(toDraft);
    },

    get,

    rename(id, name) {
      const parsed = parseOrThrow(draftSaveInputSchema.shape.name, name, 'Draft name');
      get(id);
      renameRow.run(parsed, now(), id);
      return get(id);
    },

    delete(id) {
      parseOrThrow(recordIdSchema, id, 'Draft id');
      return Number(deleteRow.run(id).changes) === 1;
    },

    close() {
      if (db.isOpen) db.close();
    },
  };
}
