/**
 * The URIs a title is activated with when its user accepts an invite or joins a friend from
 * the shell (mpsd-sessions-and-invitees.md §5, from Microsoft's "Receive invites" page). Built
 * here so a developer can hand the exact string to the title's own activation code.
 *
 * On PC the scheme is `ms-xbl-multiplayer://` (registered by `<MultiplayerProtocol>`); on a
 * console it is `ms-xbl-<titleId>://` with the title id in lower-case hex, as a third-party
 * console example writes it. Query parameters keep Microsoft's order and spelling, including
 * the `?&` that starts the join URI in the docs: a title that parses the documented string
 * must parse this one.
 */

export type ActivationPlatform = 'pc' | 'console';

export const PC_SCHEME = 'ms-xbl-multiplayer';

/** `ms-xbl-multiplayer` on PC, `ms-xbl-<hex title id>` on a console (which needs the title id). */
export function activationScheme(platform: ActivationPlatform, titleId: string | undefined): string {
  if (platform === 'pc') return PC_SCHEME;
  if (titleId === undefined) throw new Error('A console activation URI names the title: give its title id.');
  return `ms-xbl-${BigInt(titleId).toString(16)}`;
}

export interface InviteAcceptActivation {
  platform: ActivationPlatform;
  /** Decimal, as the request model keeps it; only a console URI needs it. */
  titleId?: string;
  handleId: string;
  invitedXuid: string;
  senderXuid: string;
  /** The invite's `context` attribute; sent empty when the invite had none, as the parameter is always part of the URI. */
  context?: string;
}

/** `…://inviteHandleAccept?handle=<guid>&invitedXuid=<x>&senderXuid=<x>&context=<title context>` */
export function inviteHandleAcceptUri(activation: InviteAcceptActivation): string {
  const query = [
    `handle=${encodeURIComponent(activation.handleId)}`,
    `invitedXuid=${encodeURIComponent(activation.invitedXuid)}`,
    `senderXuid=${encodeURIComponent(activation.senderXuid)}`,
    `context=${encodeURIComponent(activation.context ?? '')}`,
  ].join('&');
  return `${activationScheme(activation.platform, activation.titleId)}://inviteHandleAccept?${query}`;
}

export interface ActivityJoinActivation {
  platform: ActivationPlatform;
  titleId?: string;
  /** The activity handle of the user being joined. */
  handleId: string;
  /** Who joins (the user pressing "Join game"). */
  joinerXuid: string;
  /** Whose game is joined (the activity's owner). */
  joineeXuid: string;
}

/** `…://activityHandleJoin?&handle=<guid>&joinerXuid=<x>&joineeXuid=<x>` (the `?&` is the documented form). */
export function activityHandleJoinUri(activation: ActivityJoinActivation): string {
  const query = [
    `handle=${encodeURIComponent(activation.handleId)}`,
    `joinerXuid=${encodeURIComponent(activation.joinerXuid)}`,
    `joineeXuid=${encodeURIComponent(activation.joineeXuid)}`,
  ].join('&');
  return `${activationScheme(activation.platform, activation.titleId)}://activityHandleJoin?&${query}`;
}

/**
 * What Handle Studio can say about opening such a URI on this machine. Only Windows has the
 * PC scheme (a title with `MultiplayerProtocol` and Game Bar register it); elsewhere there
 * is nothing to open. Opening it is untested by Handle Studio's own tests on every OS.
 */
export function activationOpenSupport(os: string, platform: ActivationPlatform): { canOpen: boolean; why: string } {
  if (platform === 'console') {
    return {
      canOpen: false,
      why: 'Console URIs are launched on the console (e.g. xbapp launch "<uri>" from the GDK command prompt), not on this computer.',
    };
  }
  if (os !== 'win32') {
    return {
      canOpen: false,
      why: 'Only Windows has the ms-xbl-multiplayer scheme (registered by a title with <MultiplayerProtocol>true</MultiplayerProtocol> and Game Bar). Copy the URI instead.',
    };
  }
  return {
    canOpen: true,
    why: "Windows passes the URI to whichever app registered ms-xbl-multiplayer. Untested: Handle Studio's tests do not run on Windows with a title installed.",
  };
}
