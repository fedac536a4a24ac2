/**
 * The invitee's side through core's dispatcher, as the app and the CLI use it, against the real
 * local MPSD over loopback with two profiles: A (the inviter) and B (the invitee), each with its
 * own pasted test-user token. Every call goes through the send path, so history holds each one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalMpsd, type LocalMpsd, type LocalMpsdOptions, type LocalMpsdUser } from '../../emulator/index.ts';
import { sessionChanges } from '../../shared/invitee/session-view.ts';
import { systemClock } from '../clock.ts';
import { MemoryVault } from '../credentials/memory-vault.ts';
import { createHandleStudio, type HandleStudio } from '../handle-studio.ts';
import { ACTIVITY_DROPPED } from './invitee-service.ts';

const SCID = '00000000-0000-0000-0000-0000abcdef02';
/** The shipped templates plus two built to trip pre-flight and the round trip. */
const TEMPLATES = {
  serviceConfigs: {
    '*': {
      GameSession: {
        constants: {
          system: {
            inviteProtocol: 'game',
            inactiveRemovalTimeout: 7200000,
            capabilities: { gameplay: true, connectionRequiredForActiveMembers: true },
          },
        },
      },
      PrivateSession: {
        constants: {
          system: {
            inviteProtocol: 'game',
            visibility: 'private',
            capabilities: { gameplay: true, connectionRequiredForActiveMembers: true },
          },
        },
      },
      ChatSession: { constants: { system: { inviteProtocol: 'chat', maxMembersCount: 1 } } },
    },
  },
};

let dataDir: string;
let mpsd: LocalMpsd | null = null;
let studio: HandleStudio | null = null;

afterEach(async () => {
  await studio?.close();
  await mpsd?.stop();
  studio = null;
  mpsd = null;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Answers typed loosely on purpose: each test reads the fields it checks. */
type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call<T = Answer>(channel: string, input: unknown): Promise<T> {
  const result = await studio!.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

interface Side {
  id: string;
  user: LocalMpsdUser;
}

async function open(options: LocalMpsdOptions = {}): Promise<{ a: Side; b: Side }> {
  dataDir = mkdtempSync(join(tmpdir(), 'handle-studio-invitee-'));
  mpsd = await startLocalMpsd({ templates: TEMPLATES, ...options });
  const vault = new MemoryVault();
  studio = await createHandleStudio({
    dataDir,
    shell: 'browser',
    version: 'test',
    fetch: globalThis.fetch,
    clock: systemClock,
    openKeychain: async () => vault,
  });
  const side = async (name: string, user: LocalMpsdUser): Promise<Side> => {
    const profile = await call('saveProfile', { name, environment: 'local', endpoint: mpsd!.url, sandboxId: 'XDKS.1' });
    await call('pasteToken', { profileId: profile.id, authorization: user.authorization });
    return { id: profile.id, user };
  };
  return { a: await side('Alpha', mpsd.users[0]!), b: await side('Bravo', mpsd.users[1]!) };
}

async function preset(templateName: string): Promise<string> {
  const saved = await call('createPreset', {
    name: `Round trip ${templateName}`,
    sessionRef: { scid: SCID, templateName, newNameEachTime: true },
    inviteAttributes: { titleId: '1234', context: 'raid 7' },
    recipients: [],
    joinAndSetActivityFirst: true,
    notes: '',
  });
  return saved.id;
}

/** A session built straight on the MPSD (constants and properties no request kind sets), A its active member. */
async function buildSession(a: Side, templateName: string, name: string, properties: Record<string, unknown> = {}) {
  const answer = await fetch(`${mpsd!.url}/serviceconfigs/${SCID}/sessionTemplates/${templateName}/sessions/${name}`, {
    method: 'PUT',
    headers: { Authorization: a.user.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      properties: { system: properties },
      members: { me: { constants: { system: { xuid: a.user.xuid, initialize: true } }, properties: { system: { active: true } } } },
    }),
  });
  expect(answer.status).toBeLessThan(300);
  return { scid: SCID, templateName, name };
}

describe('round trip', () => {
  it('A joins, sets the activity and invites B; B reads the invite and joins; A sees B', async () => {
    const { a, b } = await open();
    const trip = await call('runRoundTrip', {
      fromProfileId: a.id,
      toProfileId: b.id,
      presetId: await preset('GameSession'),
      fromXuid: a.user.xuid,
      toXuid: b.user.xuid,
    });
    expect(trip.steps.map((step: { status: string }) => step.status)).toEqual(Array(9).fill('passed'));
    expect(trip.ok).toBe(true);
    expect(trip.sessionRef.name).toMatch(/^roundtrip-[0-9a-f]{8}$/);
    for (const step of trip.steps) {
      expect(step.correlationId).toMatch(/^[0-9a-f-]{36}$/i);
      expect(Date.parse(step.startedAt)).not.toBeNaN();
    }
    expect(trip.steps.at(-1).message).toMatch(/^Bravo is member \d+, inactive\.$/);
    // Exactly one invite, to B, and it is the one the activation URI names.
    const invites = mpsd!.invites();
    expect(invites.map((invite) => invite.invitedXuid)).toEqual([b.user.xuid]);
    expect(trip.inviteUri).toBe(
      `ms-xbl-multiplayer://inviteHandleAccept?handle=${invites[0]!.id}&invitedXuid=${b.user.xuid}&senderXuid=${a.user.xuid}&context=raid%207`,
    );
    expect(trip.joinUri).toMatch(
      new RegExp(`^ms-xbl-multiplayer://activityHandleJoin\\?&handle=[0-9a-f-]{36}&joinerXuid=${b.user.xuid}&joineeXuid=${a.user.xuid}$`),
    );
    // Each call is in history, as each profile.
    const history = await call('listHistory', { limit: 50 });
    expect(history.entries.map((entry: { kind: string }) => entry.kind).reverse()).toEqual([
      'session.join',
      'activity.set',
      'session.get',
      'activity.query',
      'invite.send',
      'handle.get',
      'handle.join',
      'session.get',
      'session.get',
    ]);
    expect(new Set(history.entries.map((entry: { profileName: string }) => entry.profileName))).toEqual(new Set(['Alpha', 'Bravo']));
  });

  it("stops at the failing step with MPSD's words, and lists the rest as not run", async () => {
    const { a, b } = await open();
    const trip = await call('runRoundTrip', {
      fromProfileId: a.id,
      toProfileId: b.id,
      presetId: await preset('PrivateSession'),
      fromXuid: a.user.xuid,
      toXuid: b.user.xuid,
    });
    expect(trip.ok).toBe(false);
    expect(trip.steps.map((step: { status: string }) => step.status)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'failed',
      'skipped',
      'skipped',
    ]);
    const failed = trip.steps[6];
    expect(failed.name).toBe('Bravo joins through the invite');
    expect(failed.httpStatus).toBe(403);
    expect(failed.correlationId).toBeDefined();
    expect(failed.mpsdSaid).toBeTruthy();
    expect(trip.steps[7].message).toBe('Not run: an earlier step failed.');
  });

  it('refuses two profiles of the same user, and a pasted token without its XUID, in words', async () => {
    const { a, b } = await open();
    const presetId = await preset('GameSession');
    const same = await studio!.dispatch('runRoundTrip', {
      fromProfileId: a.id,
      toProfileId: b.id,
      presetId,
      fromXuid: a.user.xuid,
      toXuid: a.user.xuid,
    });
    expect(same.ok ? '' : same.error.message).toContain('needs two test accounts');
    const unnamed = await studio!.dispatch('runRoundTrip', { fromProfileId: a.id, toProfileId: b.id, presetId });
    expect(unnamed.ok ? '' : unnamed.error.message).toBe(
      'Profile "Alpha" has a pasted token, which does not say which user it is: give that user\'s XUID too, or sign the profile in.',
    );
    expect((await call('listHistory', { limit: 5 })).entries).toEqual([]);
  });

  it('refuses an MPA preset (the round trip follows MPSD handles), sending nothing', async () => {
    const { a, b } = await open();
    const mpa = await call('createPreset', { service: 'mpa', name: 'Squad', titleId: '1234', recipients: [], notes: '' });
    const refused = await studio!.dispatch('runRoundTrip', { fromProfileId: a.id, toProfileId: b.id, presetId: mpa.id });
    expect(refused.ok ? '' : refused.error.message).toContain(
      'Preset "Squad" is an MPA preset: the round trip follows MPSD\'s invite handles',
    );
    expect(mpsd!.stats().requests).toBe(0);
  });
});

describe('accept and join as B', () => {
  it("accepts an invite from history as B: reads it, joins through it, shows B's membership and the activation URI", async () => {
    const { a, b } = await open();
    const ref = { scid: SCID, templateName: 'GameSession', name: 'accept-1' };
    await call('sendRequest', { runId: 'join', profileId: a.id, request: { kind: 'session.join', sessionRef: ref, xuid: a.user.xuid } });
    const sent = await call('sendRequest', {
      runId: 'invite',
      profileId: a.id,
      request: { kind: 'invite.send', sessionRef: ref, invitedXuids: [b.user.xuid], titleId: '0x4D2' },
    });
    const handleId = sent.invitees[0].handleId;

    const accepted = await call('acceptInvite', { profileId: b.id, xuid: b.user.xuid, handleId });
    expect(accepted.ok).toBe(true);
    expect(accepted.sessionRef).toEqual(ref);
    expect(accepted.membership).toMatchObject({ xuid: b.user.xuid, state: 'inactive' });
    expect(accepted.steps.map((step: { name: string }) => step.name)).toEqual([
      'Bravo reads the invite',
      'Bravo joins through the invite',
      'Bravo reads the session back',
    ]);
    expect(accepted.activationUri).toBe(
      `ms-xbl-multiplayer://inviteHandleAccept?handle=${handleId}&invitedXuid=${b.user.xuid}&senderXuid=${a.user.xuid}&context=`,
    );
  });

  it('an activity handle is not an invite: says to use Join game', async () => {
    const { a, b } = await open();
    const ref = { scid: SCID, templateName: 'GameSession', name: 'accept-2' };
    await call('sendRequest', { runId: 'join', profileId: a.id, request: { kind: 'session.join', sessionRef: ref, xuid: a.user.xuid } });
    const activity = await call('sendRequest', { runId: 'activity', profileId: a.id, request: { kind: 'activity.set', sessionRef: ref } });
    const accepted = await call('acceptInvite', { profileId: b.id, xuid: b.user.xuid, handleId: activity.exchanges[0].handleId });
    expect(accepted.ok).toBe(false);
    expect(accepted.steps[0].message).toContain('is an activity handle, not an invite');
  });

  it("joins A's game through A's activity as B", async () => {
    const { a, b } = await open();
    const ref = { scid: SCID, templateName: 'GameSession', name: 'join-1' };
    await call('sendRequest', { runId: 'join', profileId: a.id, request: { kind: 'session.join', sessionRef: ref, xuid: a.user.xuid } });
    const activity = await call('sendRequest', { runId: 'activity', profileId: a.id, request: { kind: 'activity.set', sessionRef: ref } });
    const joined = await call('joinActivity', { profileId: b.id, xuid: b.user.xuid, scid: SCID, ownerXuid: a.user.xuid });
    expect(joined.ok).toBe(true);
    expect(joined.membership.xuid).toBe(b.user.xuid);
    expect(joined.activationUri).toBe(
      `ms-xbl-multiplayer://activityHandleJoin?&handle=${activity.exchanges[0].handleId}&joinerXuid=${b.user.xuid}&joineeXuid=${a.user.xuid}`,
    );

    const nobody = await call('joinActivity', { profileId: a.id, xuid: a.user.xuid, scid: SCID, ownerXuid: mpsd!.users[2]!.xuid });
    expect(nobody.ok).toBe(false);
    expect(nobody.steps[0].message).toContain('has no activity in SCID');
  });
});

describe('pre-flight against the local MPSD', () => {
  it('finds what was built into the session, and nothing in a plain one', async () => {
    const { a, b } = await open();
    const plain = await buildSession(a, 'GameSession', 'plain');
    expect(
      (await call('checkSession', { profileId: a.id, xuid: a.user.xuid, sessionRef: plain, action: 'invite', inviteeXuid: b.user.xuid }))
        .findings,
    ).toEqual([]);

    const chat = await buildSession(a, 'ChatSession', 'chat', { closed: true, joinRestriction: 'followed' });
    const found = await call('checkSession', {
      profileId: a.id,
      xuid: a.user.xuid,
      sessionRef: chat,
      action: 'invite',
      inviteeXuid: b.user.xuid,
      inviteePlatform: 'pc',
    });
    expect(found.findings.map((finding: { id: string }) => finding.id)).toEqual([
      'invite-protocol',
      'closed',
      'full',
      'join-restriction',
      'pc-user-authorization',
      'cross-play',
      'gameplay',
    ]);
    expect(found.step.correlationId).toBeDefined();

    const privateOne = await buildSession(a, 'PrivateSession', 'private');
    const reserveFirst = await call('checkSession', {
      profileId: a.id,
      xuid: a.user.xuid,
      sessionRef: privateOne,
      action: 'invite',
      inviteeXuid: b.user.xuid,
    });
    expect(reserveFirst.findings.map((finding: { id: string }) => finding.id)).toEqual(['visibility']);
    // B cannot even read a private session: the check fails with MPSD's words.
    const refused = await studio!.dispatch('checkSession', {
      profileId: b.id,
      xuid: b.user.xuid,
      sessionRef: privateOne,
      action: 'invite',
    });
    expect(refused.ok ? '' : refused.error.message).toContain('private sessions can only be read by session members');
    const missing = await studio!.dispatch('checkSession', {
      profileId: a.id,
      xuid: a.user.xuid,
      sessionRef: { ...plain, name: 'missing' },
      action: 'invite',
    });
    expect(missing.ok ? '' : missing.error.message).toContain('There is no such session (MPSD answered 204)');
  });
});

describe('activity query-back', () => {
  it('warns when MPSD dropped the activity, saying how to suppress the presence check', async () => {
    const { a } = await open({ presenceCheck: true });
    const presence = (titleId: string | null) =>
      fetch(`${mpsd!.url}/_emulator/presence`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ xuid: a.user.xuid, titleId }),
      });
    await presence('1234');
    const ref = { scid: SCID, templateName: 'GameSession', name: 'presence-1' };
    await call('sendRequest', { runId: 'join', profileId: a.id, request: { kind: 'session.join', sessionRef: ref, xuid: a.user.xuid } });
    await call('sendRequest', { runId: 'activity', profileId: a.id, request: { kind: 'activity.set', sessionRef: ref } });
    expect((await call('confirmActivity', { profileId: a.id, xuid: a.user.xuid, sessionRef: ref, delayMs: 0 })).present).toBe(true);

    await presence(null);
    const after = await call('confirmActivity', { profileId: a.id, xuid: a.user.xuid, sessionRef: ref, delayMs: 10 });
    expect(after.present).toBe(false);
    expect(after.steps).toHaveLength(1);
    expect(after.steps[0].status).toBe('failed');
    expect(after.steps[0].message).toBe(`Alpha is now inactive. ${ACTIVITY_DROPPED}`);
    expect(after.steps[0].name).toBe('Alpha is still an active member after 10 ms');
  });
});

describe('session inspector', () => {
  it('shows settings, members with states, the handles pointing at the session, and B joining on the next look', async () => {
    const { a, b } = await open();
    const ref = { scid: SCID, templateName: 'GameSession', name: 'inspect-1' };
    await call('sendRequest', { runId: 'join', profileId: a.id, request: { kind: 'session.join', sessionRef: ref, xuid: a.user.xuid } });
    const activity = await call('sendRequest', { runId: 'activity', profileId: a.id, request: { kind: 'activity.set', sessionRef: ref } });
    const sent = await call('sendRequest', {
      runId: 'invite',
      profileId: a.id,
      request: { kind: 'invite.send', sessionRef: ref, invitedXuids: [b.user.xuid], titleId: '1234' },
    });
    const handleId = sent.invitees[0].handleId;

    const first = await call('inspectSession', { profileId: a.id, sessionRef: ref });
    expect(first.view.members.map((member: { xuid: string; state: string }) => [member.xuid, member.state])).toEqual([
      [a.user.xuid, 'active'],
    ]);
    expect(first.view.inviteProtocol).toBe('game');
    expect(first.handles).toEqual([
      { type: 'activity', id: activity.exchanges[0].handleId, ownerXuid: a.user.xuid },
      expect.objectContaining({ type: 'invite', id: handleId, invitedXuid: b.user.xuid }),
    ]);

    await call('acceptInvite', { profileId: b.id, xuid: b.user.xuid, handleId });
    // Opened from the invite handle this time, as from a history entry.
    const second = await call('inspectSession', { profileId: a.id, handleId });
    expect(second.sessionRef).toEqual(ref);
    expect(sessionChanges(first.view, second.view).map((change) => change.what)).toEqual(['joined']);
    expect(sessionChanges(first.view, second.view)[0]!.says).toContain(`(${b.user.xuid}) joined as inactive`);
  });
});
