/**
 * The shape of a WireRequest as the outbox stores it. Items are read back from disk, so they
 * are validated like any other input before they are sent.
 */
import { z } from 'zod';
import { requestKinds, type WireRequest } from '../../shared/mpsd/wire.ts';

const sessionRefOnDisk = z.object({ scid: z.string(), templateName: z.string(), name: z.string() });

export const storedWireRequestSchema = z.strictObject({
  kind: z.enum(requestKinds),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
  path: z.string().startsWith('/').max(2048),
  headers: z.record(z.string(), z.string()),
  body: z.unknown().optional(),
  sessionRef: sessionRefOnDisk.optional(),
  invitedXuid: z.string().optional(),
  notIdempotent: z.boolean(),
}) satisfies z.ZodType<WireRequest>;
