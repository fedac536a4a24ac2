import { afterEach, describe, expect, it } from 'vitest';
import { HandleStudioError } from '../shared/errors.ts';
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { runEmulatorCommand } from './serve.ts';
import { callAs, sessionPath } from './test-calls.ts';

const running: LocalMpsd[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((mpsd) => mpsd.stop()));
});

describe('runEmulatorCommand', () => {
  it('prints exactly one JSON line with the URL and users, whose Authorization values work', async () => {
    const lines: string[] = [];
    const mpsd = await runEmulatorCommand({ port: 0, rateLimits: true, json: true }, (line) => lines.push(line));
    running.push(mpsd);
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0] as string) as { url: string; users: Array<{ xuid: string; gamertag: string; authorization: string }> };
    expect(Object.keys(printed)).toEqual(['url', 'users']);
    expect(printed.url).toBe(mpsd.url);
    expect(printed.users).toEqual(mpsd.users);
    const first = printed.users[0];
    if (first === undefined) throw new Error('The emulator printed no users.');
    const answer = await fetch(`${printed.url}${sessionPath('lobby')}`, {
      headers: { Authorization: first.authorization, 'x-xbl-contract-version': '107' },
    });
    expect(answer.status).toBe(204);
  });

  it('prints a banner with the same facts without --json', async () => {
    const lines: string[] = [];
    const mpsd = await runEmulatorCommand({ port: 0, rateLimits: false, json: false }, (line) => lines.push(line));
    running.push(mpsd);
    const banner = lines.join('\n');
    expect(lines[0]).toBe(`Local MPSD listening on ${mpsd.url} (rate limits off).`);
    for (const user of mpsd.users) {
      expect(banner).toContain(user.gamertag);
      expect(banner).toContain(user.xuid);
      expect(banner).toContain(user.authorization);
    }
  });

  it('reports a port in use in words', async () => {
    const first = await startLocalMpsd();
    running.push(first);
    const port = Number(new URL(first.url).port);
    await expect(runEmulatorCommand({ port, rateLimits: true, json: true }, () => {})).rejects.toThrow(
      `Port ${port} is already in use; pick another or use 0 for a free one.`,
    );
  });
});

describe('startLocalMpsd options', () => {
  it.each([
    [{ port: 70000 }, 'port must be a whole number from 0 to 65535'],
    [{ port: 1.5 }, 'port must be a whole number'],
    [{ users: 0 }, 'users must be a whole number from 1 to 1000'],
    [{ rateLimits: 'yes' }, 'rateLimits must be true or false'],
    [{ allowedScids: ['lobby'] }, 'allowedScids holds "lobby", which is not a GUID SCID'],
    [{ allowedTemplates: ['a b'] }, 'allowedTemplates holds "a b"'],
    [{ clock: { now: 5 } }, 'clock must have a now() function'],
  ])('refuses %o with a VALIDATION error', async (options, message) => {
    const attempt = startLocalMpsd(options as Parameters<typeof startLocalMpsd>[0]);
    await expect(attempt).rejects.toBeInstanceOf(HandleStudioError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('listens on loopback and answers every call with a correlation id and MS-CV', async () => {
    const mpsd = await startLocalMpsd();
    running.push(mpsd);
    expect(mpsd.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
    const answer = await callAs(mpsd, null, 'GET', sessionPath('lobby'));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-xblcorrelationid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('ms-cv')).toMatch(/^[A-Za-z0-9+/]{16}\.0$/);
  });
});
