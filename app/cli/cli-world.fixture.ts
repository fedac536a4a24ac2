/**
 * The set-up most CLI tests share, written once: each test gets a data folder of its own,
 * when asked a local MPSD in this process (by default limits off and the test SCID allowed),
 * a `cli` that runs the real CLI on that folder, `as`, which runs it as one of the MPSD's
 * users, `addProfile`, which adds a profile (storing its token through `profile set-token`,
 * so in the OS keychain) and removes it after the test with its keychain entries, and
 * `withCore`, which saves what the app would (drafts) through core on the same folder.
 * Without a reachable keychain a test that stores a token is skipped, saying why. Test-only.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { systemClock } from '../core/clock.ts';
import { createHandleStudio, type HandleStudio } from '../core/handle-studio.ts';
import { startScriptedMpsd, type MpsdScript, type ScriptedMpsd } from '../core/mpsd/scripted-mpsd.fixture.ts';
import { startLocalMpsd, type LocalMpsd, type LocalMpsdOptions, type LocalMpsdUser } from '../emulator/index.ts';
import { runCli, tempDataDir, type CliOptions, type CliRun } from './cli-process.fixture.ts';

/** The SCID the CLI tests send to. */
export const TEST_SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

/** A well-formed Authorization that no MPSD accepts, for runs that stop before anything is sent. */
export const FAKE_AUTHORIZATION = 'XBL3.0 x=abc123;eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

/** The flags that name a session: `--scid`, `--template` and `--session`. */
export function sessionFlags(name: string, template = 'GameSession', scid = TEST_SCID): string[] {
  return ['--scid', scid, '--template', template, '--session', name];
}

/**
 * Profiles keep tokens in the OS keychain. On Linux that needs a Secret Service (npm test starts
 * one); without it a run that needs one skips its test (Vitest's `context`) saying why, rather
 * than failing on the machine.
 */
export function skipWithoutKeychain(run: CliRun, context: { skip: (note: string) => void }): void {
  if (run.code === 4 && run.stderr.includes('KEYCHAIN_UNAVAILABLE'))
    context.skip(`No OS keychain reachable here, so profile tokens cannot be stored: ${run.stderr.trim()}`);
}

export interface TokenToStore {
  authorization: string;
  skip: (reason: string) => void;
}

export interface ProfileToAdd {
  /** Stores this token (see storeToken). */
  token?: TokenToStore;
  /** The profile's service (`--service`); MPSD handles when left out. */
  service?: 'mpa';
}

export interface CliWorld {
  /** This test's data folder (HANDLE_STUDIO_DATA_DIR of every run). */
  readonly dataDir: string;
  /** The local MPSD of this test; only with `{ mpsd: true }` or the MPSD's own options. */
  readonly mpsd: LocalMpsd;
  cli: (args: string[], options?: CliOptions) => Promise<CliRun>;
  /** The local MPSD's user `index`. */
  user: (index: number) => LocalMpsdUser;
  /** The CLI as `who`: its Authorization in XBL_AUTHORIZATION, sent to the local MPSD's origin. */
  as: (who: { authorization: string }, args: string[]) => Promise<CliRun>;
  /** Adds profile `name` for `endpoint` (sandbox XDKS.1) and, with a token, stores it; answers the `profile add` run. */
  addProfile: (name: string, endpoint: string, profile?: ProfileToAdd) => Promise<CliRun>;
  /** Removes profile `name` and its keychain entries after the test (addProfile does this for its own). */
  removeAfterTest: (name: string) => void;
  /** Stores the profile's token through `profile set-token`; calls `skip` (Vitest's context.skip) when no keychain is reachable. */
  storeToken: (name: string, token: TokenToStore) => Promise<void>;
  /** Runs `use` on core opened on this data folder as the CLI opens it, then closes core. */
  withCore: <T>(use: (studio: HandleStudio) => Promise<T>) => Promise<T>;
}

/** `mpsd: true` is a local MPSD with limits off that allows only TEST_SCID; or give its options. */
export function useCliWorld(options: { mpsd?: boolean | LocalMpsdOptions } = {}): CliWorld {
  let dataDir: ReturnType<typeof tempDataDir> | undefined;
  let mpsd: LocalMpsd | undefined;
  const profiles: string[] = [];

  beforeEach(async () => {
    dataDir = tempDataDir();
    if (options.mpsd === true) mpsd = await startLocalMpsd({ rateLimits: false, allowedScids: [TEST_SCID] });
    else if (typeof options.mpsd === 'object') mpsd = await startLocalMpsd(options.mpsd);
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
    user: (index) => {
      const user = world.mpsd.users[index];
      if (user === undefined) throw new Error(`The local MPSD has ${world.mpsd.users.length} users, not user ${index}.`);
      return user;
    },
    as: (who, args) => world.cli([...args, '--endpoint', world.mpsd.url], { env: { XBL_AUTHORIZATION: who.authorization } }),
    addProfile: async (name, endpoint, profile = {}) => {
      const service = profile.service === undefined ? [] : ['--service', profile.service];
      const added = await world.cli(['profile', 'add', name, '--endpoint', endpoint, '--sandbox', 'XDKS.1', ...service]);
      expect(added.code, added.stderr).toBe(0);
      world.removeAfterTest(name);
      if (profile.token !== undefined) await world.storeToken(name, profile.token);
      return added;
    },
    removeAfterTest: (name) => profiles.push(name),
    storeToken: async (name, token) => {
      const stored = await world.cli(['profile', 'set-token', name], { stdin: `${token.authorization}\n` });
      skipWithoutKeychain(stored, token);
      expect(stored.code, stored.stderr).toBe(0);
    },
    withCore: async (use) => {
      const studio = await createHandleStudio({
        dataDir: world.dataDir,
        shell: 'cli',
        version: 'test',
        fetch: globalThis.fetch,
        clock: systemClock,
      });
      try {
        return await use(studio);
      } finally {
        await studio.close();
      }
    },
  };
  return world;
}

/**
 * For tests where MPSD must answer as the local MPSD never would (an absurd Retry-After, a body
 * to inspect): `start(script)` gives a scripted MPSD and a data folder of the test's own, both
 * gone after the test.
 */
export function useScriptedMpsd(): (script: MpsdScript) => Promise<{ mpsd: ScriptedMpsd; dir: string }> {
  let mpsd: ScriptedMpsd | undefined;
  let data: ReturnType<typeof tempDataDir> | undefined;
  afterEach(async () => {
    await mpsd?.close();
    mpsd = undefined;
    data?.remove();
    data = undefined;
  });
  return async (script) => {
    mpsd = await startScriptedMpsd(script);
    data = tempDataDir();
    return { mpsd, dir: data.path };
  };
}
