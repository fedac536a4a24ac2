/**
 * `draft send NAME` for a draft whose saved form is damaged on disk. The warning at the start
 * names it, so "There is no draft named ..." right after (VALIDATION) contradicted it; asking
 * for it by name or id is STORAGE naming it, as README promises, and nothing is sent.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDraftsStore } from '../core/drafts/drafts-store.ts';
import { OUTBOX_FILE_NAME } from '../core/outbox/outbox-file.ts';
import { runCli, tempDataDir } from './cli-process.fixture.ts';
import { FAKE_AUTHORIZATION, TEST_SCID } from './cli-world.fixture.ts';

let data: ReturnType<typeof tempDataDir>;
let tornId: string;

beforeEach(() => {
  data = tempDataDir();
  const drafts = openDraftsStore({ dataDir: data.path });
  try {
    const fields = { scid: TEST_SCID, templateName: 'GameSession', sessionName: 'lobby-7', titleId: '1234', invitees: '2814660000000002' };
    drafts.save({ name: 'Friday lobby', kind: 'invite.send', fields });
    tornId = drafts.save({ name: 'Torn invite', kind: 'invite.send', fields }).id;
  } finally {
    drafts.close();
  }
  const db = new DatabaseSync(join(data.path, OUTBOX_FILE_NAME));
  db.prepare('UPDATE drafts SET fields_json = ? WHERE id = ?').run('{"sessionName": "lob', tornId);
  db.close();
});

afterEach(() => data.remove());

// Where it would go if it were sent: a closed port, so a send that got through would say OFFLINE, not STORAGE.
const send = (nameOrId: string) =>
  runCli(data.path, ['draft', 'send', nameOrId, '--endpoint', 'http://127.0.0.1:9'], { env: { XBL_AUTHORIZATION: FAKE_AUTHORIZATION } });

it.each([
  ['its name', 'Torn invite'],
  ['its name in other case', 'torn INVITE'],
])('draft send by %s is STORAGE naming the draft and where it is kept', async (_, name) => {
  const run = await send(name);
  expect(run.stderr).not.toMatch(/There is no draft named/);
  expect(run.stderr).toMatch(
    /The draft "Torn invite" cannot be read \(its saved form is not valid JSON\)\. It is kept as it is in .*outbox\.sqlite.*\[STORAGE\]/,
  );
  expect(run.code).toBe(1);
});

it('draft send by id says the same; draft list names it; a name that is nowhere is still VALIDATION', async () => {
  expect((await send(tornId)).stderr).toMatch(/The draft "Torn invite" cannot be read.*\[STORAGE\]/);

  const listed = await runCli(data.path, ['draft', 'list']);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toMatch(new RegExp(`^${tornId} +cannot be read +Torn invite +\\(its saved form is not valid JSON\\)$`, 'm'));
  expect(listed.stdout).toMatch(/Friday lobby/);

  const missing = await send('Saturday lobby');
  expect(missing.code).toBe(3);
  expect(missing.stderr).toMatch(/There is no draft named "Saturday lobby"/);
});
