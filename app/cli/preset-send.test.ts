/**
 * `preset send` and `draft send` for MPA, against the local MPA (the local MPSD serves it under
 * /titles/ on its own origin): an MPA preset is one invite call for all its recipients, a
 * preset of the other service than the profile's is refused before anything is sent, and an
 * MPA draft goes out through sendMpa.
 */
import { describe, expect, it } from 'vitest';
import { TEST_SCID, sessionFlags, useCliWorld } from './cli-world.fixture.ts';

const world = useCliWorld({ mpsd: { rateLimits: true } });
const { cli, user, as } = world;

/** Saves an MPA preset through the CLI, as a person would. */
async function saveSquad(name: string, invitees: readonly string[], extra: string[] = []): Promise<void> {
  const saved = await cli([
    'preset',
    'save',
    name,
    '--service',
    'mpa',
    '--title-id',
    '0x4D2',
    ...invitees.flatMap((xuid, index) => ['--to', index === 0 ? `${xuid}=Alice` : xuid]),
    ...extra,
  ]);
  expect(saved.code, saved.stderr).toBe(0);
}

describe('preset send for an MPA preset', () => {
  it('sets the activity, then invites 3 recipients in ONE call, printing each invitee', async () => {
    const [a, b, c, d] = [user(0), user(1), user(2), user(3)];
    await saveSquad(
      'Squad lobby',
      [b.xuid, c.xuid, d.xuid],
      ['--connection', 'lobby:9f2c', '--join-restriction', 'Followed', '--max-players', '8'],
    );
    const shown = await cli(['preset', 'show', 'Squad lobby']);
    expect(shown.stdout).toContain('MPA, title 0x4D2 (1234)');
    expect(shown.stdout).toContain('sets the activity first: Followed, ?/8 players, cross-platform, connection string "lobby:9f2c"');

    const before = world.mpsd.stats().requests;
    const sent = await as(a, ['preset', 'send', 'Squad lobby', '--xuid', a.xuid]);
    expect(sent.code, sent.stderr).toBe(0);
    // Two MPA calls in all: the activity, then one invite for the three.
    expect(world.mpsd.stats().requests - before).toBe(2);
    expect(sent.stdout).toContain('mpa.activity.set: done (204).');
    expect(sent.stdout).toContain('Invited 3 in one MPA call (204):');
    const lines = sent.stdout.split('\n').filter((line) => / {2}\d+: invited/.test(line));
    expect(lines.map((line) => line.trim().split(':')[0])).toEqual([b.xuid, c.xuid, d.xuid]);
    expect(world.mpsd.mpa().invites.map((invite) => [invite.sender, invite.invitedUser, invite.titleId, invite.connectionString])).toEqual([
      [a.xuid, b.xuid, '1234', 'lobby:9f2c'],
      [a.xuid, c.xuid, '1234', 'lobby:9f2c'],
      [a.xuid, d.xuid, '1234', 'lobby:9f2c'],
    ]);
    expect(world.mpsd.mpa().activities).toEqual([
      expect.objectContaining({
        xuid: a.xuid,
        titleId: '1234',
        connectionString: 'lobby:9f2c',
        joinRestriction: 'Followed',
        maxPlayers: 8,
      }),
    ]);
  });

  it('answers --json with one document: the invite call, the activity call before it', async () => {
    const [a, b] = [user(0), user(1)];
    await saveSquad('Squad lobby', [b.xuid], ['--connection', 'lobby:1', '--join-restriction', 'Public']);
    const sent = await as(a, ['preset', 'send', 'Squad lobby', '--xuid', a.xuid, '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({
      kind: 'mpa.invite.send',
      outcome: 'sent',
      invitees: [{ xuid: b.xuid, outcome: 'invited' }],
      before: [{ kind: 'mpa.activity.set', outcome: 'sent', status: 204 }],
    });
  });

  it('sends nothing when the invite would be bad, and stops before the invite when the activity is refused', async () => {
    const [a, b] = [user(0), user(1)];
    // Sixteen invitees (the most one MPA call takes); nothing reaches them in this test.
    const sixteen = Array.from({ length: 16 }, (_, index) => String(2814660000001000 + index));
    await saveSquad('Full squad', sixteen, ['--connection', 'lobby:2', '--join-restriction', 'Public']);
    const before = world.mpsd.stats().requests;
    const tooMany = await as(a, ['preset', 'send', 'Full squad', '--xuid', a.xuid, '--to', '2814660000009999']);
    expect(tooMany.code).toBe(3);
    expect(tooMany.stderr).toContain('Preset "Full squad" cannot be sent: ');
    expect(tooMany.stderr).toContain('at most 16 XUIDs in one call');
    expect(world.mpsd.stats().requests).toBe(before);

    // Setting someone else's activity is refused by MPA: the invite is not sent after it.
    const refused = await as(b, ['preset', 'send', 'Full squad', '--xuid', a.xuid]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('Stopped before mpa.invite.send');
    expect(world.mpsd.mpa().invites).toEqual([]);
  });

  it('needs your XUID to set the activity, and says so', async () => {
    const [a, b] = [user(0), user(1)];
    await saveSquad('Squad lobby', [b.xuid], ['--connection', 'lobby:3', '--join-restriction', 'Public']);
    const missing = await as(a, ['preset', 'send', 'Squad lobby']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('--xuid: preset "Squad lobby" sets your MPA activity first');
  });
});

describe('preset send --queue', () => {
  it('puts an MPA preset that cannot go out now in the outbox only when asked: the invite is ONE item for both recipients', async () => {
    const [a, b, c] = [user(0), user(1), user(2)];
    // A profile without a token: nothing can go out now (no token, or no keychain to read one from).
    await world.addProfile('mpa-box', world.mpsd.url, { service: 'mpa' });
    await saveSquad('Squad lobby', [b.xuid, c.xuid], ['--connection', 'lobby:q', '--join-restriction', 'Public']);

    const notAsked = await cli(['preset', 'send', 'Squad lobby', '--profile', 'mpa-box', '--xuid', a.xuid]);
    expect(notAsked.code).toBe(4);
    expect(notAsked.stderr).toContain('Stopped before mpa.invite.send');
    expect(JSON.parse((await cli(['outbox', 'list', '--json'])).stdout).items).toEqual([]);

    const queued = await cli(['preset', 'send', 'Squad lobby', '--profile', 'mpa-box', '--xuid', a.xuid, '--queue']);
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toContain('mpa.invite.send not sent now');
    expect(queued.stdout).toContain(`  ${b.xuid}: queued`);
    const items = (JSON.parse((await cli(['outbox', 'list', '--json'])).stdout) as { items: { kind: string; state: string }[] }).items;
    expect(items.map((item) => [item.kind, item.state])).toEqual([
      ['mpa.activity.set', 'queued'],
      ['mpa.invite.send', 'queued'],
    ]);
    expect(world.mpsd.mpa().invites).toEqual([]);
  });
});

describe('one service per title', () => {
  it('refuses an MPSD preset as an MPA profile and an MPA preset as an MPSD profile, saying why and how to fix it', async () => {
    const [b] = [user(1)];
    await world.addProfile('mpa-box', world.mpsd.url, { service: 'mpa' });
    await world.addProfile('mpsd-box', world.mpsd.url);
    const lobby = await cli(['preset', 'save', 'Lobby', ...sessionFlags('lobby-7'), '--title-id', '1234', '--to', b.xuid]);
    expect(lobby.code, lobby.stderr).toBe(0);
    await saveSquad('Squad lobby', [b.xuid]);
    const before = world.mpsd.stats().requests;

    const mpsdAsMpa = await cli(['preset', 'send', 'Lobby', '--profile', 'mpa-box']);
    expect(mpsdAsMpa.code).toBe(3);
    expect(mpsdAsMpa.stderr).toContain(
      'Preset "Lobby" is for MPSD handles but profile "mpa-box" is set to Multiplayer Activity (MPA). Microsoft advises one service per title, not both',
    );
    expect(mpsdAsMpa.stderr).toContain('Send it as a profile set to MPSD handles (--profile NAME');

    const mpaAsMpsd = await cli(['preset', 'send', 'Squad lobby', '--profile', 'mpsd-box']);
    expect(mpaAsMpsd.code).toBe(3);
    expect(mpaAsMpsd.stderr).toContain(
      'Preset "Squad lobby" is for Multiplayer Activity (MPA) but profile "mpsd-box" is set to MPSD handles.',
    );

    // `invite send --preset` keeps the same rule.
    const inviteAsMpa = await cli(['invite', 'send', '--preset', 'Lobby', '--profile', 'mpa-box']);
    expect(inviteAsMpa.code).toBe(3);
    expect(inviteAsMpa.stderr).toContain('Preset "Lobby" is for MPSD handles but profile "mpa-box" is set to Multiplayer Activity (MPA).');

    // `invite send` sends MPSD handles: it points an MPA preset to `preset send`.
    const viaInvite = await cli(['invite', 'send', '--preset', 'Squad lobby', '--profile', 'mpa-box']);
    expect(viaInvite.code).toBe(3);
    expect(viaInvite.stderr).toContain('Send it with `handle-studio preset send "Squad lobby"`');
    expect(world.mpsd.stats().requests).toBe(before);

    // Each profile is offered its own service's presets.
    const offered = await cli(['preset', 'list', '--profile', 'mpa-box']);
    expect(offered.stdout).toContain('Squad lobby');
    expect(offered.stdout).not.toContain('Lobby\n');
    expect((await cli(['preset', 'list', '--profile', 'mpsd-box'])).stdout).not.toContain('Squad lobby');
  });

  it('sends an MPA preset as a profile set to MPA, with its stored token', async (context) => {
    const [a, b, c] = [user(0), user(1), user(2)];
    await world.addProfile('mpa-box', world.mpsd.url, {
      service: 'mpa',
      token: { authorization: a.authorization, skip: (reason) => context.skip(reason) },
    });
    await saveSquad('Squad lobby', [b.xuid, c.xuid], ['--connection', 'lobby:p', '--join-restriction', 'Public']);
    const sent = await cli(['preset', 'send', 'Squad lobby', '--profile', 'mpa-box', '--xuid', a.xuid]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('Invited 2 in one MPA call (204):');
    expect(sent.stdout).not.toContain(a.authorization.split(';')[1]);
    expect(world.mpsd.mpa().invites.map((invite) => [invite.sender, invite.invitedUser])).toEqual([
      [a.xuid, b.xuid],
      [a.xuid, c.xuid],
    ]);
  });

  it('refuses MPSD flags on an MPA preset, and MPA flags on an MPSD one', async () => {
    const mixed = await cli(['preset', 'save', 'Odd', '--service', 'mpa', '--title-id', '1234', '--scid', TEST_SCID]);
    expect(mixed.code).toBe(3);
    expect(mixed.stderr).toContain('--scid: an MPA preset has no session, template or MPSD invite attributes.');
    const other = await cli(['preset', 'save', 'Odd', ...sessionFlags('s'), '--title-id', '1', '--join-restriction', 'Public']);
    expect(other.code).toBe(3);
    expect(other.stderr).toContain('--join-restriction: they describe an MPA preset: add --service mpa.');
  });
});

describe('draft send for an MPA draft', () => {
  it('sends the saved MPA invite through sendMpa as one call', async () => {
    const [a, b, c] = [user(0), user(1), user(2)];
    await world.withCore(async (studio) => {
      const saved = await studio.dispatch('saveDraft', {
        name: 'Squad invites',
        kind: 'mpa.invite.send',
        fields: { titleId: '1234', invitees: [`${b.xuid} Bob`, c.xuid], connectionString: 'lobby:d' },
      });
      expect(saved.ok, JSON.stringify(saved)).toBe(true);
      const unfinished = await studio.dispatch('saveDraft', { name: 'Unfinished', kind: 'mpa.activity.set', fields: { titleId: '1234' } });
      expect(unfinished.ok).toBe(true);
    });
    const sent = await as(a, ['draft', 'send', 'Squad invites']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('Invited 2 in one MPA call (204):');
    expect(world.mpsd.mpa().invites.map((invite) => invite.invitedUser)).toEqual([b.xuid, c.xuid]);

    const before = world.mpsd.stats().requests;
    const notYet = await as(a, ['draft', 'send', 'Unfinished', '--xuid', a.xuid]);
    expect(notYet.code).toBe(3);
    expect(notYet.stderr).toContain('Draft "Unfinished" cannot be sent yet: ');
    expect(notYet.stderr).toContain('connectionString');
    expect(notYet.stderr).toContain("Finish it in the app's Compose screen.");
    expect(world.mpsd.stats().requests).toBe(before);
  });
});
