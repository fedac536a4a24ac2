/**
 * `handle-studio draft send` for a search-handle draft whose attribute box holds a line that
 * cannot be read: the real CLI, as a child process, against a local MPSD. The message names
 * the box and the line, and nothing reaches MPSD; once the line is fixed the draft goes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DraftFields } from '../shared/drafts/draft-request.ts';
import { SCID, callAs, hostSession } from '../emulator/test-calls.fixture.ts';
import { useCliWorld } from './cli-world.fixture.ts';

const TEMPLATE = 'LobbySession';
const SESSION = 'lobby-7';

const world = useCliWorld({ mpsd: true });

beforeEach(async () => {
  // A search handle needs a searchable session its creator is a member of (LobbySession is searchable).
  expect((await hostSession(world.mpsd, world.user(0), SESSION, { template: TEMPLATE })).status).toBe(201);
});

/** Saves drafts the way the app does as the user types: through core, on this data folder. */
async function saveSearchDrafts(drafts: Record<string, DraftFields>): Promise<void> {
  await world.withCore(async (studio) => {
    for (const [name, fields] of Object.entries(drafts)) {
      const saved = await studio.dispatch('saveDraft', {
        name,
        kind: 'search.create',
        fields: { scid: SCID, templateName: TEMPLATE, sessionName: SESSION, ...fields },
      });
      expect(saved.ok, JSON.stringify(saved)).toBe(true);
    }
  });
}

const draftSend = (name: string) => world.as(world.user(0), ['draft', 'send', name]);

describe('draft send with an attribute line that cannot be read', () => {
  it('names the box and the line and how to write it, and sends nothing', async () => {
    await saveSearchDrafts({ 'browse lobby': { searchTags: 'elite', searchStrings: 'MapName=Urban\nRanked' } });
    const requestsBefore = world.mpsd.stats().requests;

    const run = await draftSend('browse lobby');

    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(
      'Draft "browse lobby" cannot be sent yet: String attributes: Line 2 (“Ranked”): write NAME=VALUE, one attribute per line, e.g. MapName=UrbanCityAssault. Fix it in the app\'s Compose screen.',
    );
    expect(run.stderr).not.toContain('strings must map names to text');
    expect(world.mpsd.stats().requests).toBe(requestsBefore);
    expect(world.mpsd.stats().handlesCreated).toBe(0);
  });

  it('names every box with such a line, not only the first', async () => {
    await saveSearchDrafts({ 'two bad boxes': { searchStrings: 'MapName=a\nMapName=b', searchNumbers: 'MinLevel=25\nMaxLevel=high' } });

    const run = await draftSend('two bad boxes');

    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain('String attributes: Line 2 (“MapName=b”): MapName is given twice; give each attribute once.');
    expect(run.stderr).toContain(
      'Number attributes: Line 2 (“MaxLevel=high”): the value must be a number, e.g. MaxLevel=25 or MaxLevel=1.5.',
    );
    expect(world.mpsd.stats().handlesCreated).toBe(0);
  });

  it('sends the draft once the line is fixed: the search handle carries every attribute', async () => {
    await saveSearchDrafts({
      'browse lobby': { searchTags: 'elite', searchStrings: 'MapName=Urban\nMode=Ranked', searchNumbers: 'MinLevel=25' },
    });

    const run = await draftSend('browse lobby');

    expect(run.code, run.stderr).toBe(0);
    const found = await callAs(world.mpsd, world.user(1), 'POST', '/handles/query', {
      body: {
        type: 'search',
        scid: SCID,
        templateName: TEMPLATE,
        global: true,
        filter: "tags/any(d:tolower(d) eq 'elite') and numbers/minlevel eq 25",
      },
    });
    expect(found.status, found.text).toBe(200);
    expect((found.json as { results: unknown[] }).results).toMatchObject([
      {
        sessionRef: { name: SESSION },
        searchAttributes: { tags: ['elite'], strings: { mapname: 'urban', mode: 'ranked' }, numbers: { minlevel: 25 } },
      },
    ]);
  });
});
