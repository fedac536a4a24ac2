/**
 * A profile's send that may be written to the outbox (a live invite's journal entry, or a call
 * queued to go later) is checked for the profile's token in its fields BEFORE anything is
 * written. A token pasted into an invite's context, an MPA connection string or a custom
 * property would otherwise sit in outbox.sqlite (and its WAL) as typed; delivery refuses such a
 * body (service-call.ts), but the failed item kept it until dismissed. The check and its words
 * are service-call.ts's (tokenInBody), so a send is refused here exactly when it would be there.
 *
 * The request as given is checked, not each wire built from it: every field written to the
 * outbox comes from it unchanged, and a fan-out to 100 people is 100 wires of the same fields.
 *
 * When the token cannot be read (the keychain locked or unavailable, its entry unreadable), the
 * send is refused, not queued unchecked. Queueing would write the token to disk whenever a field
 * holds it, against the rule that secrets live only in memory and the keychain; refusing loses
 * nothing (what was typed is still in Compose, the draft or the command line), and a queued item
 * could not go out before the keychain is back anyway. A profile with no token at all holds
 * nothing to find, so its send is queued as before.
 */
import { HandleStudioError, toAppError, type AppError } from '../../shared/errors.ts';
import { createSecretScrubber, type SecretScrubber } from '../mpsd/secret-scrubber.ts';
import type { AuthorizationSource } from '../ports.ts';
import { tokenInBody } from '../xbox-live/service-call.ts';

export type Service = 'MPSD' | 'MPA';

/** The last token's scrubber: a profile sends many times with one token, and building it (an index of the token's pieces) costs more than a check. */
let last: { authorization: string; scrubber: SecretScrubber } | undefined;

function scrubberFor(authorization: string): SecretScrubber {
  if (last?.authorization !== authorization) last = { authorization, scrubber: createSecretScrubber(authorization) };
  return last.scrubber;
}

/** Throws VALIDATION (tokenInBody's words) when a field of `request` holds `authorization`. */
export function refuseTokenInFields(request: unknown, authorization: string, service: Service): void {
  const refused = tokenInBody(service, JSON.stringify(request), scrubberFor(authorization));
  if (refused !== undefined) throw new HandleStudioError(refused.code, refused.message);
}

/** The token `source` holds whether or not it may be used now; `why` is what `current()` threw. */
async function heldToken(source: AuthorizationSource, why: AppError): Promise<string | undefined> {
  if (source.held) return source.held();
  // A source that cannot say (not a profile's): only "no token at all" is known to hold nothing.
  if (why.code === 'NO_CREDENTIALS') return undefined;
  throw new HandleStudioError(why.code, why.message);
}

/**
 * For a send about to be written to the outbox although `current()` gave no token (`why`: none,
 * expired, refused, no keychain): checks its fields against the token the profile holds even so.
 * Throws VALIDATION when one holds it, and the read's own error, saying it was not queued, when
 * the token cannot be read (see the top).
 */
export async function refuseHeldTokenInFields(
  request: unknown,
  source: AuthorizationSource,
  service: Service,
  why: AppError,
): Promise<void> {
  let held: string | undefined;
  try {
    held = await heldToken(source, why);
  } catch (thrown) {
    const error = toAppError(thrown);
    throw new HandleStudioError(
      error.code,
      `${error.message} Not queued either: without reading the profile's token, Handle Studio cannot check that no field of this request holds it, and the outbox would keep such a field on disk. Send it again once the profile's token can be read (a locked keychain: unlock it).`,
    );
  }
  if (held !== undefined) refuseTokenInFields(request, held, service);
}

/** Before a profile's send that may write to the outbox: `refuseTokenInFields` with the usable token, or `refuseHeldTokenInFields` without one. */
export async function refuseTokenBeforeOutbox(request: unknown, source: AuthorizationSource, service: Service): Promise<void> {
  let authorization: string;
  try {
    authorization = await source.current();
  } catch (thrown) {
    return refuseHeldTokenInFields(request, source, service, toAppError(thrown));
  }
  refuseTokenInFields(request, authorization, service);
}
