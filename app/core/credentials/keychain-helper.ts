/**
 * keytar, reached through a helper process (keychain-worker.ts), so nothing the native
 * module does can take Handle Studio down. Each call has a deadline; a helper that crashes
 * or hangs fails the calls it was answering with a `KeychainHelperError` saying which, and
 * the next call starts a fresh helper (the user may have unlocked the keyring meanwhile).
 * A call that is safe to repeat is sent once more, to a fresh helper, when the helper
 * answering it died (see `repeatable`).
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keychainHelperAnswerSchema, keychainHelperReadySchema, type KeychainHelperRequest } from './keychain-helper-protocol.ts';
import type { KeytarModule } from './keychain-vault.ts';

/** A running helper, whatever started it: a Node child process, or Electron's utilityProcess. */
export interface KeychainHelperProcess {
  send(request: KeychainHelperRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  /** `how` describes the end, e.g. "signal SIGSEGV" or "exit code 1". */
  onExit(listener: (how: string) => void): void;
  kill(): void;
  /** Whether the helper keeps this process alive: only while calls wait for it (a CLI run must be able to end). */
  keepAlive?(busy: boolean): void;
}

export type StartKeychainHelper = () => KeychainHelperProcess;

/** Why a helper call failed, for the vault to put in words. */
export type KeychainHelperFailure = 'crashed' | 'timed-out' | 'refused' | 'unloadable';

export class KeychainHelperError extends Error {
  readonly failure: KeychainHelperFailure;

  constructor(failure: KeychainHelperFailure, message: string) {
    super(message);
    this.name = 'KeychainHelperError';
    this.failure = failure;
  }
}

/**
 * The helper as a Node child process running keychain-worker.ts (type-stripped, like the
 * rest of core). Its output is dropped: libsecret and GTK print warnings nobody can act on.
 * The path is built from this file's, never `new URL(...)`, which a bundler would rewrite;
 * the extension is this file's too, so the CLI's bundle forks the keychain-worker.js beside it.
 */
export function forkKeychainWorker(
  modulePath = join(dirname(fileURLToPath(import.meta.url)), `keychain-worker${extname(fileURLToPath(import.meta.url))}`),
  args: readonly string[] = [],
): KeychainHelperProcess {
  // Loaded here, at the first keychain call, not with core: child_process brings in net and streams (issue 12, start-up).
  const { fork } = process.getBuiltinModule('node:child_process');
  const child = fork(modulePath, args, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [], serialization: 'json' });
  return {
    send: (request) => void child.send(request),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => {
      child.once('exit', (code, signal) => listener(signal ? `signal ${signal}` : `exit code ${String(code)}`));
      // A helper that cannot be started at all (no such file, no permission) ends here instead.
      child.once('error', (error) => listener(`could not start: ${error.message}`));
    },
    kill: () => void child.kill('SIGKILL'),
    keepAlive: (busy) => {
      if (busy) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
  };
}

/** A request before it is numbered (Omit on each member, so the union stays a union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: KeychainHelperError): void;
  /** Set once the helper is ready: a call's deadline does not count the helper's start. */
  timer?: NodeJS.Timeout;
}

export interface KeytarInHelperOptions {
  start?: StartKeychainHelper;
  /** How long one call may take, once the helper has started, before it counts as hung and is killed. */
  timeoutMs: number;
  /** How long the helper may take to start (Node plus keytar; slow on a busy machine). Default 20 s. */
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 20_000;

/** keytar's interface, each call answered by the helper process. */
export function keytarInHelper(options: KeytarInHelperOptions): KeytarModule {
  const start = options.start ?? (() => forkKeychainWorker());
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let helper: { process: KeychainHelperProcess; ready: boolean } | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function failAll(error: KeychainHelperError): void {
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      pending.delete(id);
      call.reject(error);
    }
  }

  /** Kills a helper that hangs (so it cannot answer late or pile up) and fails what it owed; the next call starts afresh. */
  function giveUp(target: KeychainHelperProcess, why: string): void {
    if (helper?.process === target) helper = undefined;
    target.kill();
    failAll(new KeychainHelperError('timed-out', why));
  }

  function arm(call: Pending, target: KeychainHelperProcess): void {
    call.timer = setTimeout(() => giveUp(target, `no answer within ${options.timeoutMs} ms`), options.timeoutMs);
    call.timer.unref();
  }

  function running(): { process: KeychainHelperProcess; ready: boolean } {
    if (helper) return helper;
    const started = { process: start(), ready: false };
    helper = started;
    const startTimer = setTimeout(
      () => giveUp(started.process, `the keychain helper did not start within ${startTimeoutMs} ms`),
      startTimeoutMs,
    );
    startTimer.unref();
    started.process.onMessage((message) => {
      if (keychainHelperReadySchema.safeParse(message).success) {
        clearTimeout(startTimer);
        started.ready = true;
        for (const call of pending.values()) if (call.timer === undefined) arm(call, started.process);
        return;
      }
      const answer = keychainHelperAnswerSchema.safeParse(message);
      if (!answer.success) return;
      const call = pending.get(answer.data.id);
      if (!call) return;
      pending.delete(answer.data.id);
      clearTimeout(call.timer);
      if (answer.data.ok) call.resolve(answer.data.value);
      else call.reject(new KeychainHelperError(answer.data.unloadable ? 'unloadable' : 'refused', answer.data.error));
      if (pending.size === 0) started.process.keepAlive?.(false);
    });
    started.process.onExit((how) => {
      clearTimeout(startTimer);
      if (helper !== started) return;
      helper = undefined;
      failAll(new KeychainHelperError('crashed', `the keychain helper process ended (${how})`));
    });
    return started;
  }

  function request<T>(call: WithoutId<KeychainHelperRequest>): Promise<T> {
    const id = nextId++;
    const target = running();
    return new Promise<T>((resolve, reject) => {
      const waiting: Pending = { resolve: (value) => resolve(value as T), reject };
      pending.set(id, waiting);
      if (target.ready) arm(waiting, target.process);
      target.process.keepAlive?.(true);
      target.process.send({ ...call, id } as KeychainHelperRequest);
    });
  }

  /**
   * The call, sent ONCE more (to a fresh helper: the dead one is gone) when the helper died
   * while answering it. keytar takes its process down not only on a locked keyring but when
   * it lists entries another process is deleting (libsecret hands it a secret that is no
   * longer there), and a fresh helper, started a moment later, finds that delete done. Only a death
   * is tried again: a keychain that answers no (locked, denied, no Secret Service) says the
   * same the second time, and a helper that hung was already given its whole deadline. A
   * second death is the caller's to report: on Linux it is what a locked keyring does.
   */
  async function repeatable<T>(call: WithoutId<KeychainHelperRequest>): Promise<T> {
    try {
      return await request<T>(call);
    } catch (error) {
      if (!(error instanceof KeychainHelperError) || error.failure !== 'crashed') throw error;
    }
    try {
      return await request<T>(call);
    } catch (error) {
      if (!(error instanceof KeychainHelperError) || error.failure !== 'crashed') throw error;
      throw new KeychainHelperError('crashed', `${error.message}, and again in a fresh helper`);
    }
  }

  return {
    // Reads and listings change nothing, so they are repeatable.
    getPassword: (service, account) => repeatable<string | null>({ op: 'getPassword', service, account }),
    findCredentials: (service) => repeatable<Array<{ account: string; password: string }>>({ op: 'findCredentials', service }),
    // Storing the same value under the same name twice leaves what storing it once does (the
    // vault runs one operation per key at a time, so no other write of ours comes between).
    setPassword: (service, account, password) => repeatable<void>({ op: 'setPassword', service, account, password }),
    // Not repeated: a helper that deleted the entry and died before answering would be
    // followed by "nothing to delete" (false), a wrong answer about what happened.
    deletePassword: (service, account) => request<boolean>({ op: 'deletePassword', service, account }),
  };
}
