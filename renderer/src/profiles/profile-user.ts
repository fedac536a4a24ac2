/**
 * Whom a profile acts as: the user its token names (a sign-in), else the XUID kept in the
 * profile (filled from a local MPSD token, or typed). Requests that name "your XUID" (joining
 * a session first) take it from here.
 */
import type { ProfileView } from '../../../app/shared/contract/profiles.ts';

export function profileUserXuid(profile: ProfileView | undefined): string | undefined {
  return profile?.token.xuid ?? profile?.xuid;
}
