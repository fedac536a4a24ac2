/**
 * `emulator start` on a port another program holds: the user's choice of port, so a usage error
 * (exit 2) naming the port and how to pick another, not exit 1 INTERNAL (which the exit-code
 * table calls a bug). The sign-in stand-ins take the port after --port: that one is named too.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli, tempDataDir } from './cli-process.fixture.ts';

let dataDir: ReturnType<typeof tempDataDir>;
const held: Server[] = [];

beforeEach(() => {
  dataDir = tempDataDir();
});
afterEach(async () => {
  for (const server of held.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
  dataDir.remove();
});

/** Listens on `port` (0: a free one) on 127.0.0.1 until the test ends; undefined when that port is taken. */
async function hold(port = 0): Promise<number | undefined> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (!listening) return undefined;
  held.push(server);
  return (server.address() as AddressInfo).port;
}

it('a --port in use is a usage error naming it and how to pick another', async () => {
  const port = await hold();
  const run = await runCli(dataDir.path, ['emulator', 'start', '--port', String(port)]);
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(`Port ${port} is already in use`);
  expect(run.stderr).toContain('--port 0 for free ones');
  expect(run.stderr).not.toContain('INTERNAL');
});

it('the port after --port in use (the sign-in stand-ins) is a usage error naming that port', async (context) => {
  const standIns = await hold();
  // The MPSD's own port must be free for the stand-ins to be the ones that fail.
  const mpsdPort = standIns === undefined ? undefined : standIns - 1;
  if (mpsdPort === undefined || (await hold(mpsdPort)) === undefined) return context.skip('the port before a free one is taken here');
  await new Promise<void>((resolve) => held.pop()?.close(() => resolve()));
  const run = await runCli(dataDir.path, ['emulator', 'start', '--port', String(mpsdPort), '--json']);
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(`Port ${standIns} is already in use (the sign-in stand-ins take the port after --port ${mpsdPort})`);
  expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'USAGE' } });
});
