/**
 * Whom History resends an MPA call as: the profile that sent it, as an MPSD entry's resend
 * does, never just whichever profile is active (a user who switched profiles would invite as
 * someone else). MPA Compose sends as the active profile, and what it shows after (the
 * activation URIs name the sender's user) is that profile's, so a resend as another MPA
 * profile makes that profile active first; the drawer says so before it does. When the
 * entry's profile is gone, or now sends through MPSD, nothing is sent: the words say why and
 * what the user can do instead.
 */
import type { HistorySummary } from '../../../app/shared/contract/history.ts';
import type { ProfileView } from '../../../app/shared/contract/profiles.ts';

export type MpaResender =
  /** switchesProfile: the sender is not the active profile, and becomes it. */
  { sender: ProfileView; switchesProfile: boolean } | { refused: string };

/** What the user can do when the call cannot go out as its own profile: open it in Compose as an MPA profile. */
function instead(active: ProfileView | undefined): string {
  return active?.service === 'mpa'
    ? `Open it in Compose to send it as the active profile, “${active.name}”.`
    : 'Choose an MPA profile in the top bar, then open it in Compose to send it as that profile.';
}

export function mpaResender(
  entry: Pick<HistorySummary, 'profileId' | 'profileName'>,
  profiles: readonly ProfileView[],
  active: ProfileView | undefined,
): MpaResender {
  const sender = profiles.find((profile) => profile.id === entry.profileId);
  if (sender === undefined) {
    // Also a call the CLI sent with XBL_AUTHORIZATION: History names that, and it is no profile.
    return {
      refused: `This call was sent as “${entry.profileName}”, which is not one of your profiles now, so it cannot be resent as it was. ${instead(active)}`,
    };
  }
  if (sender.service !== 'mpa') {
    // History keeps the name the profile had when it sent the call; it may have been renamed since.
    const named = sender.name === entry.profileName ? `“${sender.name}”` : `“${entry.profileName}” (now named “${sender.name}”)`;
    return {
      refused:
        `This call was sent as ${named}, which now sends through MPSD, not Multiplayer Activity, so it cannot resend this call. ` +
        `To resend it as it was, set that profile back to Multiplayer Activity in Profiles (Edit). Otherwise: ${instead(active)}`,
    };
  }
  return { sender, switchesProfile: sender.id !== active?.id };
}
