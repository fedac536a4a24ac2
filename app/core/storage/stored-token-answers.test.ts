/**
 * A preset and a History row an older build stored with a token in them (before fields were
 * checked): no channel's answer carries it to the renderer, whose screens and clipboard would
 * show it. The files are real (presets.json, history.sqlite in a mkdtemp folder), core is whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openHistoryStore } from '../history/history-store.ts';
import { openTestStudio } from '../test-studio.fixture.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';

const part = (size: number) => randomBytes(size).toString('base64url');
/** Shaped like a real XSTS token (a JWE); held by no process that reads it back. */
const jwe = [Buffer.from('{"enc":"A128CBC+HS256","alg":"RSA-OAEP"}').toString('base64url'), part(256), part(16), part(512), part(16)].join(
  '.',
);
const tail = jwe.slice(-40);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-stored-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("an old preset's notes and an old History row's label reach no channel's answer, masked as <token>", async () => {
  const file = JSON.parse(readFileSync(new URL('../presets/presets-v2.fixture.json', import.meta.url), 'utf8')) as {
    presets: [{ id: string; notes: string }];
  };
  file.presets[0].notes = `pasted ${jwe}`;
  writeFileSync(join(dir, 'presets.json'), JSON.stringify(file));
  const history = openHistoryStore({ dataDir: dir });
  const row = history.append({
    at: new Date().toISOString(),
    profileId: 'environment',
    profileName: 'XBL_AUTHORIZATION',
    sandbox: 'XDKS.1',
    kind: 'invite.send',
    sessionRef: { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' },
    invitedXuid: '2814660000000002',
    recipientLabel: `old ${jwe}`,
    request: { method: 'POST', url: 'https://127.0.0.1/handles', headers: { Authorization: AUTHORIZATION_PLACEHOLDER }, body: '{}' },
    durationMs: 1,
  });
  history.close();

  const studio = await openTestStudio(dir);
  try {
    const answers = [
      await studio.dispatch('listPresets', {}),
      await studio.dispatch('getPreset', { id: file.presets[0].id }),
      await studio.dispatch('listHistory', { limit: 50 }),
      await studio.dispatch('getHistoryEntry', { id: row.id }),
    ];
    for (const answer of answers) {
      expect(answer.ok, JSON.stringify(answer).slice(0, 300)).toBe(true);
      expect(JSON.stringify(answer)).not.toContain(tail);
    }
    expect(JSON.stringify(answers[1])).toContain('pasted <token>');
    expect(JSON.stringify(answers[3])).toContain('old <token>');
  } finally {
    await studio.close();
  }
});
