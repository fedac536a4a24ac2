/**
 * The shape of a WireRequest as the outbox stores it. Items are read back from disk, so they
 * are validated like any other input before they are sent.
 */
import * as z from '../../shared/zod.ts';
import { requestKinds, type WireRequest } from '../../shared/mpsd/wire.ts';

const sessionRefOnDisk = z.object({ scid: z.string(), templateName: z.string(), name: z.string() });

export const storedWireRequestSchema = z.strictObject({
  kind: z.enum(requestKinds),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
  path: z.string().check(z.startsWith('/'), z.maxLength(2048)),
  headers: z.record(z.string(), z.string()),
  body: z.optional(z.unknown()),
  sessionRef: z.optional(sessionRefOnDisk),
  invitedXuid: z.optional(z.string()),
  notIdempotent: z.boolean(),
}) satisfies z.ZodMiniType<WireRequest>;
