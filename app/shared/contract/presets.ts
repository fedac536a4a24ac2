/**
 * The presets channels: saved activity/invite setups, edited, favourited, searched, and
 * shared with the team as a JSON file kept in the game's repository.
 */
import * as z from '../zod.ts';
import { presetInputSchema, presetSchema, presetServices } from '../presets/preset.ts';
import { PRESET_FILE_MAX_CHARS } from '../presets/preset-file.ts';
import { recordIdSchema } from './common.ts';
import { channel, event } from './define.ts';

export const presetsStatusSchema = z.object({
  path: z.string(),
  damagedFileMovedTo: z.optional(z.string()),
  unreadablePresets: z.number().check(z.int()),
  upgradedFrom: z.optional(z.object({ version: z.number().check(z.int()), backupPath: z.string() })),
  unsavedChanges: z.boolean(),
  lastSaveError: z.optional(z.string()),
  readOnlyReason: z.optional(z.string()),
});

const presetFileContent = z
  .string()
  .check(z.maxLength(PRESET_FILE_MAX_CHARS, { error: 'The presets file is larger than 5 MB; is this a presets file?' }));

const presetIdInput = z.strictObject({ id: recordIdSchema });

export const presetChannels = {
  listPresets: channel(
    z.strictObject({
      search: z.optional(z.string().check(z.trim(), z.maxLength(200, { error: 'Search text is at most 200 characters.' }))),
      favouritesOnly: z.optional(z.boolean()),
      service: z.optional(z.enum(presetServices, { error: 'service must be mpsd or mpa.' })),
    }),
    z.object({ presets: z.array(presetSchema), status: presetsStatusSchema }),
    'Presets (favourites first, then by name; with service, only that service’s) and the store status the UI warns about.',
  ),
  getPreset: channel(presetIdInput, presetSchema, 'One preset.'),
  createPreset: channel(presetInputSchema, presetSchema, 'Save a new preset.'),
  updatePreset: channel(z.strictObject({ id: recordIdSchema, preset: presetInputSchema }), presetSchema, 'Save changes to a preset.'),
  duplicatePreset: channel(presetIdInput, presetSchema, 'Copy a preset as "<name> (copy)".'),
  deletePreset: channel(presetIdInput, z.object({ deleted: z.literal(true) }), 'Delete a preset.'),
  setPresetFavourite: channel(z.strictObject({ id: recordIdSchema, favourite: z.boolean() }), presetSchema, 'Mark or unmark a favourite.'),
  exportPresets: channel(
    z.strictObject({
      ids: z.optional(z.array(recordIdSchema).check(z.maxLength(1000, { error: 'Export at most 1000 presets at once.' }))),
    }),
    z.object({ fileName: z.string(), content: z.string() }),
    'The team presets file (no ids, no profiles, no credentials).',
  ),
  previewPresetImport: channel(
    z.strictObject({ content: presetFileContent }),
    z.object({ added: z.array(z.string()), replaced: z.array(z.string()), unchanged: z.array(z.string()) }),
    'What importing a team presets file would do, by preset name (new, replaced, unchanged); changes nothing.',
  ),
  importPresets: channel(
    z.strictObject({
      content: presetFileContent,
      replaceExisting: z.boolean({
        error: 'replaceExisting must be true or false: say whether saved presets of the same name may be replaced.',
      }),
    }),
    z.object({
      added: z.number().check(z.int()),
      updated: z.number().check(z.int()),
      unchanged: z.number().check(z.int()),
      presets: z.array(presetSchema),
    }),
    'Import a team presets file: all presets or none; same-named presets are replaced only with replaceExisting.',
  ),
  retrySavePresets: channel(z.strictObject({}), presetsStatusSchema, 'Write presets held in memory after a failed save.'),
} as const;

export const presetEvents = {
  presetsChanged: event(z.object({ count: z.number().check(z.int()) }), 'Presets were added, changed or removed; list them again.'),
} as const;
