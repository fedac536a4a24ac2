/**
 * The invitee channels (contract/invitee.ts) over the invitee service, plus the one thing
 * only core knows: turning a preset into a round trip plan.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HandlersFor } from '../../shared/contract/define.ts';
import type { inviteeChannels } from '../../shared/contract/invitee.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import type { Preset } from '../../shared/presets/preset.ts';
import type { CredentialsService } from '../credentials/credentials-service.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { PresetsStore } from '../presets/presets-store.ts';
import type { ProfileStore } from '../profiles/profile-store.ts';
import { createInviteeService, type RoundTripPlan } from './invitee-service.ts';
import type { Send } from './invitee-steps.ts';

/**
 * The round trip a preset describes: its session (a fresh one named `roundtrip-…` when the
 * preset makes a new session at each send) and its invite attributes.
 */
export function roundTripPlan(preset: Preset, from: string, to: string, fresh: () => string): RoundTripPlan {
  if (preset.service === 'mpa') {
    throw new HandleStudioError(
      'VALIDATION',
      `Preset "${preset.name}" is an MPA preset: the round trip follows MPSD's invite handles (session, handle, join through it). Pick an MPSD preset; for MPA, send the preset and query the activity back with \`mpa activity query\`.`,
      { field: 'preset' },
    );
  }
  const { scid, templateName } = preset.sessionRef;
  const { titleId, context, contextString, senderString } = preset.inviteAttributes;
  return {
    from,
    to,
    sessionRef: { scid, templateName, name: preset.sessionRef.name ?? `roundtrip-${fresh().slice(0, 8)}` },
    titleId,
    ...(context === undefined ? {} : { context }),
    ...(contextString === undefined ? {} : { contextString }),
    ...(senderString === undefined ? {} : { senderString }),
  };
}

export interface InviteeHandlerDeps {
  send: Send;
  profiles: ProfileStore;
  credentials: CredentialsService;
  history: HistoryStore;
  presets: PresetsStore;
}

export function createInviteeHandlers(deps: InviteeHandlerDeps): HandlersFor<typeof inviteeChannels> {
  const invitee = createInviteeService({
    send: deps.send,
    actor: async (profileId) => {
      const profile = profileId === undefined ? deps.profiles.active() : deps.profiles.get(profileId);
      if (profile === undefined) {
        throw new HandleStudioError(
          profileId === undefined ? 'NO_CREDENTIALS' : 'NOT_FOUND',
          profileId === undefined ? 'No profile is active: add one in Profiles first.' : 'That profile no longer exists: pick another one.',
        );
      }
      const { xuid } = await deps.credentials.tokenState(profile.id);
      return { profileId: profile.id, name: profile.name, ...(xuid === undefined ? {} : { xuid }) };
    },
    sleep: (ms) => sleep(ms),
    invitesTo: (ref) =>
      // Search finds the session name; the rest of the ref is compared here.
      deps.history
        .list({ kinds: ['invite.send'], status: 'ok', search: ref.name, limit: 100 })
        .entries.filter(
          (entry) =>
            entry.scid?.toLowerCase() === ref.scid.toLowerCase() &&
            entry.templateName?.toLowerCase() === ref.templateName.toLowerCase() &&
            entry.sessionName?.toLowerCase() === ref.name.toLowerCase(),
        )
        .flatMap(({ handleId, at, invitedXuid }) =>
          handleId === undefined ? [] : [{ handleId, at, ...(invitedXuid === undefined ? {} : { invitedXuid }) }],
        ),
  });
  return {
    acceptInvite: (input) => invitee.acceptInvite(input),
    joinActivity: (input) => invitee.joinActivity(input),
    checkSession: (input) => invitee.checkSession(input),
    inspectSession: (input) => invitee.inspectSession(input),
    confirmActivity: (input) => invitee.confirmActivity(input),
    runRoundTrip: async (input) => {
      const plan = roundTripPlan(deps.presets.get(input.presetId), input.fromProfileId, input.toProfileId, randomUUID);
      return invitee.roundTrip({
        ...plan,
        ...(input.fromXuid === undefined ? {} : { fromXuid: input.fromXuid }),
        ...(input.toXuid === undefined ? {} : { toXuid: input.toXuid }),
        ...(input.activityCheckDelayMs === undefined ? {} : { activityCheckDelayMs: input.activityCheckDelayMs }),
      });
    },
  };
}
