/**
 * The URI a title is activated with when its user accepts an MPA invite (mpa.md §5, from
 * Learn live-mpa-client-how-to): `inviteAccept` with `invitedUser`, `sender` and
 * `connectionString`, on the same schemes as MPSD's activation URIs. The connection string is
 * percent-encoded: PlayFab Lobby strings hold `+`, `/` and `=`, which a title decodes once.
 */
import { activationScheme, type ActivationPlatform } from '../invitee/activation-uri.ts';

export interface MpaInviteAcceptance {
  platform: ActivationPlatform;
  /** Decimal. */
  titleId: string;
  invitedUser: string;
  sender: string;
  /** Empty when the invite carried none: the title is then launched with an empty string. */
  connectionString?: string;
}

export function mpaInviteAcceptUri(acceptance: MpaInviteAcceptance): string {
  const query = [
    `invitedUser=${encodeURIComponent(acceptance.invitedUser)}`,
    `sender=${encodeURIComponent(acceptance.sender)}`,
    `connectionString=${encodeURIComponent(acceptance.connectionString ?? '')}`,
  ].join('&');
  return `${activationScheme(acceptance.platform, acceptance.titleId)}://inviteAccept?${query}`;
}
