import type { HandlersFor } from '../../shared/contract/define.ts';
import type { OutboxItem, outboxChannels } from '../../shared/contract/outbox.ts';
import type { ProfileService } from '../../shared/contract/profiles.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { isMpaKind } from '../../shared/recorded-kinds.ts';
import { AD_HOC_SENDER_WORDS, isAdHocSender } from './ad-hoc-sender.ts';
import type { Deliver, OutboxStore } from './outbox-store.ts';

/** What the outbox needs to know of a profile: whether it exists, what it is called, which service it talks to. */
export interface OutboxProfile {
  id: string;
  name: string;
  service: ProfileService;
}

export interface OutboxHandlerDeps {
  outbox: OutboxStore;
  /** Sends one item with the profile's current token (the lead's send pipeline). */
  deliver: Deliver;
  /** A profile by id; undefined when it is gone (removed, or profiles.json could not be read). */
  profile: (profileId: string) => OutboxProfile | undefined;
  /** Items changed hands: the background flusher may send them now. */
  onReassigned?: () => void;
}

const SERVICE_WORDS: Record<ProfileService, string> = { mpsd: 'MPSD', mpa: 'MPA' };

/** The service an item's call goes to, which the profile sending it must serve. */
const serviceOf = (item: Pick<OutboxItem, 'kind'>): ProfileService => (isMpaKind(item.kind) ? 'mpa' : 'mpsd');

/** The outbox channels, answered from the store; flushing uses the injected deliver. */
export function createOutboxHandlers(deps: OutboxHandlerDeps): HandlersFor<typeof outboxChannels> {
  // The flush a caller asked for (one at a time: the store refuses a second), so it can be cancelled.
  let running: AbortController | null = null;

  /** The item with its profile's current name, or, when the profile is gone, the name it was queued with and a mark. */
  const withProfile = (item: OutboxItem): OutboxItem => {
    if (isAdHocSender(item.profileId)) return { ...item, profileName: AD_HOC_SENDER_WORDS, sentWithoutProfile: true };
    const profile = deps.profile(item.profileId);
    if (profile !== undefined) return { ...item, profileName: profile.name };
    return { ...item, profileMissing: true };
  };

  /** A profile that may send these items, or a VALIDATION error that says why not. */
  const targetProfile = (profileId: string): OutboxProfile => {
    const profile = deps.profile(profileId);
    if (profile === undefined) {
      throw new HandleStudioError('VALIDATION', 'That profile does not exist: pick one of the profiles listed in Profiles.', {
        field: 'profileId',
      });
    }
    return profile;
  };

  return {
    listOutbox: async ({ states, limit }) => {
      const items = deps.outbox.list({ states, limit }).map(withProfile);
      const damaged = deps.outbox.damaged();
      return { items, counts: deps.outbox.counts(), ...(damaged.length > 0 ? { damaged } : {}) };
    },
    flushOutbox: async () => {
      const controller = new AbortController();
      running = controller;
      try {
        return await deps.outbox.flush({ deliver: deps.deliver, signal: controller.signal });
      } finally {
        if (running === controller) running = null;
      }
    },
    cancelOutboxFlush: async () => {
      const controller = running;
      controller?.abort();
      return { cancelled: controller !== null };
    },
    requeueOutboxItem: async ({ id }) => {
      // Its token was never stored, so queued again it could never go out, or only as a profile the user did not pick.
      if (isAdHocSender(deps.outbox.get(id).profileId)) {
        throw new HandleStudioError(
          'CONFLICT',
          `Outbox item ${id} was sent with ${AD_HOC_SENDER_WORDS}, whose token is not stored, so the outbox cannot send it again. Check History or the recipient; if it did not arrive, send it again from the command line, then dismiss this item.`,
          { id },
        );
      }
      return withProfile(deps.outbox.requeue(id));
    },
    dismissOutboxItem: async ({ id }) => {
      deps.outbox.dismiss(id);
      return { counts: deps.outbox.counts() };
    },
    reassignOutboxItems: async ({ profileId, ids, fromMissingProfiles }) => {
      if ((ids === undefined) === (fromMissingProfiles === undefined)) {
        throw new HandleStudioError('VALIDATION', 'Name the outbox items to move, or ask for every item whose profile is gone; not both.');
      }
      const profile = targetProfile(profileId);
      const skipped: { id: string; reason: string }[] = [];
      let chosen: OutboxItem[];
      if (ids !== undefined) {
        chosen = ids.map((id) => deps.outbox.get(id));
        const other = chosen.find((item) => serviceOf(item) !== profile.service);
        if (other !== undefined) {
          throw new HandleStudioError(
            'VALIDATION',
            `Outbox item ${other.id} is an ${SERVICE_WORDS[serviceOf(other)]} call, and profile "${profile.name}" talks to ${SERVICE_WORDS[profile.service]}: pick an ${SERVICE_WORDS[serviceOf(other)]} profile for it. Nothing was moved.`,
            { field: 'profileId', id: other.id },
          );
        }
      } else {
        // A live send's own invites are not the queue's, and are not listed as queued anyway.
        const orphans = deps.outbox
          .list({ states: ['queued'] })
          .filter((item) => item.origin !== 'live' && deps.profile(item.profileId) === undefined);
        chosen = orphans.filter((item) => serviceOf(item) === profile.service);
        for (const item of orphans) {
          if (serviceOf(item) === profile.service) continue;
          skipped.push({
            id: item.id,
            reason: `an ${SERVICE_WORDS[serviceOf(item)]} call; profile "${profile.name}" talks to ${SERVICE_WORDS[profile.service]}`,
          });
        }
      }
      const items =
        chosen.length === 0
          ? []
          : deps.outbox
              .reassign(
                chosen.map((item) => item.id),
                profile,
              )
              .map(withProfile);
      if (items.length > 0) deps.onReassigned?.();
      return { items, skipped, counts: deps.outbox.counts() };
    },
  };
}
