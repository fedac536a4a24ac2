import type { ProfileView } from '../../../app/shared/contract/profiles.ts';
import { contractVersions, type ContractVersion } from '../../../app/shared/mpsd/ids.ts';
import { MPSD_BASE_URL } from '../../../app/shared/mpsd/endpoint.ts';

/** Where and how a request goes: the active profile's endpoint, contract version and locale. */
export interface RequestTarget {
  baseUrl: string;
  contractVersion: ContractVersion;
  locale: string;
  /** False when no profile is active and the production defaults stand in. */
  fromProfile: boolean;
}

/** The target for the active profile, or the production defaults when there is none yet. */
export function requestTarget(profile: ProfileView | undefined): RequestTarget {
  if (profile === undefined) return { baseUrl: MPSD_BASE_URL, contractVersion: 107, locale: 'en-US', fromProfile: false };
  const version = (contractVersions as readonly number[]).includes(profile.contractVersion)
    ? (profile.contractVersion as ContractVersion)
    : 107;
  return { baseUrl: profile.endpoint, contractVersion: version, locale: profile.locale, fromProfile: true };
}
