/**
 * What Handle Studio and its keychain helper process say to each other. keytar is a native
 * module: on Linux it crashes the whole process (SIGSEGV inside libsecret) when the login
 * keyring is locked, so it only ever runs in a helper, and these messages are all that
 * crosses. Secrets do cross (they are what is being stored), but only over the private IPC
 * channel between the two processes, never into a log or an error.
 */
import * as z from '../../shared/zod.ts';

/** One keytar call, under the keychain service name entries are filed under. */
export type KeychainHelperRequest = { id: number; service: string } & (
  | { op: 'getPassword'; account: string }
  | { op: 'setPassword'; account: string; password: string }
  | { op: 'deletePassword'; account: string }
  | { op: 'findCredentials' }
);

/**
 * The helper's answer. `unloadable` means keytar itself could not be loaded (no libsecret,
 * a native module built for another runtime): every call will fail the same way.
 */
export const keychainHelperAnswerSchema = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.number().check(z.int()), ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ id: z.number().check(z.int()), ok: z.literal(false), error: z.string(), unloadable: z.boolean() }),
]);
export type KeychainHelperAnswer = z.output<typeof keychainHelperAnswerSchema>;

/**
 * Sent once by the helper when keytar has loaded (or failed to): call deadlines start from
 * here, so a slow start on a busy machine is not mistaken for a keychain that hangs.
 */
export const keychainHelperReadySchema = z.strictObject({ ready: z.literal(true) });
export type KeychainHelperReady = z.output<typeof keychainHelperReadySchema>;
