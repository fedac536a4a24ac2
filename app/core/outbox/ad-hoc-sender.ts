/**
 * The sender without a profile (the CLI with XBL_AUTHORIZATION) in the outbox. Its live invites
 * are journaled like a profile's, so a kill mid-send leaves the invite in flight "outcome
 * unknown" in the Outbox and in History instead of nowhere. Its items are keyed by a fixed
 * marker, the profile id its History rows already carry: a profile's id is always a UUID
 * (profile-schema.ts), so no profile can own them. No token of it is ever stored, so nothing
 * can send such an item later: a live item is never flushed, and the user cannot requeue one
 * (outbox-handlers.ts), only dismiss it.
 */
import type { HistorySender } from '../history/history-entry.ts';

/** How History names a send without a profile. */
export const AD_HOC_SENDER: HistorySender = { profileId: 'environment', profileName: 'XBL_AUTHORIZATION', sandbox: 'unknown' };

/** How the Outbox (app and CLI) names the sender of such an item. */
export const AD_HOC_SENDER_WORDS = 'XBL_AUTHORIZATION (no profile)';

export const isAdHocSender = (profileId: string): boolean => profileId === AD_HOC_SENDER.profileId;
