/**
 * Vault keys are `<profileId>/<kind>`: one entry per kind of secret per profile, so removing
 * a profile removes exactly its own entries.
 */
import { HandleStudioError } from '../../shared/errors.ts';

/** What a profile keeps in the vault. */
export const secretKinds = [
  /** The current XSTS token with its user hash, expiry and display claims (JSON). */
  'xsts',
  /** msal-node's serialised token cache: the Microsoft account refresh token lives here. */
  'msal-cache',
] as const;
export type SecretKind = (typeof secretKinds)[number];

const PROFILE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The vault key for one kind of secret of one profile. */
export function secretKey(profileId: string, kind: SecretKind): string {
  if (!PROFILE_ID.test(profileId)) {
    throw new HandleStudioError('VALIDATION', 'Profile id must be letters, digits and dashes (a UUID).');
  }
  return `${profileId}/${kind}`;
}

/** The prefix under which every secret of one profile lives. */
export function profileSecretPrefix(profileId: string): string {
  return `${profileId}/`;
}

/** Checks a key handed to a vault, so a typo cannot create an entry nobody will ever delete. */
export function assertVaultKey(key: string): void {
  const [profileId, kind, ...rest] = key.split('/');
  if (rest.length > 0 || !profileId || !PROFILE_ID.test(profileId) || !(secretKinds as readonly string[]).includes(kind ?? '')) {
    throw new HandleStudioError('VALIDATION', `Vault key "${key}" is not <profileId>/<kind> with kind one of ${secretKinds.join(', ')}.`);
  }
}
