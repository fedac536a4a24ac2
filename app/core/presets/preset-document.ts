/**
 * The presets file as stored in the data folder: `{ schemaVersion, presets }`, with one
 * explicit upgrade per older version. An upgrade only ever adds or reshapes; nothing the
 * user saved is dropped.
 */
import * as z from '../../shared/zod.ts';
import type { Preset } from '../../shared/presets/preset.ts';
import { presetSchema } from '../../shared/presets/preset.ts';

/**
 * v3 added MPA presets and `service` on every preset. A v2 preset needs no reshaping (without
 * `service` the schema reads it as the MPSD preset it was), but the version still goes up: a
 * v2 build meeting an MPA preset would take it for a damaged entry and set the file aside,
 * while a newer version number makes it open the file read-only and say why (presets-store.ts).
 */
export const PRESET_DOCUMENT_VERSION = 3;

/**
 * v1 (the first release) kept bare XUIDs; v2 gives each recipient a label. Only the
 * changed field is described: the rest is checked by the v2 schema after the upgrade.
 */
const v1PresetSchema = z.looseObject({
  recipientXuids: z.array(z.string()),
});

/** v1 → v2: every XUID becomes a recipient with an empty label, in the same order. */
export function upgradePresetV1toV2(v1: unknown): unknown {
  const parsed = v1PresetSchema.safeParse(v1);
  if (!parsed.success) return v1;
  const { recipientXuids, ...rest } = parsed.data;
  return { ...rest, recipients: recipientXuids.map((xuid) => ({ label: '', xuid })) };
}

export interface ReadPresetDocument {
  presets: Preset[];
  /** Entries that could not be read even after upgrading, by position, with the reason. */
  unreadable: { index: number; reason: string }[];
  /** The version the file had when it was read (0 when there was no file content yet). */
  fileVersion: number;
}

/** Reads a stored document of any known version into current presets. */
export function readPresetDocument(raw: Record<string, unknown>): ReadPresetDocument {
  const hasContent = 'presets' in raw || 'schemaVersion' in raw;
  // A file from before schemaVersion existed is v1: that release wrote no version number.
  const fileVersion = !hasContent ? 0 : typeof raw['schemaVersion'] === 'number' ? raw['schemaVersion'] : 1;
  const list = Array.isArray(raw['presets']) ? (raw['presets'] as unknown[]) : [];
  const presets: Preset[] = [];
  const unreadable: ReadPresetDocument['unreadable'] = [];
  list.forEach((entry, index) => {
    const current = fileVersion <= 1 ? upgradePresetV1toV2(entry) : entry;
    const parsed = presetSchema.safeParse(current);
    if (parsed.success) presets.push(parsed.data);
    else unreadable.push({ index, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  });
  if (hasContent && !Array.isArray(raw['presets'])) unreadable.push({ index: -1, reason: 'presets is not a list' });
  return { presets, unreadable, fileVersion };
}

/** The document to write for these presets. */
export function presetDocument(presets: readonly Preset[]): { schemaVersion: number; presets: Preset[] } {
  return { schemaVersion: PRESET_DOCUMENT_VERSION, presets: [...presets] };
}
