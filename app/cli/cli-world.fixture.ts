/**
 * The set-up most CLI tests share, written once: each test gets a data folder of its own,
 * when asked a local MPSD in this process (limits off, the test SCID allowed), a `cli` that
 * runs the real CLI on that folder, and `addProfile`, which adds a profile (storing its token
 * through `profile set-token`, so in the OS keychain) and removes it after the test with its
 * keychain entries. Without a reachable keychain a test that stores a token is skipped,
 * saying why. Test-only.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { startLocalMpsd, type LocalMpsd } from '../emulator/index.ts';
import { runCli, tempDataDir, type CliOptions, type CliRun } from './cli-process.fixture.ts';

/** The SCID the CLI tests send to. */
export const TEST_SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

export interface TokenToStore {
  authorization: string;
  skip: (reason: string) => void;
}

export interface CliWorld {
  /** This test's data folder (HANDLE_STUDIO_DATA_DIR of every run). */
  readonly dataDir: string;
  /** The local MPSD of this test; only with `{ mpsd: true }`. */
  readonly mpsd: LocalMpsd;
  cli(args: string[], options?: CliOptions): Promise<CliRun>;
  /** Adds profile `name` for `endpoint` (sandbox XDKS.1) and, with `token`, stores its token (see storeToken). */
  addProfile(name: string, endpoint: string, token?: TokenToStore): Promise<void>;
  /** Stores the profile's token through `profile set-token`; calls `skip` (Vitest's context.skip) when no keychain is reachable. */
  storeToken(name: string, token: TokenToStore): Promise<void>;
}

export function useCliWorld(options: { mpsd?: boolean } = {}): CliWorld {
  let dataDir: ReturnType<typeof tempDataDir> | undefined;
  let mpsd: LocalMpsd | undefined;
  const profiles: string[] = [];

  beforeEach(async () => {
    dataDir = tempDataDir();
    if (options.mpsd === true) mpsd = await startLocalMpsd({ rateLimits: false, allowedScids: [TEST_SCID] });
  });

  afterEach(async () => {
    // The profiles' keychain entries go with them (the keychain outlives the data folder).
    for (const name of profiles.splice(0)) await world.cli(['profile', 'remove', name, '--yes']);
    await mpsd?.stop();
    mpsd = undefined;
    dataDir?.remove();
    dataDir = undefined;
  });

  const world: CliWorld = {
    get dataDir() {
      if (dataDir === undefined) throw new Error('The CLI world exists only inside a test.');
      return dataDir.path;
    },
    get mpsd() {
      if (mpsd === undefined) throw new Error('No local MPSD in this CLI world: call useCliWorld({ mpsd: true }).');
      return mpsd;
    },
    cli: (args, cliOptions) => runCli(world.dataDir, args, cliOptions),
    async addProfile(name, endpoint, token) {
      const added = await world.cli(['profile', 'add', name, '--endpoint', endpoint, '--sandbox', 'XDKS.1']);
      expect(added.code, added.stderr).toBe(0);
      profiles.push(name);
      if (token !== undefined) await world.storeToken(name, token);
    },
    async storeToken(name, token) {
      const stored = await world.cli(['profile', 'set-token', name], { stdin: `${token.authorization}\n` });
      if (stored.code === 4 && stored.stderr.includes('KEYCHAIN_UNAVAILABLE'))
        token.skip(`No OS keychain reachable here, so profile tokens cannot be stored: ${stored.stderr.trim()}`);
      expect(stored.code, stored.stderr).toBe(0);
    },
  };
  return world;
}
