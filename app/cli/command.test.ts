import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { requestFromDraft } from '../shared/drafts/draft-request.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { helpText, parseCommandArgs, UsageError, type CommandSpec } from './command.ts';
import { redactSecrets, secretsFromEnvironment } from './context.ts';
import { profileCommands, readTokenFromStdin } from './profile-commands.ts';
import { flagForField, labelsForRequest, parseRequestFromFlags, recipientsFromFlags } from './request-flags.ts';

const example: CommandSpec = {
  path: ['preset', 'show'],
  summary: 'Show one preset.',
  positionals: ['NAME'],
  flags: { to: { type: 'string', multiple: true, value: 'XUID', help: 'Who.' }, yes: { type: 'boolean', help: 'Confirm.' } },
  run: async () => 0,
};

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(UsageError);
    return (thrown as UsageError).message;
  }
  throw new Error('expected a usage error');
}

describe('reading a command line', () => {
  it('collects repeated flags in order and the positional argument', () => {
    const parsed = parseCommandArgs(example, ['friday', '--to', '1', '--to', '2=Bob', '--yes']);
    expect(parsed.positionals).toEqual(['friday']);
    expect(parsed.flags['to']).toEqual(['1', '2=Bob']);
    expect(parsed.flags['yes']).toBe(true);
  });

  it('names what is wrong: a missing argument, one too many, a switch given a value', () => {
    expect(usageMessage(() => parseCommandArgs(example, []))).toBe('Missing NAME: `handle-studio preset show NAME` needs it.');
    expect(usageMessage(() => parseCommandArgs(example, ['a', 'b']))).toContain('One argument too many');
    expect(usageMessage(() => parseCommandArgs(example, ['a', '--yes=no']))).toBe('--yes is a switch and takes no value: write it alone.');
  });

  it('refuses secret flags and header values anywhere, but not after "--"', () => {
    const jwt = 'eyJhbGciOiJSU0EtT0FFUCJ9.c2VjcmV0.cGFydA';
    const bare = '7OqZgpbrPHq6hX4ehZ3xikfIXxAUGbnVfHgq_PfxdpYl9pV8GBT9bhYchgajhl22UP_SzQ2DfNW53fCv';
    for (const args of [['a', '--refresh-token', 'x'], ['a', '--UHS=1'], ['XBL3.0 x=1;abc'], [jwt], ['a', `--profile=${jwt}`], [bare]]) {
      expect(usageMessage(() => parseCommandArgs(example, args))).toContain('XBL_AUTHORIZATION');
    }
  });

  it('takes a session name or label of 64-99 characters as what it is, not as a token', () => {
    const name = 'Weekend-Finals-Lobby-2026-Round-One-Team-Alpha-vs-Team-Bravo-Best-Of-Five-Match';
    expect(parseCommandArgs(example, [name]).positionals).toEqual([name]);
  });

  it('help lists every declared flag, repeatable ones marked', () => {
    const help = helpText(example);
    expect(help).toContain('Usage: handle-studio preset show NAME [flags]');
    expect(help).toMatch(/--to XUID\s+Who\. \(repeatable\)/);
    expect(help).toContain('--yes');
    expect(help).toContain('--json');
  });
});

describe('flags to requests', () => {
  it('points a field problem at the flag that sets it', () => {
    expect(flagForField('sessionRef.templateName')).toBe('--template');
    expect(flagForField('invitedXuids.3')).toBe('--to');
    expect(flagForField('people.monikerXuid')).toBe('--xuid');
  });

  it('reports every problem by its flag', () => {
    let error: HandleStudioError | undefined;
    try {
      parseRequestFromFlags({ kind: 'session.get', sessionRef: { scid: 'x', templateName: 'a b' } } as never);
    } catch (thrown) {
      error = thrown as HandleStudioError;
    }
    expect(error?.code).toBe('VALIDATION');
    expect(error?.message).toMatch(/^3 problems: --scid: SCID must be a GUID.* --template: .* --session: /);
  });

  it('reads --to XUID=label and keys labels by the canonical XUID', () => {
    const recipients = recipientsFromFlags(['0042=Alice', '7']);
    expect(recipients.xuids).toEqual(['0042', '7']);
    expect(labelsForRequest(recipients)).toEqual({ '42': 'Alice' });
    expect(() => recipientsFromFlags(['42='])).toThrow('the label after "=" is empty');
  });
});

describe('drafts to requests', () => {
  it('names a blank field of a saved draft by its flag', () => {
    const { request } = requestFromDraft({
      kind: 'invite.send',
      fields: {
        scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862',
        templateName: 'GameSession',
        sessionName: 'lobby',
        invitees: ['2814679796296491 Alice'],
        titleId: '',
        context: '',
      },
    });
    expect(() => parseRequestFromFlags(request)).toThrow('--title-id: Title id is required');
  });
});

describe('secrets in output', () => {
  it('masks the XBL_AUTHORIZATION value, its token part and any 16 characters of it, but not shorter runs', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQtMDEyMzQ1Njc4OQ.sig';
    const secrets = new Set(secretsFromEnvironment({ XBL_AUTHORIZATION: `XBL3.0 x=123;${token}` }));
    expect(redactSecrets(`sent with XBL3.0 x=123;${token}`, secrets)).toBe('sent with XBL3.0 x=<uhs>;<token>');
    expect(redactSecrets(`sent with ${token}`, secrets)).toBe('sent with <token>');
    expect(redactSecrets(`a quote of "${token.slice(10, 26)}"`, secrets)).toBe('a quote of "<token>"');
    expect(redactSecrets(`too short to mean anything: ${token.slice(10, 25)}`, secrets)).toBe(
      `too short to mean anything: ${token.slice(10, 25)}`,
    );
  });

  it('also redacts what core really sends when the value was typed with quotes or a header name', () => {
    const secrets = new Set(secretsFromEnvironment({ XBL_AUTHORIZATION: '"Authorization: XBL3.0 x=123;tokentokentokentoken"' }));
    expect(redactSecrets('echoed XBL3.0 x=123;tokentokentokentoken back', secrets)).not.toContain('tokentokentokentoken');
  });

  it('set-token refuses a terminal with a hint to pipe the value in', async () => {
    const setToken = profileCommands.find((command) => command.path[1] === 'set-token')!;
    const terminal = Object.assign(Readable.from([]), { isTTY: true });
    await expect(readTokenFromStdin(terminal, setToken)).rejects.toThrow(/pipe it in/);
  });

  it('set-token gives up when standard input never ends', async () => {
    const setToken = profileCommands.find((command) => command.path[1] === 'set-token')!;
    const open = new Readable({ read() {} });
    await expect(readTokenFromStdin(open, setToken, 50)).rejects.toThrow(/Nothing ended on standard input/);
    open.destroy();
  });
});
