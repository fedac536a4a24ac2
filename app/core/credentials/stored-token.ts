/**
 * The XSTS token a profile holds, as it is kept in the vault under `<profileId>/xsts`.
 * The vault is the only place it is written. Reading checks the shape: an entry that does
 * not parse (written by a newer or broken build, edited by hand, truncated) is never used,
 * and never deleted or reported as "no token" either: it is reported as it is, and kept
 * until a new token replaces it (deleting what one process cannot read loses what another
 * wrote).
 */
import * as z from '../../shared/zod.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import type { SecretVault } from '../ports.ts';
import { secretKey } from './secret-keys.ts';

const storedTokenSchema = z.strictObject({
  v: z.literal(1),
  /** How the token got here: pasted by the user, or from the sign-in chain (refreshable). */
  source: z.enum(['pasted', 'signed-in']),
  uhs: z.string().check(z.minLength(1)),
  token: z.string().check(z.minLength(1)),
  /** Epoch milliseconds; absent when a pasted token's expiry is unknown. */
  expiresAt: z.optional(z.number().check(z.int(), z.positive())),
  xuid: z.optional(z.string()),
  gamertag: z.optional(z.string()),
  privileges: z.optional(z.array(z.number().check(z.int(), z.nonnegative()))),
  /** The sandbox the token was issued for; a sign-in for another sandbox must not reuse it. */
  sandboxId: z.optional(z.string()),
  /**
   * Epoch milliseconds when MPSD refused this token (401 after the one renewal). Kept with the
   * token so every process (app, CLI) stops using it; storing a new token drops it.
   */
  refusedAt: z.optional(z.number().check(z.int(), z.positive())),
});

export type StoredToken = z.output<typeof storedTokenSchema>;

/** The profile's token, or null when there is none. Throws STORAGE for an entry that cannot be read. */
export async function readStoredToken(vault: SecretVault, profileId: string): Promise<StoredToken | null> {
  const key = secretKey(profileId, 'xsts');
  const raw = await vault.get(key);
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const checked = storedTokenSchema.safeParse(parsed);
  if (checked.success) return checked.data;
  throw new HandleStudioError(
    'STORAGE',
    'The token stored in the OS keychain for this profile cannot be read by this version of Handle Studio (it was kept, not deleted): paste a token or sign in again to replace it, or update Handle Studio if a newer version stored it.',
    { profileId },
  );
}

/** Replaces the profile's token. */
export async function writeStoredToken(vault: SecretVault, profileId: string, token: StoredToken): Promise<void> {
  await vault.set(secretKey(profileId, 'xsts'), JSON.stringify(storedTokenSchema.parse(token)));
}
