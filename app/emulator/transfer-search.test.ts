/**
 * Transfer and search handles (mpsd-sessions-and-invitees.md §4): creating, reading,
 * deleting, joining through them, the search query and the search handles' own rate budget.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalMpsd, LocalMpsdOptions } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { callAs, hostSession, joinBody, locatedPath, manualClock, SCID, sessionPath, userAt } from './test-calls.fixture.ts';

const running: LocalMpsd[] = [];

afterEach(async () => {
  for (const mpsd of running.splice(0)) await mpsd.stop();
});

const TEMPLATES = {
  serviceConfigs: {
    '*': {
      Lobby: { constants: { system: { inactiveRemovalTimeout: null } } },
      Game: { constants: { system: { inactiveRemovalTimeout: null, capabilities: { userAuthorizationStyle: true } } } },
      Browse: {
        constants: {
          system: {
            inactiveRemovalTimeout: null,
            capabilities: { searchable: true, userAuthorizationStyle: true, hasOwners: true },
            ownershipPolicies: { migration: 'oldest' },
          },
        },
      },
    },
  },
};

async function start(options: LocalMpsdOptions = {}): Promise<LocalMpsd> {
  const mpsd = await startLocalMpsd({ rateLimits: false, templates: TEMPLATES, ...options });
  running.push(mpsd);
  return mpsd;
}

const ref = (name: string, templateName: string) => ({ scid: SCID, templateName, name });

describe('transfer handles', () => {
  it('a lobby member moves the lobby into a local-only game session: origin members join, others may not', async () => {
    const mpsd = await start();
    const [host, friend, stranger] = [userAt(mpsd, 0), userAt(mpsd, 1), userAt(mpsd, 2)];
    await hostSession(mpsd, host, 'lobby', { template: 'Lobby' });
    await callAs(mpsd, friend, 'PUT', sessionPath('lobby', SCID, 'Lobby'), { body: joinBody(friend) });
    await hostSession(mpsd, host, 'game', { template: 'Game' });
    const body = { version: 1, type: 'transfer', sessionRef: ref('game', 'Game'), originSessionRef: ref('lobby', 'Lobby') };
    const notInLobby = await callAs(mpsd, stranger, 'POST', '/handles', { body });
    expect(notInLobby.status).toBe(403);
    const created = await callAs(mpsd, host, 'POST', '/handles', { body });
    expect(created.status).toBe(201);
    const handle = created.json as { id: string; type: string; originSessionRef: unknown };
    expect(handle).toMatchObject({ type: 'transfer', originSessionRef: ref('lobby', 'Lobby') });
    expect((await callAs(mpsd, friend, 'GET', `/handles/${handle.id}`)).status).toBe(200);
    // The game session is local-only (userAuthorizationStyle): a direct join is refused, the transfer lets a lobby member in.
    expect((await callAs(mpsd, friend, 'PUT', sessionPath('game', SCID, 'Game'), { body: joinBody(friend) })).status).toBe(403);
    const refused = await callAs(mpsd, stranger, 'PUT', `/handles/${handle.id}/session`, { body: joinBody(stranger) });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('A transfer handle is for members of its origin session');
    const joined = await callAs(mpsd, friend, 'PUT', `/handles/${handle.id}/session`, { body: joinBody(friend) });
    expect(joined.status).toBe(200);
    expect(joined.headers.get('content-location')).toBe(locatedPath('game', SCID, 'Game'));
  });

  it('needs both sessions to exist, and goes when its target session goes', async () => {
    const mpsd = await start();
    const host = userAt(mpsd, 0);
    await hostSession(mpsd, host, 'lobby', { template: 'Lobby' });
    const body = { version: 1, type: 'transfer', sessionRef: ref('game', 'Game'), originSessionRef: ref('lobby', 'Lobby') };
    expect((await callAs(mpsd, host, 'POST', '/handles', { body })).status).toBe(404);
    await hostSession(mpsd, host, 'game', { template: 'Game' });
    const id = ((await callAs(mpsd, host, 'POST', '/handles', { body })).json as { id: string }).id;
    await callAs(mpsd, host, 'DELETE', `${sessionPath('game', SCID, 'Game')}/members/me`);
    expect((await callAs(mpsd, host, 'GET', `/handles/${id}`)).status).toBe(404);
  });
});

describe('search handles', () => {
  const searchBody = (name: string, attributes: Record<string, unknown>) => ({
    version: 1,
    type: 'search',
    sessionRef: ref(name, 'Browse'),
    searchAttributes: attributes,
  });

  async function browseSession(mpsd: LocalMpsd, name: string, attributes: Record<string, unknown>): Promise<string> {
    const host = userAt(mpsd, 0);
    expect((await hostSession(mpsd, host, name, { template: 'Browse' })).status).toBe(201);
    const created = await callAs(mpsd, host, 'POST', '/handles', { body: searchBody(name, attributes) });
    expect(created.status).toBe(201);
    return (created.json as { id: string }).id;
  }

  function search(mpsd: LocalMpsd, index: number, query: Record<string, unknown>, include = '') {
    return callAs(mpsd, userAt(mpsd, index), 'POST', `/handles/query${include}`, {
      body: { type: 'search', scid: SCID, templateName: 'Browse', global: true, ...query },
    });
  }

  const names = async (answer: Promise<{ json: unknown }>) =>
    ((await answer).json as { results: Array<{ sessionRef: { name: string } }> }).results.map((result) => result.sessionRef.name);

  it('are created by a member of a searchable session, one per session, with checked attribute names', async () => {
    const mpsd = await start();
    const host = userAt(mpsd, 0);
    await hostSession(mpsd, host, 'plain', { template: 'Lobby' });
    const unsearchable = await callAs(mpsd, host, 'POST', '/handles', {
      body: { ...searchBody('plain', {}), sessionRef: ref('plain', 'Lobby') },
    });
    expect(unsearchable.status).toBe(403);
    expect(unsearchable.text).toContain('capabilities.searchable');
    const id = await browseSession(mpsd, 'a', { tags: ['Casual'], strings: { Map: 'Forest' }, numbers: { skill: 12 } });
    const read = await callAs(mpsd, host, 'GET', `/handles/${id}`);
    expect(read.json).toMatchObject({
      type: 'search',
      searchAttributes: { tags: ['casual'], strings: { map: 'forest' }, numbers: { skill: 12 } },
    });
    expect((await callAs(mpsd, host, 'POST', '/handles', { body: searchBody('a', {}) })).status).toBe(409);
    expect((await callAs(mpsd, userAt(mpsd, 1), 'POST', '/handles', { body: searchBody('a', {}) })).status).toBe(403);
    const badName = await callAs(mpsd, host, 'POST', '/handles', { body: searchBody('a', { tags: ['2fast'] }) });
    expect(badName.status).toBe(400);
    expect(badName.text).toContain('must start with a letter, have no spaces and be under 100 characters');
    expect((await callAs(mpsd, userAt(mpsd, 1), 'DELETE', `/handles/${id}`)).status).toBe(403);
    expect((await callAs(mpsd, host, 'DELETE', `/handles/${id}`)).status).toBe(204);
    expect((await callAs(mpsd, host, 'GET', `/handles/${id}`)).status).toBe(404);
  });

  it('are found by an OData filter and sorted by orderBy, with relatedInfo when asked', async () => {
    const mpsd = await start();
    await browseSession(mpsd, 'forest-pro', { tags: ['ranked'], strings: { map: 'Forest' }, numbers: { skill: 30 } });
    await browseSession(mpsd, 'forest-new', { strings: { map: 'forest' }, numbers: { skill: 5 } });
    await browseSession(mpsd, 'desert', { strings: { map: "O'Hare" }, numbers: { skill: 18 } });
    expect(await names(search(mpsd, 1, { orderBy: 'numbers/skill desc' }))).toEqual(['forest-pro', 'desert', 'forest-new']);
    expect(await names(search(mpsd, 1, { filter: "strings/map eq 'FOREST' and numbers/skill gt 10" }))).toEqual(['forest-pro']);
    expect(await names(search(mpsd, 1, { filter: "numbers/skill le 5 or strings/map eq 'o''hare'", orderBy: 'numbers/skill' }))).toEqual([
      'forest-new',
      'desert',
    ]);
    expect(
      await names(search(mpsd, 1, { filter: "tolower(strings/map) eq 'forest' and numbers/skill ge 5", orderBy: 'numbers/skill' })),
    ).toEqual(['forest-new', 'forest-pro']);
    const related = await search(mpsd, 1, { filter: "strings/map eq 'o''hare'" }, '?include=relatedInfo');
    expect((related.json as { results: Array<{ relatedInfo: unknown }> }).results[0]?.relatedInfo).toEqual({
      visibility: 'open',
      joinRestriction: 'local',
      closed: false,
      maxMembersCount: 100,
      membersCount: 1,
    });
  });

  it("find tags in Microsoft's documented form, tags/any(d:tolower(d) eq '<tag>'), with or without eq true", async () => {
    const mpsd = await start();
    await browseSession(mpsd, 'elite-forest', { tags: ['Elite', 'ranked'], strings: { clan: 'Purple' }, numbers: { guns: 3 } });
    await browseSession(mpsd, 'casual', { tags: ['casual'], strings: { clan: 'purple' }, numbers: { guns: 20 } });
    await browseSession(mpsd, 'untagged', { strings: { clan: 'green' }, numbers: { guns: 1 } });
    expect(await names(search(mpsd, 1, { filter: "tags/any(d:tolower(d) eq 'elite')" }))).toEqual(['elite-forest']);
    expect(await names(search(mpsd, 1, { filter: "tags/any(d:tolower(d) eq 'coolpeopleonly') eq true and numbers/guns eq 3" }))).toEqual(
      [],
    );
    expect(await names(search(mpsd, 1, { filter: "tags/any(t:tolower(t) eq 'ranked') eq true and numbers/guns eq 3" }))).toEqual([
      'elite-forest',
    ]);
    expect(
      await names(
        search(mpsd, 1, {
          filter: "tags/any(a:tolower(a) eq 'elite') or numbers/guns gt 15 and tolower(strings/clan) eq 'purple'",
          orderBy: 'numbers/guns',
        }),
      ),
    ).toEqual(['elite-forest', 'casual']);
    expect(await names(search(mpsd, 1, { filter: "tolower(strings/clan) ne 'purple'" }))).toEqual(['untagged']);
  });

  it.each([
    ['two ors', { filter: 'numbers/a eq 1 or numbers/b eq 2 or numbers/c eq 3' }, 'at most one or, at the root'],
    ['grouping parentheses', { filter: '(numbers/a eq 1)' }, 'no grouping parentheses'],
    ['an or inside parentheses', { filter: 'numbers/a eq 1 and (numbers/b eq 2 or numbers/c eq 3)' }, 'no grouping parentheses'],
    ['an or inside any()', { filter: "tags/any(d:tolower(d) eq 'a' or tolower(d) eq 'b')" }, 'no and/or inside'],
    ['a tag tested as a flag', { filter: 'tags/ranked eq true' }, "a tag is tested as tags/any(d:tolower(d) eq 'elite')"],
    ['a tag test without tolower', { filter: "tags/any(d:d eq 'elite')" }, 'tags are stored in lower case'],
    ['another range variable inside tolower()', { filter: "tags/any(d:tolower(x) eq 'elite')" }, 'tolower() takes the range variable d'],
    ['a tag test followed by ne', { filter: "tags/any(d:tolower(d) eq 'elite') ne true" }, 'may be followed by eq true, nothing else'],
    ['a tag test followed by eq false', { filter: "tags/any(d:tolower(d) eq 'elite') eq false" }, 'may be followed by eq true'],
    ['tolower() of a number', { filter: 'tolower(numbers/a) eq 1' }, 'tolower() takes strings/<name>'],
    ['an unclosed tolower()', { filter: "tolower(strings/map eq 'x'" }, 'where ")" was expected'],
    ['another function', { filter: "contains(strings/map, 'x')" }, 'must be strings/<name> or numbers/<name>'],
    ['not', { filter: 'not numbers/a eq 1' }, 'must be strings/<name> or numbers/<name>'],
    ['a hex number', { filter: 'numbers/a eq 0x10' }, 'compares with a number'],
    ['two comparisons without a joiner', { filter: 'numbers/a eq 1 numbers/b eq 2' }, 'where and or or was expected'],
    ['a dangling and', { filter: 'numbers/a eq 1 and' }, 'filter ends where a comparison was expected'],
    ['an unknown operator', { filter: 'numbers/a like 1' }, 'is not one of eq, ne, gt, ge, lt, le'],
    ['an unquoted string', { filter: 'strings/map eq forest' }, 'compares with a quoted value'],
    [
      'an unknown path',
      { filter: "players/map eq 'x'" },
      "must be strings/<name> or numbers/<name>, or a tag test such as tags/any(d:tolower(d) eq 'elite')",
    ],
    ['an unterminated quote', { filter: "strings/map eq 'x" }, 'unterminated quoted string'],
    ['a bad orderBy', { orderBy: 'numbers/skill sideways' }, 'orderBy must be'],
    ['neither global nor people', { global: false }, 'needs "global": true, or sessionMembers.people'],
  ])('refuses a query with %s (400)', async (_case, query, message) => {
    const mpsd = await start();
    const answer = await search(mpsd, 0, query);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(message);
  });

  it("sessionMembers.people keeps the sessions the moniker's people are in", async () => {
    const mpsd = await start({ follows: {} });
    await browseSession(mpsd, 'a', {});
    const [host, me] = [userAt(mpsd, 0), userAt(mpsd, 1)];
    const people = { global: false, sessionMembers: { people: { moniker: 'people', monikerXuid: me.xuid } } };
    expect(await names(search(mpsd, 1, people))).toEqual([]);
    await fetch(`${mpsd.url}/_emulator/follows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ [me.xuid]: { follows: [host.xuid] } }),
    });
    expect(await names(search(mpsd, 1, people))).toEqual(['a']);
  });

  it('let a non-follower join a local-only searchable session through the handle', async () => {
    const mpsd = await start();
    const id = await browseSession(mpsd, 'a', {});
    const guest = userAt(mpsd, 1);
    expect((await callAs(mpsd, guest, 'PUT', sessionPath('a', SCID, 'Browse'), { body: joinBody(guest) })).status).toBe(403);
    const joined = await callAs(mpsd, guest, 'PUT', `/handles/${id}/session`, { body: joinBody(guest) });
    expect(joined.status).toBe(200);
  });

  it('return at most 100 results', async () => {
    const mpsd = await start();
    for (let index = 0; index < 101; index += 1) await browseSession(mpsd, `s${index}`, { numbers: { index } });
    expect(await names(search(mpsd, 0, {}))).toHaveLength(100);
  });
});

describe("search handles' own rate budget", () => {
  it("allows 1 read and 1 write per 15 s, counted apart, with MPSD's 429 body", async () => {
    const clock = manualClock();
    const mpsd = await start({ rateLimits: true, clock });
    const host = userAt(mpsd, 0);
    await hostSession(mpsd, host, 'a', { template: 'Browse' });
    await hostSession(mpsd, host, 'b', { template: 'Browse' });
    const create = (name: string) =>
      callAs(mpsd, host, 'POST', '/handles', {
        body: { version: 1, type: 'search', sessionRef: ref(name, 'Browse'), searchAttributes: {} },
      });
    const query = () =>
      callAs(mpsd, host, 'POST', '/handles/query', { body: { type: 'search', scid: SCID, templateName: 'Browse', global: true } });
    expect((await create('a')).status).toBe(201);
    expect((await query()).status).toBe(200);
    const secondWrite = await create('b');
    expect(secondWrite.status).toBe(429);
    expect(secondWrite.json).toEqual({ version: 1, currentRequests: 2, maxRequests: 1, periodInSeconds: 15, limitType: 'rate' });
    expect(secondWrite.headers.get('retry-after')).toBe('15');
    expect((await query()).status).toBe(429);
    // Session calls are not search-handle calls: they keep MPSD's ordinary budget.
    expect((await callAs(mpsd, host, 'GET', sessionPath('a', SCID, 'Browse'))).status).toBe(200);
    clock.advance(15_000);
    expect((await create('b')).status).toBe(201);
  });

  it('counts throttled reads toward the 20 per 300 s: a client hammering through 429s stays throttled after the burst window', async () => {
    const clock = manualClock();
    const mpsd = await start({ rateLimits: true, clock });
    const query = () =>
      callAs(mpsd, userAt(mpsd, 0), 'POST', '/handles/query', {
        body: { type: 'search', scid: SCID, templateName: 'Browse', global: true },
      });
    expect((await query()).status).toBe(200);
    for (let index = 0; index < 19; index += 1) expect((await query()).status).toBe(429);
    clock.advance(15_000);
    const throttled = await query();
    expect(throttled.status).toBe(429);
    expect(throttled.json as { maxRequests: number; periodInSeconds: number }).toMatchObject({ maxRequests: 20, periodInSeconds: 300 });
    clock.advance(285_000);
    expect((await query()).status).toBe(200);
  });
});
