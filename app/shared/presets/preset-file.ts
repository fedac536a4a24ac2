/**
 * The presets file a team keeps in its game's repository:
 * `{ "format": "handle-studio-presets", "version": 1, "presets": [...] }`. Version 2 is the
 * same with MPA presets (`"service": "mpa"`) in it; a file of MPSD presets only is still
 * written as version 1, byte for byte as before, so teammates on an older build can import it,
 * while an older build refuses a file with MPA presets by its version instead of by its fields.
 * It holds only what a teammate can reuse: no ids, no profile ids, no favourites and never
 * a credential. Import validates the whole file first and names every bad preset and field.
 */
import * as z from '../zod.ts';
import { HandleStudioError } from '../errors.ts';
import { fieldProblems, problemsInWords } from '../validation.ts';
import type { Preset } from './preset.ts';
import { mpaPresetFieldsShape, mpsdPresetFieldsShape, withoutHiddenCharacters } from './preset.ts';

export const PRESET_FILE_FORMAT = 'handle-studio-presets';
/** The version of a file that holds MPA presets; one of MPSD presets only is written as version 1. */
export const PRESET_FILE_VERSION = 2;
const MPSD_ONLY_FILE_VERSION = 1;
/** A team file bigger than this is not a presets file someone wrote by hand. */
export const PRESET_FILE_MAX_CHARS = 5 * 1024 * 1024;
export const PRESET_FILE_MAX_PRESETS = 1000;

/** Notes are optional in a team file: a hand-written preset often has none. */
export const sharedPresetSchema = z
  .discriminatedUnion(
    'service',
    [
      z.strictObject({ ...mpsdPresetFieldsShape, notes: z._default(mpsdPresetFieldsShape.notes, '') }),
      z.strictObject({ ...mpaPresetFieldsShape, notes: z._default(mpaPresetFieldsShape.notes, '') }),
    ],
    {
      error:
        'service must be mpsd (MPSD handles) or mpa (Multiplayer Activity); left out, it is mpsd. Fix the spelling, or remove the preset.',
    },
  )
  .check(withoutHiddenCharacters);
export type SharedPreset = z.output<typeof sharedPresetSchema>;

/** One thing wrong in an imported file, as the import dialog lists it. */
export interface PresetFileProblem {
  /** 1-based position in the file's presets list; absent for the file as a whole. */
  presetNumber?: number;
  presetName?: string;
  field: string;
  message: string;
}

function describe(problem: PresetFileProblem): string {
  const which =
    problem.presetNumber === undefined
      ? 'The file'
      : `Preset ${problem.presetNumber}${problem.presetName ? ` ("${problem.presetName}")` : ''}`;
  return `${which}${problem.field ? `, ${problem.field}` : ''}: ${problem.message}`;
}

/** Every problem in the message (the CLI prints only the message), each sentence ended once, then what happened. */
function refuse(problems: PresetFileProblem[]): never {
  const listed = problemsInWords(problems.map((problem) => ({ where: '', message: describe(problem) })));
  throw new HandleStudioError('VALIDATION', `${listed} Nothing was imported.`, {
    problems: problems.map((problem) => ({ ...problem, text: describe(problem) })),
  });
}

/**
 * Parses a team presets file. Throws VALIDATION listing every problem (each naming the
 * preset and the field) when anything is wrong, so an import is all or nothing.
 */
export function parsePresetFile(text: string): SharedPreset[] {
  if (text.length > PRESET_FILE_MAX_CHARS) {
    refuse([{ field: '', message: `it is larger than ${PRESET_FILE_MAX_CHARS / 1024 / 1024} MB; is this a presets file?` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    refuse([{ field: '', message: 'it is not valid JSON. Check for a missing comma or quote near where it was last edited.' }]);
  }
  const envelope = z
    .strictObject({
      format: z.literal(PRESET_FILE_FORMAT, { error: `format must be "${PRESET_FILE_FORMAT}": this is not a Handle Studio presets file.` }),
      version: z.literal([MPSD_ONLY_FILE_VERSION, PRESET_FILE_VERSION], {
        error: `version must be ${MPSD_ONLY_FILE_VERSION} or ${PRESET_FILE_VERSION}; a file from a newer Handle Studio needs that version to import.`,
      }),
      presets: z
        .array(z.unknown(), { error: 'presets must be a list.' })
        .check(z.maxLength(PRESET_FILE_MAX_PRESETS, { error: `A presets file holds at most ${PRESET_FILE_MAX_PRESETS} presets.` })),
    })
    .safeParse(json);
  if (!envelope.success) refuse(fieldProblems(envelope.error));

  const problems: PresetFileProblem[] = [];
  const presets: SharedPreset[] = [];
  const seenNames = new Map<string, number>();
  envelope.data.presets.forEach((candidate, index) => {
    const presetNumber = index + 1;
    const rawName = (candidate as { name?: unknown } | null)?.name;
    const presetName = typeof rawName === 'string' ? rawName.trim().slice(0, 100) : undefined;
    const parsed = sharedPresetSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const problem of fieldProblems(parsed.error)) problems.push({ presetNumber, presetName, ...problem });
      return;
    }
    const key = parsed.data.name.toLowerCase();
    const earlier = seenNames.get(key);
    if (earlier !== undefined) {
      problems.push({
        presetNumber,
        presetName,
        field: 'name',
        message: `the same name as preset ${earlier}: names must be unique in a file.`,
      });
      return;
    }
    seenNames.set(key, presetNumber);
    presets.push(parsed.data);
  });
  if (problems.length > 0) refuse(problems);
  return presets;
}

/**
 * What a teammate can reuse of a preset: its ids, profile and favourite left out. An MPSD
 * preset is written without `service`, exactly as before MPA presets existed.
 */
export function sharedFieldsOf(preset: Preset | SharedPreset): Record<string, unknown> {
  if (preset.service === 'mpa') {
    return {
      service: preset.service,
      name: preset.name,
      titleId: preset.titleId,
      ...(preset.activity === undefined ? {} : { activity: preset.activity }),
      invite: preset.invite,
      recipients: preset.recipients,
      notes: preset.notes,
    };
  }
  return {
    name: preset.name,
    sessionRef: preset.sessionRef,
    inviteAttributes: preset.inviteAttributes,
    recipients: preset.recipients,
    joinAndSetActivityFirst: preset.joinAndSetActivityFirst,
    notes: preset.notes,
  };
}

/** The team file for these presets (ids, profile ids and favourites left out), as pretty JSON. */
export function formatPresetFile(presets: readonly Preset[]): string {
  const shared = presets.map(sharedFieldsOf);
  const version = presets.some((preset) => preset.service === 'mpa') ? PRESET_FILE_VERSION : MPSD_ONLY_FILE_VERSION;
  return `${JSON.stringify({ format: PRESET_FILE_FORMAT, version, presets: shared }, null, 2)}\n`;
}
