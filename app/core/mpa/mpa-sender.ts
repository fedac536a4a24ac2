/**
 * MPA for the front doors: as a profile (its stored token; its endpoint names the MPA, see
 * mpaBaseUrlFor) or, from the CLI, with XBL_AUTHORIZATION against an endpoint. Whose budget a
 * call spends is the profile's id, or a digest of the header's user hash (never the token).
 */
import { HandleStudioError } from '../../shared/errors.ts';
import { mpaBaseUrlFor } from '../../shared/mpa/wire.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import type { MpaBudgets } from './mpa-budgets.ts';
import { createMpaService, type MpaResult } from './mpa-service.ts';

export type MpaSend =
  | {
      request: unknown;
      profileId?: string;
      signal?: AbortSignal;
      /**
       * A write (activity set/delete, invite, recent players) that cannot go out now (offline,
       * no usable token) waits in the outbox instead of failing. Default true; without a
       * profile (the variant below) nothing queues, since the outbox must know who sends it later.
       */
      queueIfUnavailable?: boolean;
    }
  | { request: unknown; endpoint: string; authorization: AuthorizationSource; signal?: AbortSignal };

export interface MpaSenderDeps {
  fetch: FetchLike;
  clock: Clock;
  budgets: MpaBudgets;
  /** The profile (the active one when undefined): its id, MPSD endpoint and credentials. */
  profile(profileId: string | undefined): { id: string; endpoint: string; authorization: AuthorizationSource } | undefined;
  /** The budget key of a sender without a profile. */
  adHocSender(authorization: AuthorizationSource): Promise<string>;
}

export function createMpaSender(deps: MpaSenderDeps): (send: MpaSend) => Promise<MpaResult> {
  const service = createMpaService(deps);
  return async (send) => {
    if ('endpoint' in send) {
      const target = {
        sender: await deps.adHocSender(send.authorization),
        baseUrl: mpaBaseUrlFor(send.endpoint),
        authorization: send.authorization,
      };
      return service.send(target, send.request, send.signal);
    }
    const profile = deps.profile(send.profileId);
    if (profile === undefined) {
      throw new HandleStudioError(
        send.profileId === undefined ? 'NO_CREDENTIALS' : 'NOT_FOUND',
        send.profileId === undefined
          ? 'No profile is active: add one in Profiles (or with `handle-studio profile add`) first.'
          : 'That profile no longer exists: pick another one.',
      );
    }
    return service.send(
      { sender: profile.id, baseUrl: mpaBaseUrlFor(profile.endpoint), authorization: profile.authorization },
      send.request,
      send.signal,
    );
  };
}
