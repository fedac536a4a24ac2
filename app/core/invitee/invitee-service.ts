/**
 * The invitee's side of an invite, run from one machine with two profiles (issue 10): accept
 * an invite or join an activity as profile B, pre-flight a session before a send, look inside
 * a session, check an activity survived MPSD's presence check, and the whole round trip.
 * Every call is a request through the app's send path (see invitee-steps.ts).
 */
import type { InviteeJoin, InviteeStep, RoundTrip, SessionCheck, SessionLook } from '../../shared/contract/invitee.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { activityHandleJoinUri, inviteHandleAcceptUri } from '../../shared/invitee/activation-uri.ts';
import { preflightFindings, type PreflightSetup } from '../../shared/invitee/preflight.ts';
import { memberOf, readSession } from '../../shared/invitee/session-view.ts';
import type { SessionRef } from '../../shared/mpsd/session-ref.ts';
import { failedBecause, sendStep, skipped, type Actor, type Send, type StepOutcome } from './invitee-steps.ts';

export interface InviteeDeps {
  send: Send;
  /** The profile (the active one when undefined), its name and the XUID its token names (signed-in tokens do; pasted ones do not). */
  actor(profileId: string | undefined): Promise<Actor & { xuid?: string }>;
  /** Waits `ms` (the wall clock in the app; tests pass a short one). */
  sleep(ms: number): Promise<void>;
  /** Invites sent from this machine to the session, newest first (history). */
  invitesTo(sessionRef: SessionRef): Array<{ handleId: string; invitedXuid?: string; at: string }>;
}

export interface RoundTripPlan {
  from: string;
  to: string;
  /** The users' XUIDs when their profiles' tokens do not name them. */
  fromXuid?: string;
  toXuid?: string;
  sessionRef: SessionRef;
  titleId: string;
  context?: string;
  contextString?: string;
  senderString?: string;
  activityCheckDelayMs?: number;
}

type Json = Record<string, unknown>;
const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Json)[key] : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/** What `GET /handles/{id}` says about an invite, read leniently. */
function inviteFacts(document: unknown) {
  return {
    senderXuid: text(field(document, 'senderXuid')),
    invitedXuid: text(field(document, 'invitedXuid')),
    context: text(field(field(document, 'inviteAttributes'), 'context')),
    type: text(field(document, 'type')),
  };
}

/** The activity handles in a `POST /handles/query` answer, with owner and session. */
function activities(answer: unknown): Array<{ id: string; ownerXuid?: string; sessionRef?: SessionRef }> {
  const results = field(answer, 'results');
  if (!Array.isArray(results)) return [];
  return results.flatMap((handle) => {
    const id = text(field(handle, 'id'));
    if (id === undefined || (field(handle, 'type') !== undefined && field(handle, 'type') !== 'activity')) return [];
    const ref = field(handle, 'sessionRef');
    const sessionRef =
      ref === undefined
        ? undefined
        : { scid: String(field(ref, 'scid')), templateName: String(field(ref, 'templateName')), name: String(field(ref, 'name')) };
    const ownerXuid = text(field(handle, 'ownerXuid'));
    return [{ id, ...(ownerXuid === undefined ? {} : { ownerXuid }), ...(sessionRef === undefined ? {} : { sessionRef }) }];
  });
}

const same = (a: SessionRef, b: SessionRef | undefined) =>
  b !== undefined &&
  a.scid.toLowerCase() === b.scid.toLowerCase() &&
  a.templateName.toLowerCase() === b.templateName.toLowerCase() &&
  a.name.toLowerCase() === b.name.toLowerCase();

/** The words for an activity MPSD no longer has, with how to keep it while testing. */
export const ACTIVITY_DROPPED =
  'MPSD no longer has this activity. Its presence check turns active members who are not running the title inactive and removes their activity; ' +
  'a tool is not the title. To keep it while testing, set constants.system.capabilities.suppressPresenceActivityCheck to true in the session template.';

export function createInviteeService(deps: InviteeDeps) {
  /** The profile as a user: the XUID its token names, or the one given for a pasted token. */
  async function who(profileId: string | undefined, given: string | undefined): Promise<Actor & { xuid: string }> {
    const actor = await deps.actor(profileId);
    if (given !== undefined && actor.xuid !== undefined && given !== actor.xuid) {
      throw new HandleStudioError(
        'VALIDATION',
        `Profile "${actor.name}" is signed in as XUID ${actor.xuid}, not ${given}: leave the XUID out or pick the right profile.`,
      );
    }
    const xuid = given ?? actor.xuid;
    if (xuid === undefined) {
      throw new HandleStudioError(
        'VALIDATION',
        `Profile "${actor.name}" has a pasted token, which does not say which user it is: give that user's XUID too, or sign the profile in.`,
      );
    }
    return { ...actor, xuid };
  }

  /**
   * Joins through `handleId` as `actor` and reads the session back where Content-Location
   * pointed, so the membership shown is MPSD's, not the PUT's echo.
   */
  async function joinThrough(
    actor: Actor & { xuid: string },
    handleId: string,
    steps: InviteeStep[],
    name: string,
  ): Promise<Omit<InviteeJoin, 'steps' | 'activationUri'>> {
    const joined = await sendStep(deps.send, actor, name, { kind: 'handle.join', handleId, xuid: actor.xuid });
    steps.push(joined.step);
    if (joined.step.status !== 'passed') return { ok: false };
    const sessionRef = joined.exchange?.sessionRef;
    if (sessionRef === undefined) {
      steps[steps.length - 1] = failedBecause(
        joined,
        'MPSD answered the join without a Content-Location naming the session, so it cannot be read back.',
      ).step;
      return { ok: false };
    }
    const read = await sendStep(deps.send, actor, `${actor.name} reads the session back`, { kind: 'session.get', sessionRef });
    const membership = read.step.status === 'passed' ? memberOf(readSession(read.exchange?.response?.json), actor.xuid) : undefined;
    steps.push(
      read.step.status === 'passed' && membership === undefined
        ? failedBecause(read, `The session does not list ${actor.name} (XUID ${actor.xuid}) after the join.`).step
        : read.step,
    );
    return { ok: membership !== undefined, sessionRef, ...(membership === undefined ? {} : { membership }) };
  }

  async function acceptInvite(input: { profileId?: string; xuid?: string; handleId: string }): Promise<InviteeJoin> {
    const invitee = await who(input.profileId, input.xuid);
    const steps: InviteeStep[] = [];
    const read = await sendStep(deps.send, invitee, `${invitee.name} reads the invite`, { kind: 'handle.get', handleId: input.handleId });
    steps.push(read.step);
    if (read.step.status !== 'passed') return { ok: false, steps };
    const facts = inviteFacts(read.exchange?.response?.json);
    if (facts.type !== undefined && facts.type !== 'invite') {
      steps[0] = failedBecause(
        read,
        `Handle ${input.handleId} is an ${facts.type} handle, not an invite: use "Join game" for an activity.`,
      ).step;
      return { ok: false, steps };
    }
    const joined = await joinThrough(invitee, input.handleId, steps, `${invitee.name} joins through the invite`);
    const activationUri =
      facts.senderXuid !== undefined
        ? inviteHandleAcceptUri({
            platform: 'pc',
            handleId: input.handleId,
            invitedXuid: invitee.xuid,
            senderXuid: facts.senderXuid,
            ...(facts.context === undefined ? {} : { context: facts.context }),
          })
        : undefined;
    return { ...joined, steps, ...(activationUri === undefined ? {} : { activationUri }) };
  }

  async function joinActivity(input: { profileId?: string; xuid?: string; scid: string; ownerXuid: string }): Promise<InviteeJoin> {
    const joiner = await who(input.profileId, input.xuid);
    const steps: InviteeStep[] = [];
    const query = await sendStep(deps.send, joiner, `${joiner.name} finds the activity of ${input.ownerXuid}`, {
      kind: 'activity.query',
      scid: input.scid,
      xuids: [input.ownerXuid],
    });
    steps.push(query.step);
    if (query.step.status !== 'passed') return { ok: false, steps };
    const activity = activities(query.exchange?.response?.json).find(
      (handle) => handle.ownerXuid === undefined || handle.ownerXuid === input.ownerXuid,
    );
    if (activity === undefined) {
      steps[0] = failedBecause(
        query,
        `XUID ${input.ownerXuid} has no activity in SCID ${input.scid}: they must be an active member of a session and set it as their activity.`,
      ).step;
      return { ok: false, steps };
    }
    const joined = await joinThrough(joiner, activity.id, steps, `${joiner.name} joins through the activity`);
    const activationUri = activityHandleJoinUri({
      platform: 'pc',
      handleId: activity.id,
      joinerXuid: joiner.xuid,
      joineeXuid: input.ownerXuid,
    });
    return { ...joined, steps, activationUri };
  }

  /** Reads the session (by ref, or through a handle) as `actor`. */
  async function readAs(
    actor: Actor,
    source: { sessionRef?: SessionRef; handleId?: string },
  ): Promise<StepOutcome & { sessionRef?: SessionRef }> {
    if (source.sessionRef !== undefined) {
      const read = await sendStep(deps.send, actor, `${actor.name} reads the session`, {
        kind: 'session.get',
        sessionRef: source.sessionRef,
      });
      return { ...read, sessionRef: source.sessionRef };
    }
    if (source.handleId === undefined)
      throw new HandleStudioError('VALIDATION', 'Say which session: give its sessionRef or a handle id pointing at it.');
    const read = await sendStep(deps.send, actor, `${actor.name} reads the session through the handle`, {
      kind: 'handle.session',
      handleId: source.handleId,
    });
    return { ...read, ...(read.exchange?.sessionRef === undefined ? {} : { sessionRef: read.exchange.sessionRef }) };
  }

  /** A 204 (no session) is an answer, not a document: say so instead of reading nothing. */
  function sessionOrRefusal(read: StepOutcome & { sessionRef?: SessionRef }): SessionRef {
    if (read.step.status !== 'passed')
      throw new HandleStudioError(
        'MPSD_REJECTED',
        `${read.step.message ?? 'The session could not be read.'}${read.step.mpsdSaid ? ` MPSD said: ${read.step.mpsdSaid}` : ''}`,
      );
    if (read.exchange?.response?.status === 204 || read.sessionRef === undefined) {
      throw new HandleStudioError(
        'NOT_FOUND',
        'There is no such session (MPSD answered 204): it was never created or its last member left. Check the SCID, template and name, or that the handle is current.',
      );
    }
    return read.sessionRef;
  }

  async function checkSession(
    input: { profileId?: string; xuid?: string; sessionRef?: SessionRef; handleId?: string } & Omit<PreflightSetup, 'senderXuid'>,
  ): Promise<SessionCheck> {
    const sender = await who(input.profileId, input.xuid);
    const read = await readAs(sender, input);
    const sessionRef = sessionOrRefusal(read);
    const setup: PreflightSetup = { action: input.action, senderXuid: sender.xuid };
    if (input.inviteeXuid !== undefined) setup.inviteeXuid = input.inviteeXuid;
    if (input.senderPlatform !== undefined) setup.senderPlatform = input.senderPlatform;
    if (input.inviteePlatform !== undefined) setup.inviteePlatform = input.inviteePlatform;
    return { sessionRef, findings: preflightFindings(readSession(read.exchange?.response?.json), setup), step: read.step };
  }

  async function inspectSession(input: { profileId?: string; sessionRef?: SessionRef; handleId?: string }): Promise<SessionLook> {
    const reader = await deps.actor(input.profileId);
    const read = await readAs(reader, input);
    const sessionRef = sessionOrRefusal(read);
    const document = read.exchange?.response?.json;
    const view = readSession(document);
    const steps = [read.step];
    const handles: SessionLook['handles'] = [];
    const xuids = view.members.map((member) => member.xuid);
    if (xuids.length > 0) {
      // MPSD lists no handles per session; the members' activities are the ones that can point here.
      const query = await sendStep(deps.send, reader, `${reader.name} asks for the members' activities`, {
        kind: 'activity.query',
        scid: sessionRef.scid,
        xuids: xuids.slice(0, 100),
      });
      steps.push(query.step);
      for (const activity of activities(query.exchange?.response?.json)) {
        if (same(sessionRef, activity.sessionRef))
          handles.push({
            type: 'activity',
            id: activity.id,
            ...(activity.ownerXuid === undefined ? {} : { ownerXuid: activity.ownerXuid }),
          });
      }
    }
    for (const invite of deps.invitesTo(sessionRef)) {
      handles.push({
        type: 'invite',
        id: invite.handleId,
        at: invite.at,
        ...(invite.invitedXuid === undefined ? {} : { invitedXuid: invite.invitedXuid }),
      });
    }
    return { sessionRef, readAt: new Date().toISOString(), view, document, handles, steps };
  }

  /**
   * After `delayMs`, is `actor`'s activity for the session still there? MPSD applies its
   * presence check when the session is next read or written, so the session is read first
   * (which also shows whether the actor is still active), then the activity is asked for.
   */
  async function activityStillThere(
    actor: Actor & { xuid: string },
    sessionRef: SessionRef,
    delayMs: number,
  ): Promise<{ present: boolean; steps: InviteeStep[] }> {
    if (delayMs > 0) await deps.sleep(delayMs);
    const after = delayMs > 0 ? ` after ${delayMs} ms` : '';
    const read = await sendStep(deps.send, actor, `${actor.name} is still an active member${after}`, { kind: 'session.get', sessionRef });
    if (read.step.status !== 'passed') return { present: false, steps: [read.step] };
    const state = memberOf(readSession(read.exchange?.response?.json), actor.xuid)?.state;
    if (state !== 'active') {
      return {
        present: false,
        steps: [
          failedBecause(read, `${actor.name} is ${state === undefined ? 'no longer a member' : `now ${state}`}. ${ACTIVITY_DROPPED}`).step,
        ],
      };
    }
    const query = await sendStep(deps.send, actor, `${actor.name}'s activity is still there${after}`, {
      kind: 'activity.query',
      scid: sessionRef.scid,
      xuids: [actor.xuid],
    });
    if (query.step.status !== 'passed') return { present: false, steps: [read.step, query.step] };
    const present = activities(query.exchange?.response?.json).some(
      (activity) => activity.ownerXuid === actor.xuid && same(sessionRef, activity.sessionRef),
    );
    return { present, steps: [read.step, present ? query.step : failedBecause(query, ACTIVITY_DROPPED).step] };
  }

  async function confirmActivity(input: { profileId?: string; xuid?: string; sessionRef: SessionRef; delayMs: number }) {
    return activityStillThere(await who(input.profileId, input.xuid), input.sessionRef, input.delayMs);
  }

  async function roundTrip(plan: RoundTripPlan): Promise<RoundTrip> {
    const a = await who(plan.from, plan.fromXuid);
    const b = await who(plan.to, plan.toXuid);
    if (a.xuid === b.xuid) {
      throw new HandleStudioError(
        'VALIDATION',
        `Both profiles are the same user (XUID ${a.xuid}): a round trip needs two test accounts, A to invite and B to accept.`,
      );
    }
    const ref = plan.sessionRef;
    const said = {
      join: `${a.name} joins or creates the session`,
      activity: `${a.name} sets the activity`,
      invite: `${a.name} invites ${b.name}`,
      look: `${a.name}'s session shows ${b.name}`,
    };
    // The whole plan, by step name and whose token it uses, so a stopped run lists what it did not reach.
    const planned: Array<[string, string]> = [
      [said.join, a.name],
      [said.activity, a.name],
      [`${a.name} is still an active member`, a.name],
      [`${a.name}'s activity is still there`, a.name],
      [said.invite, a.name],
      [`${b.name} reads the invite`, b.name],
      [`${b.name} joins through the invite`, b.name],
      [`${b.name} reads the session back`, b.name],
      [said.look, a.name],
    ];
    const steps: InviteeStep[] = [];
    const report = (ok: boolean, extra: Partial<RoundTrip> = {}): RoundTrip => ({
      ok,
      sessionRef: ref,
      steps: ok ? steps : [...steps, ...skipped(planned.slice(steps.length))],
      ...extra,
    });
    const passed = (outcome: StepOutcome | { step: InviteeStep }) => {
      steps.push(outcome.step);
      return outcome.step.status === 'passed';
    };

    if (!passed(await sendStep(deps.send, a, said.join, { kind: 'session.join', sessionRef: ref, xuid: a.xuid }))) return report(false);
    const activity = await sendStep(deps.send, a, said.activity, { kind: 'activity.set', sessionRef: ref });
    if (!passed(activity)) return report(false);
    const activityId = activity.exchange?.handleId;
    const joinUri =
      activityId === undefined
        ? undefined
        : activityHandleJoinUri({ platform: 'pc', handleId: activityId, joinerXuid: b.xuid, joineeXuid: a.xuid });
    const check = await activityStillThere(a, ref, plan.activityCheckDelayMs ?? 0);
    steps.push(...check.steps);
    if (!check.present) return report(false, joinUri === undefined ? {} : { joinUri });

    const invite = await sendStep(deps.send, a, said.invite, {
      kind: 'invite.send',
      sessionRef: ref,
      invitedXuids: [b.xuid],
      senderXuid: a.xuid,
      titleId: plan.titleId,
      ...(plan.context === undefined ? {} : { context: plan.context }),
      ...(plan.contextString === undefined ? {} : { contextString: plan.contextString }),
      ...(plan.senderString === undefined ? {} : { senderString: plan.senderString }),
    });
    if (!passed(invite)) return report(false);
    const handleId = invite.result?.invitees?.[0]?.handleId ?? invite.exchange?.handleId;
    if (handleId === undefined) {
      steps[steps.length - 1] = failedBecause(invite, 'MPSD answered the invite without a handle id, so B has nothing to accept.').step;
      return report(false);
    }
    const uris = {
      inviteUri: inviteHandleAcceptUri({
        platform: 'pc',
        handleId,
        invitedXuid: b.xuid,
        senderXuid: a.xuid,
        ...(plan.context === undefined ? {} : { context: plan.context }),
      }),
      ...(joinUri === undefined ? {} : { joinUri }),
    };

    const accepted = await acceptInvite({ profileId: b.profileId, xuid: b.xuid, handleId });
    steps.push(...accepted.steps);
    if (!accepted.ok) return report(false, uris);

    const look = await sendStep(deps.send, a, said.look, { kind: 'session.get', sessionRef: ref });
    const seen = look.step.status === 'passed' ? memberOf(readSession(look.exchange?.response?.json), b.xuid) : undefined;
    if (look.step.status === 'passed' && seen === undefined) {
      steps.push(failedBecause(look, `${a.name}'s read of the session does not list ${b.name} (XUID ${b.xuid}).`).step);
      return report(false, uris);
    }
    if (seen !== undefined) look.step.message = `${b.name} is member ${seen.index}, ${seen.state}.`;
    return report(passed(look), uris);
  }

  return { acceptInvite, joinActivity, checkSession, inspectSession, confirmActivity, roundTrip };
}

export type InviteeService = ReturnType<typeof createInviteeService>;
