/**
 * keytar runs in a helper process so the keychain can never take Handle Studio down. These
 * tests use real processes: a real gnome-keyring that is really locked (keytar really
 * crashes with SIGSEGV against it), helpers that really die from SIGSEGV or never answer,
 * and two real processes racing over one keychain entry.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HandleStudioError } from '../../shared/errors.ts';
import { forkKeychainWorker, KeychainHelperError, keytarInHelper, type KeychainHelperProcess } from './keychain-helper.ts';
import { keychainOpener, openKeychainVault, type KeytarModule } from './keychain-vault.ts';
import { secretKey } from './secret-keys.ts';
import { inSecretService, ROOT, secretServiceMissing, steps } from './secret-service.fixture.ts';

const FAULTS = join(ROOT, 'app/core/credentials/keychain-worker-faults.fixture.ts');
const here = 'app/core/credentials';

async function failure(promise: Promise<unknown>): Promise<HandleStudioError> {
  const thrown = await promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(HandleStudioError);
  return thrown as HandleStudioError;
}

/** Starts helpers in the given modes, one per start, and remembers them and every request sent to them. */
function helpers(...modes: string[]): { start: () => KeychainHelperProcess; started: string[]; sent: string[] } {
  const started: string[] = [];
  const sent: string[] = [];
  return {
    started,
    sent,
    start: () => {
      const mode = modes[Math.min(started.length, modes.length - 1)]!;
      started.push(mode);
      const helper = forkKeychainWorker(FAULTS, [mode]);
      return {
        ...helper,
        send: (request) => {
          sent.push(`${mode} ${request.op}`);
          helper.send(request);
        },
      };
    },
  };
}

describe('keychain helper process', () => {
  it('a helper that dies from SIGSEGV twice in a row is KEYCHAIN_UNAVAILABLE with the fix; the next call starts a new helper', async () => {
    const faults = helpers('segfault', 'segfault', 'memory');
    const error = await failure(openKeychainVault({ service: 'Handle Studio', platform: 'linux', startHelper: faults.start }));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(/crashed while listing secrets; on Linux that is what a locked login keyring does/);
    expect(error.message).toMatch(/Unlock your login keyring \(Seahorse, or `gnome-keyring-daemon --unlock`\) and try again/);
    expect(error.details?.['reason']).toBe('the keychain helper process ended (signal SIGSEGV), and again in a fresh helper');
    // The listing was sent twice, to two helpers, and no more.
    expect(faults.sent).toEqual(['segfault findCredentials', 'segfault findCredentials']);

    // This process is still here; the user unlocks and retries: a fresh helper answers.
    const vault = await openKeychainVault({ service: 'Handle Studio', platform: 'linux', startHelper: faults.start });
    const key = secretKey(randomUUID(), 'xsts');
    await vault.set(key, 'kept');
    expect(await vault.get(key)).toBe('kept');
    expect(faults.started).toEqual(['segfault', 'segfault', 'memory']);
  });

  it.each([
    ['a listing', (keytar: KeytarModule) => keytar.findCredentials('Handle Studio'), 'findCredentials', []],
    ['a read', (keytar: KeytarModule) => keytar.getPassword('Handle Studio', 'someone/xsts'), 'getPassword', null],
    ['a write', (keytar: KeytarModule) => keytar.setPassword('Handle Studio', 'someone/xsts', 'same value'), 'setPassword', null],
  ] as const)('%s whose helper dies is sent once more, to a fresh helper, and answered there', async (_, call, op, answer) => {
    const faults = helpers('segfault', 'memory');
    const keytar = keytarInHelper({ start: faults.start, timeoutMs: 20_000 });
    expect(await call(keytar)).toEqual(answer);
    expect(faults.sent).toEqual([`segfault ${op}`, `memory ${op}`]);
    if (op === 'setPassword') expect(await keytar.getPassword('Handle Studio', 'someone/xsts')).toBe('same value');
  });

  it('a delete whose helper dies is not sent again (a repeat would answer "nothing to delete")', async () => {
    const faults = helpers('segfault', 'memory');
    const keytar = keytarInHelper({ start: faults.start, timeoutMs: 20_000 });
    const thrown = await keytar.deletePassword('Handle Studio', 'someone/xsts').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toMatchObject({ failure: 'crashed', message: 'the keychain helper process ended (signal SIGSEGV)' });
    expect(faults.sent).toEqual(['segfault deletePassword']);
    expect(faults.started).toEqual(['segfault']);
  });

  it('a read whose helper dies twice in a row is KEYCHAIN_UNAVAILABLE with the unlock fix, and the vault works once the keychain does', async () => {
    const faults = helpers('segfault-on-read', 'segfault-on-read', 'memory');
    const vault = await openKeychainVault({ service: 'Handle Studio', platform: 'linux', startHelper: faults.start });
    const key = secretKey(randomUUID(), 'xsts');
    const error = await failure(vault.get(key));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(
      /crashed while reading a secret; on Linux that is what a locked login keyring does\)\. Unlock your login keyring[\s\S]*keep secrets in memory/,
    );
    expect(error.details?.['reason']).toBe('the keychain helper process ended (signal SIGSEGV), and again in a fresh helper');
    expect(faults.sent).toEqual(['segfault-on-read findCredentials', 'segfault-on-read getPassword', 'segfault-on-read getPassword']);
    expect(await vault.get(key)).toBeNull();
    expect(faults.started).toEqual(['segfault-on-read', 'segfault-on-read', 'memory']);
  });

  it('a locked keychain that answers no is reported at once, never sent again', async () => {
    const faults = helpers('locked');
    const error = await failure(openKeychainVault({ service: 'Handle Studio', platform: 'linux', startHelper: faults.start }));
    expect(error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', details: { reason: 'Cannot get secret of a locked object' } });
    expect(error.message).toMatch(/the keychain refused listing secrets\)\. Unlock your login keyring/);
    const keytar = keytarInHelper({ start: faults.start, timeoutMs: 20_000 });
    await expect(keytar.getPassword('Handle Studio', 'someone/xsts')).rejects.toMatchObject({ failure: 'refused' });
    expect(faults.sent).toEqual(['locked findCredentials', 'locked getPassword']);
    expect(faults.started).toEqual(['locked', 'locked']);
  });

  it('a helper that never answers is killed at the deadline and reported, instead of hanging', async () => {
    const faults = helpers('hang', 'memory');
    const error = await failure(
      openKeychainVault({ service: 'Handle Studio', platform: 'linux', timeoutMs: 300, startHelper: faults.start }),
    );
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(/did not answer in time while listing secrets; it may be waiting for an unlock prompt/);
    expect(error.details?.['reason']).toBe('no answer within 300 ms');
    await openKeychainVault({ service: 'Handle Studio', platform: 'linux', timeoutMs: 20_000, startHelper: faults.start });
    expect(faults.started).toEqual(['hang', 'memory']);
  });

  it('a call waits for the helper to start, and a helper that never starts is killed at the start deadline', async () => {
    const stuck = keytarInHelper({ start: helpers('unready').start, timeoutMs: 50, startTimeoutMs: 500 });
    const thrown = await stuck.findCredentials('Handle Studio').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(KeychainHelperError);
    expect(thrown).toMatchObject({ failure: 'timed-out', message: 'the keychain helper did not start within 500 ms' });
    // A per-call deadline of 50 ms is far less than a Node start: it only runs once the helper is ready.
    const healthy = keytarInHelper({ start: helpers('memory').start, timeoutMs: 50, startTimeoutMs: 60_000 });
    expect(await healthy.findCredentials('Handle Studio')).toEqual([]);
  });

  it('retrying a keychain that says no goes through the same helper, not a new process per attempt', async () => {
    const faults = helpers('refuse');
    const open = keychainOpener({ service: 'Handle Studio', platform: 'linux', startHelper: faults.start });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const error = await failure(open());
      expect(error).toMatchObject({
        code: 'KEYCHAIN_UNAVAILABLE',
        details: { reason: expect.stringMatching(/org\.freedesktop\.secrets was not provided/) },
      });
    }
    expect(faults.started).toEqual(['refuse']);
  });

  it('a helper whose keytar cannot be loaded says so', async () => {
    // keychain-worker.ts loads keytar; a file that is not a module stands in for a broken install.
    const error = await failure(
      openKeychainVault({
        service: 'Handle Studio',
        platform: 'linux',
        startHelper: () => forkKeychainWorker(join(ROOT, 'no-such-keychain-worker.ts')),
      }),
    );
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.details?.['reason']).toMatch(/keychain helper process ended/);
  });
});

/**
 * The real worker over the real keychain of this test run (npm test runs inside a private
 * gnome-keyring; without a Secret Service the test skips and says why), its process killed
 * with SIGKILL when a read is sent to it: the request dies with the process, as in a crash.
 */
describe('the real keychain helper killed in the middle of a read', () => {
  it('the read is answered by a fresh helper with the stored secret', async (context) => {
    const service = `Handle Studio test ${randomUUID()}`;
    const ended: string[] = [];
    let started = 0;
    let killOnNextRequest = false;
    const start = (): KeychainHelperProcess => {
      started += 1;
      const helper = forkKeychainWorker();
      helper.onExit((how) => ended.push(how));
      return {
        ...helper,
        send: (request) => {
          if (!killOnNextRequest) return helper.send(request);
          killOnNextRequest = false;
          helper.kill();
        },
      };
    };
    const vault = await openKeychainVault({ service, platform: 'linux', timeoutMs: 20_000, startHelper: start }).catch((error: unknown) =>
      context.skip(`No Secret Service / keychain reachable here: ${error instanceof Error ? error.message : String(error)}`),
    );
    const key = secretKey(randomUUID(), 'xsts');
    await vault.set(key, '{"kept":"through a helper crash"}');
    try {
      killOnNextRequest = true;
      expect(await vault.get(key)).toBe('{"kept":"through a helper crash"}');
      expect(ended).toEqual(['signal SIGKILL']);
      expect(started).toBe(2);
    } finally {
      await vault.delete(key);
    }
  });
});

const missing = secretServiceMissing();

describe.skipIf(missing !== undefined)(`against a real gnome-keyring${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('a LOCKED keyring crashes keytar, but only the helper: the vault reports it with the fix and works again once unlocked', () => {
    const run = inSecretService(`"$NODE" ${here}/keychain-locked.fixture.ts scenario "Handle Studio test ${randomUUID()}"`);
    const seen = steps(run.stdout);
    expect(seen.get('survived'), `stderr: ${run.stderr}`).toMatchObject({ ok: true });
    expect(seen.get('store')).toMatchObject({ ok: true });
    // The fault is real: keytar in a process of its own dies from it.
    expect(seen.get('direct-keytar')).toMatchObject({ ok: false, signal: 'SIGSEGV' });
    // A locked keyring is never "no token": libsecret's empty answer is checked against the listing.
    for (const step of ['read-locked', 'list-locked']) {
      expect(seen.get(step)).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
      expect(String(seen.get(step)?.['message'])).toMatch(
        /locked login keyring[\s\S]*Unlock your login keyring \(Seahorse, or `gnome-keyring-daemon --unlock`\)/,
      );
    }
    expect(seen.get('read-unlocked')).toMatchObject({ ok: true, value: 'stored-while-unlocked' });
    expect(seen.get('delete')).toMatchObject({ ok: true, value: true });
  }, 240_000);

  it('with the keyring LOCKED, the CLI and browser mode answer KEYCHAIN_UNAVAILABLE with the unlock fix and keep running', () => {
    const data = mkdtempSync(join(tmpdir(), 'handle-studio-locked-'));
    try {
      const run = inSecretService(`HANDLE_STUDIO_DATA_DIR=${data} "$NODE" ${here}/keychain-locked-front-doors.fixture.ts`);
      const seen = steps(run.stdout);
      expect(seen.get('store-unlocked'), run.stderr).toMatchObject({ status: 0 });
      const unlock = /Unlock your login keyring \(Seahorse, or `gnome-keyring-daemon --unlock`\) and try again/;
      // show: the token's state is "keychain unavailable", never "no token", and the process ends normally.
      expect(seen.get('show-locked')).toMatchObject({ status: 0, signal: null });
      expect(JSON.parse(String(seen.get('show-locked')?.['stdout']))).toMatchObject({
        profile: { token: { state: 'keychain-unavailable' } },
      });
      expect(seen.get('set-token-locked')).toMatchObject({ status: 4, signal: null, stderr: expect.stringMatching(unlock) });
      expect(seen.get('host-paste-locked')).toMatchObject({
        answer: { ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(unlock) } },
      });
      expect(seen.get('host-after')).toMatchObject({ answer: { ok: true }, exitCode: null, signal: null });
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 400_000);

  it('`profile set-token` and `profile show` run at the same time never show "no token" or lose the token', () => {
    const data = mkdtempSync(join(tmpdir(), 'handle-studio-race-cli-'));
    try {
      const cli = `HANDLE_STUDIO_DATA_DIR=${data} "$NODE" bin/handle-studio.js`;
      // Tokens long enough to be kept in pieces, of two lengths, so every write changes the pieces.
      const short = `XBL3.0 x=12345;${'a'.repeat(1500)}`;
      const long = `XBL3.0 x=12345;${'b'.repeat(2700)}`;
      const run = inSecretService(
        `${cli} profile add race --endpoint http://127.0.0.1:9 --sandbox XDKS.1 >/dev/null || exit 9
        echo '${short}' | ${cli} profile set-token race >/dev/null || exit 10
        ( for n in 1 2 3; do echo '${long}' | ${cli} profile set-token race >/dev/null; echo '${short}' | ${cli} profile set-token race >/dev/null; done; echo SETTER-DONE ) &
        for n in 1 2 3 4 5 6; do out=$(${cli} profile show race --json 2>&1); code=$?; printf '%s' "$out" | tr -d '\n'; echo " exit=$code"; done
        wait`,
        580_000,
      );
      const shows = run.stdout.split('\n').filter((line) => line.includes('exit='));
      expect(run.stdout, run.stderr).toContain('SETTER-DONE');
      expect(shows).toHaveLength(6);
      for (const show of shows) {
        expect(show).toMatch(/exit=0$/);
        expect(show).toMatch(/"state": *"pasted"/);
      }
      expect(run.stderr).not.toMatch(/no token|INTERNAL|Segmentation/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 600_000);

  it('a process reading while another rewrites a token (in pieces) never sees "no token", half a token, or deletes it', () => {
    const service = `Handle Studio test ${randomUUID()}`;
    const profileId = randomUUID();
    const race = `${here}/keychain-race.fixture.ts`;
    const run = inSecretService(
      `"$NODE" ${race} writer "${service}" ${profileId} 1 >/dev/null || exit 9
      "$NODE" ${race} writer "${service}" ${profileId} 60 & writer=$!
      "$NODE" ${race} reader "${service}" ${profileId} 120
      wait $writer
      "$NODE" ${race} after "${service}" ${profileId} 1`,
    );
    const seen = steps(run.stdout);
    expect(seen.get('writer'), `stderr: ${run.stderr}`).toMatchObject({ ok: true, rounds: 60 });
    expect(seen.get('reader'), `stderr: ${run.stderr}`).toMatchObject({ ok: true, none: 0, mixed: 0, errors: [], tokens: 120 });
    // Still there afterwards, and no stale pieces are left beside it.
    expect(seen.get('after')).toMatchObject({ tokens: 1, none: 0, keys: 1 });
  }, 240_000);
});
