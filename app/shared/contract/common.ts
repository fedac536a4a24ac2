/** Schemas that several contract modules share. */
import { z } from 'zod';
import { errorCodes } from '../errors.ts';
import { requestKinds } from '../mpsd/wire.ts';

export const appErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const sessionRefViewSchema = z.object({ scid: z.string(), templateName: z.string(), name: z.string() });

/** One MPSD call as the response viewer and history show it (Authorization already masked). */
export const exchangeSchema = z.object({
  kind: z.enum(requestKinds),
  request: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
  }),
  response: z
    .object({
      status: z.number().int(),
      headers: z.record(z.string(), z.string()),
      body: z.string(),
      json: z.unknown().optional(),
    })
    .optional(),
  correlationId: z.string().optional(),
  handleId: z.string().optional(),
  sessionRef: sessionRefViewSchema.optional(),
  invitedXuid: z.string().optional(),
  startedAt: z.string(),
  durationMs: z.number(),
  error: appErrorSchema.optional(),
});
export type ExchangeView = z.output<typeof exchangeSchema>;

/** Ids that name stored things (profiles, presets, drafts, outbox items, runs). */
export const recordIdSchema = z
  .string({ error: 'An id is required.' })
  .min(1, { error: 'An id is required.' })
  .max(64, { error: 'Ids are at most 64 characters.' })
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'Ids hold only letters, digits, - and _.' });
