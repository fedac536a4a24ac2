/**
 * The drafts channels: a named, possibly incomplete form, saved as the user types and sent
 * later (the form's fields are validated into a request only at send time). A draft is an
 * MPSD request or an MPA one (its kind says which: `mpa.*`); see app/shared/drafts/.
 */
import * as z from '../zod.ts';
import { mpaKinds } from '../mpa/requests.ts';
import { requestKinds } from '../mpsd/wire.ts';
import { recordIdSchema } from './common.ts';
import { channel } from './define.ts';
import { hiddenCharacterProblem } from '../visible-text.ts';

export const DRAFT_FIELD_MAX = 50;
const FIELD_TEXT_MAX = 4000;
const FIELD_LIST_MAX = 100;

/** Every kind a draft can be: MPSD's requests, then MPA's. */
export const draftKinds = [...requestKinds, ...mpaKinds] as const;
export type DraftKind = (typeof draftKinds)[number];

const draftNameSchema = z.string({ error: 'Draft name is required.' }).check(
  z.trim(),
  z.minLength(1, { error: 'Draft name is required: give the draft a name you will recognise.' }),
  z.maxLength(100, { error: 'Draft name is at most 100 characters.' }),
  // Printed on terminals and listed in the app: see app/shared/visible-text.ts.
  z.superRefine((name, ctx) => {
    const problem = hiddenCharacterProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `Draft name ${problem}.` });
  }),
);

/** Form fields as typed: text, a list of texts (e.g. invitee XUIDs), or a switch. */
export const draftFieldsSchema = z
  .record(
    z.string().check(z.minLength(1), z.maxLength(64, { error: 'Field names are at most 64 characters.' })),
    z.union(
      [
        z.string().check(z.maxLength(FIELD_TEXT_MAX, { error: `A draft field holds at most ${FIELD_TEXT_MAX} characters.` })),
        z
          .array(z.string().check(z.maxLength(FIELD_TEXT_MAX, { error: `A draft field holds at most ${FIELD_TEXT_MAX} characters.` })))
          .check(z.maxLength(FIELD_LIST_MAX, { error: `A list field holds at most ${FIELD_LIST_MAX} entries.` })),
        z.boolean(),
      ],
      { error: 'A draft field must be text, a list of texts, or true/false.' },
    ),
  )
  .check(
    z.refine((fields) => Object.keys(fields).length <= DRAFT_FIELD_MAX, {
      error: `A draft has at most ${DRAFT_FIELD_MAX} fields.`,
    }),
  );

export const draftSaveInputSchema = z.strictObject({
  /** Absent for a new draft; the answer carries the id to use from then on. */
  id: z.optional(recordIdSchema),
  name: draftNameSchema,
  kind: z.enum(draftKinds, { error: `Draft kind must be one of: ${draftKinds.join(', ')}.` }),
  fields: draftFieldsSchema,
  profileId: z.optional(recordIdSchema),
});
export type DraftSaveInput = z.input<typeof draftSaveInputSchema>;

export const draftSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(draftKinds),
  fields: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.boolean()])),
  profileId: z.optional(z.string()),
  updatedAt: z.string(),
});
export type Draft = z.output<typeof draftSchema>;

export const draftChannels = {
  listDrafts: channel(
    z.strictObject({}),
    z.object({
      drafts: z.array(draftSchema),
      /** Drafts whose saved form cannot be read: kept in the file, named here so asking for one by name says so. */
      unreadable: z.array(z.object({ id: z.string(), name: z.string(), reason: z.string() })),
    }),
    'Every draft, most recently changed first, and those that cannot be read.',
  ),
  getDraft: channel(z.strictObject({ id: recordIdSchema }), draftSchema, 'One draft, to open it in its form.'),
  saveDraft: channel(draftSaveInputSchema, draftSchema, 'Create or update a draft (called as the user types).'),
  renameDraft: channel(z.strictObject({ id: recordIdSchema, name: draftNameSchema }), draftSchema, 'Give a draft a new name.'),
  deleteDraft: channel(z.strictObject({ id: recordIdSchema }), z.object({ deleted: z.boolean() }), 'Delete a draft.'),
} as const;
