/**
 * The `handle ...` commands and the input rules of issue 9, run as the real CLI child process
 * against the local MPSD: joining through an invite or transfer handle, transfer and search
 * handles, joinability in query output, contract versions per call, SCID case and '.' in names.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { approveDeviceCode, shownCode, signInProfileArgs, useCliChildren, watchLogin, type EmulatorLine } from './cli-children.fixture.ts';
import type { CliRun } from './cli-process.fixture.ts';
import { FAKE_AUTHORIZATION, TEST_SCID as SCID, sessionFlags, skipWithoutKeychain, useCliWorld } from './cli-world.fixture.ts';

/** `handle search` over the test SCID's lobbies. */
const SEARCH_LOBBIES = ['handle', 'search', '--scid', SCID, '--template', 'LobbySession'];

const world = useCliWorld({ mpsd: true });
const cli = (args: string[], env: Record<string, string> = { XBL_AUTHORIZATION: FAKE_AUTHORIZATION }) => world.cli(args, { env });

/** The --json document of a run. */
function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

// Every step is a real process start; on a busy machine a test of several runs needs more than Vitest's default.
const RUNS = { timeout: 90_000 };

describe('handle commands without a server', RUNS, () => {
  it('--help offers each call only the contract versions it supports', async () => {
    const search = await cli(['handle', 'search', '--help']);
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/--contract 107\s+x-xbl-contract-version with XBL_AUTHORIZATION: 107 only for this call/);
    const invite = await cli(['invite', 'send', '--help']);
    expect(invite.stdout).toMatch(
      /--contract 104\|105\|107\s+x-xbl-contract-version with XBL_AUTHORIZATION: 104, 105 or 107 for this call/,
    );
    const join = await cli(['handle', 'join', '--help']);
    expect(join.stdout).toContain('--contract 104|105|107');
    expect(join.stdout).toContain('--active');
  });

  it('refuses a contract version the call does not support before sending (exit 3)', async () => {
    const run = await cli([...SEARCH_LOBBIES, '--contract', '105', '--endpoint', 'http://127.0.0.1:9']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--contract: search.query calls are sent with contract version 107 only, not "105".');
  });

  it('explains contextString and senderString: /// ids only, service senders only', async () => {
    const help = await cli(['invite', 'send', '--help']);
    expect(help.stdout).toContain('--context-string ///ID');
    expect(help.stdout).toContain('For service senders only');
    const run = await cli([
      'invite',
      'send',
      ...sessionFlags('lobby-7'),
      '--title-id',
      '1234',
      '--to',
      '2814679796296491',
      '--context-string',
      'Join my raid',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      '--context-string: Invite context string is the id of a custom invite string defined at ingestion, written with its "///" prefix',
    );
  });

  it('names the flag of a bad search attribute, filter or origin session', async () => {
    const where = sessionFlags('lobby-1', 'LobbySession');
    const spaced = await cli(['handle', 'search-create', ...where, '--string', 'Map Name=Urban']);
    expect(spaced.code).toBe(3);
    expect(spaced.stderr).toContain('--string: Attribute name "Map Name" must start with a letter and hold no spaces');
    const notANumber = await cli(['handle', 'search-create', ...where, '--number', 'MinLevel=lots']);
    expect(notANumber.code).toBe(3);
    expect(notANumber.stderr).toContain('--number MinLevel=lots: the value must be a number');
    const twoOrs = await cli([...SEARCH_LOBBIES, '--filter', 'numbers/a eq 1 or numbers/b eq 2 or numbers/c eq 3']);
    expect(twoOrs.code).toBe(3);
    expect(twoOrs.stderr).toContain('--filter: MPSD allows at most one "or"');
    const noOrigin = await cli(['handle', 'transfer', ...where]);
    expect(noOrigin.code).toBe(3);
    expect(noOrigin.stderr).toContain('--origin-session: Session name is required');
  });
});

describe('handle commands against a local MPSD', RUNS, () => {
  let me: { xuid: string; authorization: string };
  let alice: { xuid: string; authorization: string };
  const { as } = world;
  /** Setup steps go straight to MPSD: the CLI runs only for what a test is about (each run is a process start). */
  const mpsdCall = (user: { authorization: string }, method: string, path: string, body?: unknown) =>
    fetch(`${world.mpsd.url}${path}`, {
      method,
      headers: { Authorization: user.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json; charset=utf-8' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const sessionPath = (template: string, name: string) => `/serviceconfigs/${SCID}/sessionTemplates/${template}/sessions/${name}`;
  const join = async (user: { xuid: string; authorization: string }, template: string, name: string) => {
    const answer = await mpsdCall(user, 'PUT', sessionPath(template, name), {
      members: { me: { constants: { system: { initialize: true, xuid: user.xuid } }, properties: { system: { active: true } } } },
    });
    expect([200, 201]).toContain(answer.status);
  };
  /** The session document as its member sees it (GET, contract 107). */
  const sessionDocument = async (template: string, name: string, reader = me) => {
    const answer = await mpsdCall(reader, 'GET', sessionPath(template, name));
    expect(answer.status).toBe(200);
    return (await answer.json()) as {
      members: Record<string, { constants: { system: { xuid: string } }; properties?: { system?: { active?: boolean } } }>;
    };
  };
  const memberXuids = async (template: string, name: string) =>
    Object.values((await sessionDocument(template, name)).members).map((member) => member.constants.system.xuid);

  beforeEach(() => {
    [me, alice] = [world.user(0), world.user(1)];
  });

  it('handle join through an invite: the invitee becomes an active member, and the session is named from Content-Location', async () => {
    await join(me, 'GameSession', 'lobby-7');
    const invite = await as(me, [
      'invite',
      'send',
      ...sessionFlags('lobby-7'),
      '--title-id',
      '1234',
      '--to',
      alice.xuid,
      '--context-string',
      '///JoinMyRaid',
      '--json',
    ]);
    expect(invite.code, invite.stderr).toBe(0);
    const handleId = json<{ invitees: { handleId: string }[] }>(invite).invitees[0]!.handleId;
    expect(world.mpsd.invites()[0]?.inviteAttributes).toMatchObject({ contextString: '///JoinMyRaid' });

    const joined = await as(alice, ['handle', 'join', '--handle', handleId, '--xuid', alice.xuid, '--active']);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toContain(`PUT /handles/${handleId}/session -> 200`);
    expect(joined.stdout).toMatch(new RegExp(`Session: ${SCID} GameSession/lobby-7`, 'i'));
    const members = Object.values((await sessionDocument('GameSession', 'lobby-7')).members);
    expect(members.find((member) => member.constants.system.xuid === alice.xuid)?.properties?.system?.active).toBe(true);

    const handle = await as(alice, ['handle', 'get', '--handle', handleId]);
    expect(handle.code, handle.stderr).toBe(0);
    expect(handle.stdout).toMatch(
      new RegExp(`invite handle for GameSession/lobby-7  invites ${alice.xuid} from ${me.xuid}  title 1234  expires \\d{4}-`),
    );
    const read = await as(alice, ['handle', 'session', '--handle', handleId, '--json']);
    expect(read.code, read.stderr).toBe(0);
    expect(json<{ session: { templateName: string; name: string } }>(read).session).toMatchObject({
      templateName: 'GameSession',
      name: 'lobby-7',
    });
  });

  it('activity get says whether the session can be joined, and why not once it is closed', async () => {
    await join(me, 'GameSession', 'lobby-8');
    const activity = await mpsdCall(me, 'POST', '/handles', {
      version: 1,
      type: 'activity',
      sessionRef: { scid: SCID, templateName: 'GameSession', name: 'lobby-8' },
    });
    expect([200, 201]).toContain(activity.status);
    const open = await as(alice, ['activity', 'get', '--scid', SCID, '--xuid', me.xuid]);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout).toMatch(new RegExp(`${me.xuid} is in GameSession/lobby-8  handle [0-9a-f-]{36}  1/\\d+ members  joinable`));
    expect(open.stdout).toContain('POST /handles/query?include=relatedInfo,customProperties -> 200');

    const close = await mpsdCall(me, 'PUT', sessionPath('GameSession', 'lobby-8'), { properties: { system: { closed: true } } });
    expect(close.status).toBe(200);
    const closed = await as(alice, ['activity', 'get', '--scid', SCID, '--xuid', me.xuid, '--json']);
    const handles = json<{ handles: { relatedInfo: { closed: boolean }; joinability: { verdict: string; reasons: string[] } }[] }>(
      closed,
    ).handles;
    expect(handles[0]).toMatchObject({ relatedInfo: { closed: true }, joinability: { verdict: 'not-joinable', reasons: ['closed'] } });
    expect((await as(alice, ['activity', 'get', '--scid', SCID, '--xuid', me.xuid])).stdout).toContain('not joinable: closed');
  });

  it('search-create, then search finds the session by its attributes, and not when the filter excludes it', async () => {
    await join(me, 'LobbySession', 'lobby-1');
    const created = await as(me, [
      'handle',
      'search-create',
      ...sessionFlags('lobby-1', 'LobbySession'),
      '--tag',
      'ProRankOnly',
      '--string',
      'mapname=Urban City',
      '--number',
      'minlevel=25',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const searchHandle = json<{ requests: { handleId: string; status: number }[] }>(created).requests[0]!;
    expect([200, 201]).toContain(searchHandle.status);
    expect(searchHandle.handleId).toMatch(/^[0-9a-f-]{36}$/);

    const found = await as(alice, [...SEARCH_LOBBIES, '--filter', 'numbers/minlevel le 30', '--order-by', 'numbers/minlevel desc']);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toMatch(
      new RegExp(`LobbySession/lobby-1  handle ${searchHandle.handleId}  1/\\d+ members  joinable  tags prorankonly`, 'i'),
    );
    const none = await as(alice, [...SEARCH_LOBBIES, '--filter', 'numbers/minlevel gt 30']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('No search handle found.');

    const read = await as(me, ['handle', 'get', '--handle', searchHandle.handleId, '--json']);
    expect(
      json<{ requests: { body: { type: string; searchAttributes: { numbers: Record<string, number> } } }[] }>(read).requests[0]!.body,
    ).toMatchObject({
      type: 'search',
      searchAttributes: { numbers: { minlevel: 25 } },
    });
    const deleted = await as(me, ['handle', 'delete', '--handle', searchHandle.handleId]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await as(alice, SEARCH_LOBBIES)).stdout).toContain('No search handle found.');
  });

  it('transfer: a member of the lobby creates it, another lobby member joins the game session through it', async () => {
    await join(me, 'LobbySession', 'lobby-2');
    await join(alice, 'LobbySession', 'lobby-2');
    await join(me, 'GameSession', 'match-2');
    const created = await as(me, [
      'handle',
      'transfer',
      ...sessionFlags('match-2'),
      '--origin-template',
      'LobbySession',
      '--origin-session',
      'lobby-2',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const transferId = json<{ requests: { handleId: string }[] }>(created).requests[0]!.handleId;
    const read = await as(me, ['handle', 'get', '--handle', transferId, '--json']);
    expect(json<{ handle: unknown }>(read).handle).toMatchObject({
      type: 'transfer',
      sessionRef: { templateName: 'GameSession', name: 'match-2' },
      originSessionRef: { templateName: 'LobbySession', name: 'lobby-2' },
    });

    const joined = await as(alice, ['handle', 'join', '--handle', transferId, '--xuid', alice.xuid]);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toMatch(/Session: \S+ GameSession\/match-2/);
    expect(await memberXuids('GameSession', 'match-2')).toEqual(expect.arrayContaining([me.xuid, alice.xuid]));
  });

  it('sends the SCID in the case it was typed, and names with dots as they are', async () => {
    const upper = SCID.toUpperCase();
    const run = await as(me, ['session', 'join', ...sessionFlags('lobby.9', 'GameSession', upper), '--xuid', me.xuid, '--json']);
    const url = json<{ requests: { url: string }[] }>(run).requests[0]!.url;
    expect(url).toBe(`${world.mpsd.url}/serviceconfigs/${upper}/sessionTemplates/GameSession/sessions/lobby.9`);
    expect(run.code, run.stderr).toBe(0);
    expect(await memberXuids('GameSession', 'lobby.9')).toEqual([me.xuid]);
  });
});

describe('handle join with a signed-in profile', RUNS, () => {
  const children = useCliChildren();

  it("joins as the profile's signed-in user when --xuid is left out, through the app's send channel, and history keeps the call", async (context) => {
    const { printed } = await children.emulator(world.dataDir);
    const [host, joiner] = printed.users as [EmulatorLine['users'][number], EmulatorLine['users'][number]];
    const add = await cli(signInProfileArgs('joiner', printed));
    skipWithoutKeychain(add, context);
    expect(add.code, add.stderr).toBe(0);
    world.removeAfterTest('joiner');

    // Device-code sign-in, approved for the joiner as a second device would.
    const login = watchLogin(children.start(world.dataDir, ['profile', 'login', 'joiner']));
    const userCode = await shownCode(login, context);
    const approved = await approveDeviceCode(printed, userCode, joiner.xuid);
    expect(approved.status).toBe(200);
    expect((await login.done).code).toBe(0);

    // The host opens a session and invites the joiner.
    const call = (path: string, method: string, body: unknown) =>
      fetch(`${printed.url}${path}`, {
        method,
        headers: { Authorization: host.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
      });
    const opened = await call(`/serviceconfigs/${SCID}/sessionTemplates/GameSession/sessions/party-1`, 'PUT', {
      members: { me: { constants: { system: { initialize: true, xuid: host.xuid } }, properties: { system: { active: true } } } },
    });
    expect([200, 201]).toContain(opened.status);
    const invited = await call('/handles', 'POST', {
      version: 1,
      type: 'invite',
      sessionRef: { scid: SCID, templateName: 'GameSession', name: 'party-1' },
      invitedXuid: joiner.xuid,
      inviteAttributes: { titleId: '1234' },
    });
    const inviteId = ((await invited.json()) as { id: string }).id;

    const joined = await cli(['handle', 'join', '--handle', inviteId, '--profile', 'joiner', '--active', '--json']);
    expect(joined.code, joined.stderr).toBe(0);
    const answer = json<{ session: { name: string }; requests: { status: number }[] }>(joined);
    expect(answer.session).toMatchObject({ templateName: 'GameSession', name: 'party-1' });
    const sent = await fetch(`${printed.url}/serviceconfigs/${SCID}/sessionTemplates/GameSession/sessions/party-1`, {
      headers: { Authorization: host.authorization, 'x-xbl-contract-version': '107' },
    });
    const members = Object.values(
      ((await sent.json()) as { members: Record<string, { constants: { system: { xuid: string } } }> }).members,
    );
    expect(members.map((member) => member.constants.system.xuid)).toContain(joiner.xuid);

    const history = await cli(['history', '--kind', 'handle.join', '--json']);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain(inviteId);
  });
});
