/**
 * A preset: a saved activity or invite setup a developer sends again and again (which
 * session, which title attributes, which test accounts). This is the current (v3) shape;
 * the store upgrades older files to it.
 *
 * A preset is for one service, named by `service` (a profile picks one too, and Microsoft
 * advises one per title, mpa.md §6): `mpsd` (a session, invite attributes, one handle per
 * recipient) or `mpa` (a Multiplayer Activity and one invite call for up to 16 recipients).
 * `service` left out means `mpsd`, the only kind there was before v3.
 */
import * as z from '../zod.ts';
import { MPA_LIMITS, mpaActivityIssues, mpaActivityShape, mpaFieldChecks, mpaInviteIssues, mpaInviteShape } from '../mpa/requests.ts';
import { scidSchema, sessionNameSchema, templateNameSchema, xuidSchema } from '../mpsd/ids.ts';
import { titleIdAsTypedSchema } from '../mpsd/title-id-as-typed.ts';
import { hiddenCharacterProblem } from '../visible-text.ts';

export const PRESET_NAME_MAX = 100;
export const PRESET_NOTES_MAX = 2000;
export const PRESET_RECIPIENTS_MAX = 100;
/**
 * An MPA preset is ONE invite call (one History entry, one outbox item), and MPA takes at most
 * 16 invitees per call, so an MPA preset holds at most 16: more is refused, not split.
 */
export const MPA_PRESET_RECIPIENTS_MAX = MPA_LIMITS.invitedUsers;
export const presetServices = ['mpsd', 'mpa'] as const;
export type PresetService = (typeof presetServices)[number];
const LABEL_MAX = 100;
const ATTRIBUTE_MAX = 256;

/**
 * Either a fixed session, or a fresh session name made at each send (for templates where
 * every playtest wants its own session). Written as one object so the messages can say
 * exactly which part is missing.
 */
export const presetSessionRefSchema = z.pipe(
  z
    .strictObject({
      scid: scidSchema,
      templateName: templateNameSchema,
      name: z.optional(sessionNameSchema),
      newNameEachTime: z.optional(z.literal(true, { error: 'newNameEachTime is either true or left out.' })),
    })
    .check(
      z.superRefine((ref, ctx) => {
        if (ref.name === undefined && ref.newNameEachTime !== true) {
          ctx.addIssue({
            code: 'custom',
            path: ['name'],
            message: 'Give a session name, or set newNameEachTime to true for a fresh session at each send.',
          });
        }
        if (ref.name !== undefined && ref.newNameEachTime === true) {
          ctx.addIssue({ code: 'custom', path: ['name'], message: 'Leave the session name out when newNameEachTime is true.' });
        }
      }),
    ),
  z.transform((ref) =>
    ref.newNameEachTime === true
      ? { scid: ref.scid, templateName: ref.templateName, newNameEachTime: true as const }
      : { scid: ref.scid, templateName: ref.templateName, name: ref.name as string },
  ),
);
export type PresetSessionRef = z.output<typeof presetSessionRefSchema>;

const optionalAttribute = (what: string) =>
  z.optional(
    z.pipe(
      z.string().check(z.maxLength(ATTRIBUTE_MAX, { error: `${what} is at most ${ATTRIBUTE_MAX} characters.` })),
      z.transform((value) => (value.trim() === '' ? undefined : value)),
    ),
  );

export const presetInviteAttributesSchema = z.strictObject({
  /** As typed (Partner Center's hex stays hex); made decimal when the invite is built. */
  titleId: titleIdAsTypedSchema,
  context: optionalAttribute('Context').check(
    z.refine((value) => value === undefined || encodeURIComponent(value).length <= 256, {
      error: 'Context must be at most 256 characters once URI-encoded: shorten it.',
    }),
  ),
  contextString: optionalAttribute('Context string'),
  senderString: optionalAttribute('Sender string'),
});

export const presetRecipientSchema = z.strictObject({
  /** How the team knows this account (gamertag, "QA box 3"); may be empty. */
  label: z.string().check(z.trim(), z.maxLength(LABEL_MAX, { error: `A recipient label is at most ${LABEL_MAX} characters.` })),
  xuid: xuidSchema,
});

const presetNameSchema = z
  .string({ error: 'Preset name is required.' })
  .check(
    z.trim(),
    z.minLength(1, { error: 'Preset name is required: give it a name the team will recognise.' }),
    z.maxLength(PRESET_NAME_MAX, { error: `Preset name is at most ${PRESET_NAME_MAX} characters.` }),
  );

function recipientList(max: number, why: string) {
  return z.array(presetRecipientSchema).check(
    z.maxLength(max, { error: `A preset holds at most ${max} recipients (${why}).` }),
    z.refine((list) => new Set(list.map((r) => r.xuid)).size === list.length, {
      error: 'The same XUID is listed twice: remove the duplicate recipient.',
    }),
  );
}

const notesSchema = z.string().check(z.maxLength(PRESET_NOTES_MAX, { error: `Notes are at most ${PRESET_NOTES_MAX} characters.` }));

/** The fields a person edits in an MPSD preset; shared by the editor, the stored file and the team file. */
export const mpsdPresetFieldsShape = {
  service: z._default(z.literal('mpsd'), 'mpsd'),
  name: presetNameSchema,
  sessionRef: presetSessionRefSchema,
  inviteAttributes: presetInviteAttributesSchema,
  recipients: recipientList(PRESET_RECIPIENTS_MAX, 'MPSD takes one invite per recipient'),
  joinAndSetActivityFirst: z.boolean({ error: 'joinAndSetActivityFirst must be true or false.' }),
  notes: notesSchema,
};

/**
 * The activity an MPA preset sets before inviting: the fields of MPA's set call, checked by
 * the same schemas and cross-field rules as the request (app/shared/mpa/requests.ts). The
 * caller's XUID and the sequence number are the sender's, added at send time.
 */
export const mpaPresetActivitySchema = z.strictObject(mpaActivityShape).check(mpaFieldChecks(mpaActivityIssues));
export type MpaPresetActivity = z.output<typeof mpaPresetActivitySchema>;

/** How an MPA preset's invite call goes out (connection string, platform), as MPA's invite request has them. */
export const mpaPresetInviteSchema = z.strictObject(mpaInviteShape).check(mpaFieldChecks(mpaInviteIssues));
export type MpaPresetInvite = z.output<typeof mpaPresetInviteSchema>;

/** The fields a person edits in an MPA preset. */
export const mpaPresetFieldsShape = {
  service: z.literal('mpa'),
  name: presetNameSchema,
  /** As typed (Partner Center's hex stays hex); made decimal when the request is built. */
  titleId: titleIdAsTypedSchema,
  /** Set (or updated) before the invite goes out; left out, the preset only invites. */
  activity: z.optional(mpaPresetActivitySchema),
  invite: z._default(mpaPresetInviteSchema, {}),
  recipients: recipientList(
    MPA_PRESET_RECIPIENTS_MAX,
    'MPA invites at most 16 users per call and an MPA preset sends one call; split the list into two presets',
  ),
  notes: notesSchema,
};

const SERVICE_ERROR = 'service must be mpsd (MPSD handles) or mpa (Multiplayer Activity); left out, it is mpsd.';

const editable = {
  profileId: z.optional(z.string().check(z.maxLength(64, { error: 'Profile id is at most 64 characters.' }))),
  favourite: z.optional(z.boolean()),
};

/**
 * A preset's name, notes and recipient labels are printed on terminals and reach teammates'
 * apps through team files, where a control or direction character (ESC, BEL, U+202E) would act
 * instead of show (app/shared/visible-text.ts): what is typed or imported refuses them, naming
 * the field. Only input: a preset stored before this is read as it is and shown escaped.
 */
export const withoutHiddenCharacters = z.superRefine(
  (preset: { name: string; notes?: string; recipients: readonly { label: string }[] }, ctx) => {
    const check = (path: (string | number)[], value: string, lineBreaks = false) => {
      const problem = hiddenCharacterProblem(value, lineBreaks);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path, message: `This ${problem}.` });
    };
    check(['name'], preset.name);
    if (preset.notes !== undefined) check(['notes'], preset.notes, true);
    preset.recipients.forEach((recipient, index) => check(['recipients', index, 'label'], recipient.label));
  },
);

/** What the editor sends to create or edit a preset (`service` left out: an MPSD preset, as before v3). */
export const presetInputSchema = z
  .discriminatedUnion(
    'service',
    [z.strictObject({ ...mpsdPresetFieldsShape, ...editable }), z.strictObject({ ...mpaPresetFieldsShape, ...editable })],
    { error: SERVICE_ERROR },
  )
  .check(withoutHiddenCharacters);
export type PresetInput = z.input<typeof presetInputSchema>;
export type MpsdPresetInput = Extract<PresetInput, { sessionRef: unknown }>;
export type MpaPresetInput = Extract<PresetInput, { service: 'mpa' }>;

const stored = {
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  profileId: z.optional(z.string().check(z.maxLength(64))),
  favourite: z.boolean(),
  updatedAt: z.iso.datetime({ offset: true }),
};

/** A preset as stored and shown. */
export const presetSchema = z.discriminatedUnion(
  'service',
  [z.strictObject({ ...stored, ...mpsdPresetFieldsShape }), z.strictObject({ ...stored, ...mpaPresetFieldsShape })],
  { error: SERVICE_ERROR },
);
export type Preset = z.output<typeof presetSchema>;
export type MpsdPreset = Extract<Preset, { service: 'mpsd' }>;
export type MpaPreset = Extract<Preset, { service: 'mpa' }>;
