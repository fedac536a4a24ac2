/**
 * The dispatcher is the one door between a caller (renderer, browser mode, CLI) and core:
 * what goes in is parsed, and so is what comes out, so a handler that returns more than its
 * contract names (a token it happened to hold) cannot hand it to the caller.
 */
import * as z from '../shared/zod.ts';
import { describe, expect, it } from 'vitest';
import { channel } from '../shared/contract/define.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { createDispatcher } from './dispatch.ts';

const AUTHORIZATION = 'XBL3.0 x=1234567890;eyJhbGciOiJSU0EtT0FFUCJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl';

const channels = {
  profileSummary: channel(
    z.strictObject({ id: z.string() }),
    z.object({ name: z.string(), tokenState: z.enum(['valid', 'refused']) }),
    'A profile, without its token.',
  ),
  wrongAnswer: channel(z.strictObject({}), z.object({ count: z.number() }), 'A handler that breaks its contract.'),
  failing: channel(z.strictObject({}), z.object({}), 'A handler that throws.'),
};

let handlerRuns = 0;
const dispatch = createDispatcher(channels, {
  profileSummary: async ({ id }) => {
    handlerRuns += 1;
    // A careless handler returns the record it had at hand, credentials included.
    return { name: `profile ${id}`, tokenState: 'valid', authorization: AUTHORIZATION, nested: { token: AUTHORIZATION } } as unknown as {
      name: string;
      tokenState: 'valid';
    };
  },
  wrongAnswer: async () => ({ count: `${AUTHORIZATION}` }) as unknown as { count: number },
  failing: async () => {
    throw new Error(`socket hang up while sending Authorization: ${AUTHORIZATION}`);
  },
});

describe('dispatcher', () => {
  it('hands the caller only the keys the output contract names', async () => {
    const result = await dispatch('profileSummary', { id: 'p1' });
    expect(result).toEqual({ ok: true, value: { name: 'profile p1', tokenState: 'valid' } });
    expect(JSON.stringify(result)).not.toContain('eyJ');
  });

  it('answers INTERNAL without echoing a value that breaks the output contract', async () => {
    const result = await dispatch('wrongAnswer', {});
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'The answer to "wrongAnswer" did not match its contract.' } });
  });

  it('refuses unknown input keys and unknown channels before any handler runs', async () => {
    const before = handlerRuns;
    expect(await dispatch('profileSummary', { id: 'p1', authorization: AUTHORIZATION })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await dispatch('constructor', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(handlerRuns).toBe(before);
  });

  it('turns a thrown error into a value with credentials masked', async () => {
    const result = await dispatch('failing', {});
    expect(result.ok).toBe(false);
    const error = (result as { ok: false; error: { code: string; message: string } }).error;
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain('socket hang up');
    expect(error.message).not.toContain('1234567890');
    expect(error.message).not.toContain('eyJ');
  });

  it("passes a HandleStudioError's code and words through", async () => {
    const throwing = createDispatcher(channels, {
      profileSummary: async () => {
        throw new HandleStudioError('NOT_FOUND', 'That profile no longer exists: pick another one.');
      },
      wrongAnswer: async () => ({ count: 1 }),
      failing: async () => ({}),
    });
    expect(await throwing('profileSummary', { id: 'gone' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'That profile no longer exists: pick another one.' },
    });
  });
});
