/**
 * A preset: a saved activity or invite setup a developer sends again and again (which
 * session, which title attributes, which test accounts). This is the current (v2) shape;
 * the store upgrades older files to it.
 */
import * as z from '../zod.ts';
import { scidSchema, sessionNameSchema, templateNameSchema, xuidSchema } from '../mpsd/ids.ts';
import { titleIdAsTypedSchema } from '../mpsd/title-id-as-typed.ts';

export const PRESET_NAME_MAX = 100;
export const PRESET_NOTES_MAX = 2000;
export const PRESET_RECIPIENTS_MAX = 100;
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

/** The fields a person edits; shared by the editor, the stored file and the team file. */
export const presetFieldsShape = {
  name: presetNameSchema,
  sessionRef: presetSessionRefSchema,
  inviteAttributes: presetInviteAttributesSchema,
  recipients: z.array(presetRecipientSchema).check(
    z.maxLength(PRESET_RECIPIENTS_MAX, {
      error: `A preset holds at most ${PRESET_RECIPIENTS_MAX} recipients (MPSD takes one invite per recipient).`,
    }),
    z.refine((list) => new Set(list.map((r) => r.xuid)).size === list.length, {
      error: 'The same XUID is listed twice: remove the duplicate recipient.',
    }),
  ),
  joinAndSetActivityFirst: z.boolean({ error: 'joinAndSetActivityFirst must be true or false.' }),
  notes: z.string().check(z.maxLength(PRESET_NOTES_MAX, { error: `Notes are at most ${PRESET_NOTES_MAX} characters.` })),
};

/** What the editor sends to create or edit a preset. */
export const presetInputSchema = z.strictObject({
  ...presetFieldsShape,
  profileId: z.optional(z.string().check(z.maxLength(64, { error: 'Profile id is at most 64 characters.' }))),
  favourite: z.optional(z.boolean()),
});
export type PresetInput = z.input<typeof presetInputSchema>;

/** A preset as stored and shown. */
export const presetSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  ...presetFieldsShape,
  profileId: z.optional(z.string().check(z.maxLength(64))),
  favourite: z.boolean(),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Preset = z.output<typeof presetSchema>;
