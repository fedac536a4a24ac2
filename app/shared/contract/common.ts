/** Schemas that several contract modules share. */
import * as z from '../zod.ts';
import { errorCodes } from '../errors.ts';
import { requestKinds } from '../mpsd/wire.ts';

export const appErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.optional(z.record(z.string(), z.unknown())),
});

const sessionRefViewSchema = z.object({ scid: z.string(), templateName: z.string(), name: z.string() });

/** One MPSD call as the response viewer and history show it (Authorization already masked). */
export const exchangeSchema = z.object({
  kind: z.enum(requestKinds),
  request: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.optional(z.string()),
  }),
  response: z.optional(
    z.object({
      status: z.number().check(z.int()),
      headers: z.record(z.string(), z.string()),
      body: z.string(),
      json: z.optional(z.unknown()),
    }),
  ),
  correlationId: z.optional(z.string()),
  handleId: z.optional(z.string()),
  sessionRef: z.optional(sessionRefViewSchema),
  invitedXuid: z.optional(z.string()),
  startedAt: z.string(),
  durationMs: z.number(),
  error: z.optional(appErrorSchema),
});
export type ExchangeView = z.output<typeof exchangeSchema>;

/** Ids that name stored things (profiles, presets, drafts, outbox items, runs). */
export const recordIdSchema = z
  .string({ error: 'An id is required.' })
  .check(
    z.minLength(1, { error: 'An id is required.' }),
    z.maxLength(64, { error: 'Ids are at most 64 characters.' }),
    z.regex(/^[A-Za-z0-9_-]+$/, { error: 'Ids hold only letters, digits, - and _.' }),
  );
