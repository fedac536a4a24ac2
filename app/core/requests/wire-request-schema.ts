/**
 * The shape of a request as the outbox stores it: an MPSD WireRequest or an MPA wire, told
 * apart by its kind. Items are read back from disk, so they are validated like any other input
 * before they are sent.
 */
import * as z from '../../shared/zod.ts';
import { mpaKinds } from '../../shared/mpa/requests.ts';
import { mpaBuckets, type MpaBucket, type MpaWire } from '../../shared/mpa/wire.ts';
import { requestKinds, type WireRequest } from '../../shared/mpsd/wire.ts';

const methods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const sessionRefOnDisk = z.object({ scid: z.string(), templateName: z.string(), name: z.string() });

const storedMpsdWireSchema = z.strictObject({
  kind: z.enum(requestKinds),
  method: z.enum(methods),
  path: z.string().check(z.startsWith('/'), z.maxLength(2048)),
  headers: z.record(z.string(), z.string()),
  body: z.optional(z.unknown()),
  sessionRef: z.optional(sessionRefOnDisk),
  invitedXuid: z.optional(z.string()),
  notIdempotent: z.boolean(),
}) satisfies z.ZodMiniType<WireRequest>;

const storedMpaWireSchema = z.strictObject({
  kind: z.enum(mpaKinds),
  method: z.enum(methods),
  /** The budget and the stale-write check read the title from the path. */
  path: z.string().check(z.regex(/^\/titles\/[0-9]+\//, { error: 'An MPA path starts /titles/{titleId}/.' }), z.maxLength(2048)),
  body: z.optional(z.unknown()),
  bucket: z.enum(Object.keys(mpaBuckets) as [MpaBucket, ...MpaBucket[]]),
  notIdempotent: z.boolean(),
}) satisfies z.ZodMiniType<MpaWire>;

export const storedWireRequestSchema = z.discriminatedUnion('kind', [storedMpsdWireSchema, storedMpaWireSchema]);
