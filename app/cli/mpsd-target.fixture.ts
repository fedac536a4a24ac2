/**
 * Where the flows of mpsd-flows.test.ts run: the local MPSD, started through the real
 * `handle-studio emulator start`, or a developer's sandbox named by HANDLE_STUDIO_SANDBOX_*
 * variables. Either way a flow gets two users A and B, a SCID, a template and a title, so each
 * flow is written once and asserts the same things against both.
 */
import * as z from '../shared/zod.ts';
import { exited, firstLine, runCli, startCli, type CliRun } from './cli-process.fixture.ts';

export interface FlowUser {
  name: 'A' | 'B';
  xuid: string;
  /** The whole `XBL3.0 x=<uhs>;<token>` value; it goes to the CLI child as XBL_AUTHORIZATION only. */
  authorization: string;
}

export interface MpsdTarget {
  endpoint: string;
  scid: string;
  template: string;
  /** Decimal, as MPSD and the CLI's output write it. */
  titleId: string;
  a: FlowUser;
  b: FlowUser;
  /**
   * Whether a refusal's status is checked where the docs mark that status inferred or do not give
   * it: on the local MPSD those statuses are the emulator's own choices (its README marks them) and
   * a change must be noticed; a sandbox is held only to "refused".
   */
  checksUndocumentedStatuses: boolean;
}

export interface OpenTarget {
  target: MpsdTarget;
  close(): Promise<void>;
}

const PRODUCTION = 'https://sessiondirectory.xboxlive.com';

/** The variables a sandbox run needs, with what each one holds (the README lists the same). */
export const SANDBOX_VARIABLES = {
  HANDLE_STUDIO_SANDBOX_SCID: "the title's SCID in that sandbox",
  HANDLE_STUDIO_SANDBOX_TEMPLATE: 'a session template of that SCID (open visibility, no join restriction)',
  HANDLE_STUDIO_SANDBOX_TITLE_ID: 'the title id, decimal or 0x hex',
  HANDLE_STUDIO_SANDBOX_XUID_A: "test account A's XUID",
  HANDLE_STUDIO_SANDBOX_XUID_B: "test account B's XUID",
  HANDLE_STUDIO_SANDBOX_AUTH_A: "A's whole Authorization value for the sandbox, XBL3.0 x=<uhs>;<token>",
  HANDLE_STUDIO_SANDBOX_AUTH_B: "B's whole Authorization value for the sandbox",
} as const;

const xuid = (variable: string) =>
  z.string().check(z.trim(), z.regex(/^[1-9][0-9]{0,19}$/, { error: `${variable} must be a decimal XUID such as 2814679796296491.` }));
const authorization = (variable: string) =>
  // The message never repeats the value: it is a token.
  z.string().check(
    z.trim(),
    z.regex(/^XBL3\.0 x=[^;\s]+;\S+$/, {
      error: `${variable} must be the whole Authorization value, XBL3.0 x=<userhash>;<token> (the value given is not shown).`,
    }),
  );

const sandboxSchema = z.object({
  HANDLE_STUDIO_SANDBOX_ENDPOINT: z.pipe(
    z._default(
      z.url({ error: `HANDLE_STUDIO_SANDBOX_ENDPOINT must be the MPSD address, e.g. ${PRODUCTION} (the default when it is not set).` }),
      PRODUCTION,
    ),
    z.transform((url) => url.replace(/\/+$/, '')),
  ),
  HANDLE_STUDIO_SANDBOX_SCID: z.string().check(
    z.trim(),
    z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
      error: 'HANDLE_STUDIO_SANDBOX_SCID must be a GUID such as bd6c41c3-01c3-468a-a3b5-3e0fe8133862 (Partner Center > Xbox services).',
    }),
  ),
  HANDLE_STUDIO_SANDBOX_TEMPLATE: z.string().check(
    z.trim(),
    z.regex(/^[A-Za-z0-9_.-]{1,99}$/, {
      error: 'HANDLE_STUDIO_SANDBOX_TEMPLATE must be a session template name: letters, digits, - _ . (at most 99).',
    }),
  ),
  HANDLE_STUDIO_SANDBOX_TITLE_ID: z.pipe(
    z.string().check(
      z.trim(),
      z.regex(/^(0x[0-9a-f]{1,8}|[0-9]{1,10})$/i, {
        error: 'HANDLE_STUDIO_SANDBOX_TITLE_ID must be the title id in decimal (1234) or hex (0x4D2).',
      }),
    ),
    z.transform((id) => String(Number(id))),
  ),
  HANDLE_STUDIO_SANDBOX_XUID_A: xuid('HANDLE_STUDIO_SANDBOX_XUID_A'),
  HANDLE_STUDIO_SANDBOX_XUID_B: xuid('HANDLE_STUDIO_SANDBOX_XUID_B'),
  HANDLE_STUDIO_SANDBOX_AUTH_A: authorization('HANDLE_STUDIO_SANDBOX_AUTH_A'),
  HANDLE_STUDIO_SANDBOX_AUTH_B: authorization('HANDLE_STUDIO_SANDBOX_AUTH_B'),
});

export type SandboxSetting =
  | { kind: 'ready'; target: MpsdTarget }
  /** Not every variable is set: the sandbox flows are skipped for this reason. */
  | { kind: 'skip'; reason: string }
  /** Every variable is set but some are wrong: the run fails with this message (a skip would hide the mistake). */
  | { kind: 'invalid'; message: string };

/** Reads the sandbox from the environment; a variable set to blank counts as not set. */
export function sandboxFromEnvironment(environment: Record<string, string | undefined>): SandboxSetting {
  const missing = Object.keys(SANDBOX_VARIABLES).filter((name) => (environment[name] ?? '').trim() === '');
  if (missing.length > 0) {
    return {
      kind: 'skip',
      reason: `no sandbox: set ${missing.join(', ')} to run these flows against one (README: "The same flows against your sandbox").`,
    };
  }
  const endpoint = environment['HANDLE_STUDIO_SANDBOX_ENDPOINT']?.trim();
  const parsed = sandboxSchema.safeParse({ ...environment, HANDLE_STUDIO_SANDBOX_ENDPOINT: endpoint === '' ? undefined : endpoint });
  if (!parsed.success) return { kind: 'invalid', message: parsed.error.issues.map((issue) => issue.message).join(' ') };
  const sandbox = parsed.data;
  if (sandbox.HANDLE_STUDIO_SANDBOX_XUID_A === sandbox.HANDLE_STUDIO_SANDBOX_XUID_B) {
    return {
      kind: 'invalid',
      message:
        'HANDLE_STUDIO_SANDBOX_XUID_A and HANDLE_STUDIO_SANDBOX_XUID_B are the same XUID: the flows need two different test accounts.',
    };
  }
  return {
    kind: 'ready',
    target: {
      endpoint: sandbox.HANDLE_STUDIO_SANDBOX_ENDPOINT,
      scid: sandbox.HANDLE_STUDIO_SANDBOX_SCID,
      template: sandbox.HANDLE_STUDIO_SANDBOX_TEMPLATE,
      titleId: sandbox.HANDLE_STUDIO_SANDBOX_TITLE_ID,
      a: { name: 'A', xuid: sandbox.HANDLE_STUDIO_SANDBOX_XUID_A, authorization: sandbox.HANDLE_STUDIO_SANDBOX_AUTH_A },
      b: { name: 'B', xuid: sandbox.HANDLE_STUDIO_SANDBOX_XUID_B, authorization: sandbox.HANDLE_STUDIO_SANDBOX_AUTH_B },
      checksUndocumentedStatuses: false,
    },
  };
}

const emulatorLineSchema = z.object({
  url: z.string(),
  users: z.array(z.object({ xuid: z.string(), authorization: z.string() })).check(z.minLength(2)),
});

/**
 * Starts `handle-studio emulator start --port 0 --json` (rate limits on, as in a sandbox) and
 * takes A and B from the first two test users of its JSON line.
 */
export async function startLocalTarget(dataDir: string): Promise<OpenTarget> {
  const emulator = startCli(dataDir, ['emulator', 'start', '--port', '0', '--json']);
  const close = async () => {
    if (emulator.exitCode === null && emulator.signalCode === null) emulator.kill('SIGTERM');
    await exited(emulator);
  };
  try {
    const line = emulatorLineSchema.parse(JSON.parse(await firstLine(emulator)));
    // Nothing else on its output is read: keep the pipes flowing so the emulator never blocks on a full one.
    emulator.stdout.resume();
    emulator.stderr.resume();
    const [first, second] = line.users;
    return {
      target: {
        endpoint: line.url,
        scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862',
        template: 'GameSession',
        titleId: '1234',
        a: { name: 'A', ...first! },
        b: { name: 'B', ...second! },
        checksUndocumentedStatuses: true,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs the CLI as one of the target's users: their token in XBL_AUTHORIZATION, the target's endpoint. */
export function runAs(dataDir: string, target: MpsdTarget, user: FlowUser, args: string[]): Promise<CliRun> {
  return runCli(dataDir, [...args, '--endpoint', target.endpoint], { env: { XBL_AUTHORIZATION: user.authorization } });
}

/**
 * Creates a session with `visibility: private` and the user as its active member. This one setup
 * step goes straight to MPSD: visibility is a session constant, and no CLI command sets constants.
 * Answers the status and MPSD's text (which never holds the caller's token).
 */
export async function createPrivateSession(target: MpsdTarget, user: FlowUser, name: string): Promise<{ status: number; text: string }> {
  const answer = await fetch(`${target.endpoint}/serviceconfigs/${target.scid}/sessionTemplates/${target.template}/sessions/${name}`, {
    method: 'PUT',
    headers: { Authorization: user.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      constants: { system: { visibility: 'private' } },
      members: { me: { constants: { system: { xuid: user.xuid, initialize: true } }, properties: { system: { active: true } } } },
    }),
  });
  return { status: answer.status, text: (await answer.text()).slice(0, 500) };
}

/**
 * What a flow left on the MPSD (sessions joined, handles created), undone in reverse order after
 * it, pass or fail, so a sandbox keeps nothing. A step the flow undid itself is forgotten, so
 * nothing is undone twice; an undo that fails is reported, never swallowed.
 */
export class Leftovers {
  private readonly undo = new Map<string, () => Promise<CliRun>>();

  note(what: string, undo: () => Promise<CliRun>): void {
    this.undo.set(what, undo);
  }

  forget(what: string): void {
    this.undo.delete(what);
  }

  async clear(): Promise<void> {
    const steps = [...this.undo].reverse();
    this.undo.clear();
    const failures: string[] = [];
    for (const [what, undo] of steps) {
      const run = await undo();
      if (run.code !== 0) failures.push(`${what}: exit ${run.code}: ${run.stderr.trim() || run.stdout.trim()}`);
    }
    if (failures.length > 0) throw new Error(`Cleaning up after the flow failed; remove these by hand: ${failures.join(' | ')}`);
  }
}
