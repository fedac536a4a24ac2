/**
 * What an MPA answer means, in words and in the shapes Compose's shared pieces take: an
 * invite's invitees as InviteeRow results, and the URI each invitee's title is started with
 * when they accept.
 */
import type { MpaSendResult } from '../../../../app/shared/contract/mpa.ts';
import type { InviteeResult } from '../../../../app/shared/contract/requests.ts';
import { mpaInviteAcceptUri } from '../../../../app/shared/mpa/invite-uri.ts';

const inviteeStates = {
  invited: 'sent',
  'not-invited': 'failed',
  unknown: 'outcome-unknown',
  queued: 'queued',
} as const satisfies Record<NonNullable<MpaSendResult['invitees']>[number]['outcome'], InviteeResult['state']>;

/** One row per invitee; they share the one call's error, since MPA answers the call as a whole. */
export function mpaInviteeRows(result: MpaSendResult): InviteeResult[] {
  return (result.invitees ?? []).map(({ xuid, outcome }) => ({
    invitedXuid: xuid,
    state: inviteeStates[outcome],
    ...(result.error !== undefined && outcome !== 'invited' ? { error: result.error } : {}),
  }));
}

/** The headline: what happened, in a few words. */
export function mpaHeadline(result: MpaSendResult): string {
  if ((result.queued ?? 0) > 0) return 'Queued in the outbox';
  if (result.invitees !== undefined) {
    const invited = result.invitees.filter((invitee) => invitee.outcome === 'invited').length;
    return `${invited} of ${result.invitees.length} invited in one call`;
  }
  if (result.error !== undefined) return 'Failed';
  switch (result.request.kind) {
    case 'mpa.activity.set':
      return 'Activity set';
    case 'mpa.activity.delete':
      return 'Activity deleted';
    case 'mpa.activity.get':
      return result.activity === null ? 'No activity in this title' : 'Activity found';
    case 'mpa.activity.query': {
      const withActivity = (result.users ?? []).filter((user) => (user.activities ?? []).length > 0).length;
      return `${withActivity} of ${result.users?.length ?? 0} users have an activity in this title`;
    }
    default:
      return 'Done';
  }
}

/**
 * The activation URI each invited user's title gets on accepting (PC scheme), or undefined when
 * the sender's XUID is unknown (a pasted token that named none): the URI needs it.
 */
export function mpaAcceptUris(result: MpaSendResult, senderXuid: string | undefined): { xuid: string; uri: string }[] | undefined {
  if (result.request.kind !== 'mpa.invite.send' || senderXuid === undefined) return undefined;
  const { titleId, connectionString } = result.request;
  return (result.invitees ?? [])
    .filter((invitee) => invitee.outcome === 'invited')
    .map(({ xuid }) => ({
      xuid,
      uri: mpaInviteAcceptUri({
        platform: 'pc',
        titleId,
        invitedUser: xuid,
        sender: senderXuid,
        ...(connectionString === undefined ? {} : { connectionString }),
      }),
    }));
}
