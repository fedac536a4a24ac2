import { describe, expect, it } from 'vitest';
import * as z from './zod.ts';
import { xuidSchema } from './mpsd/ids.ts';
import { problemsInWords, validationError } from './validation.ts';

describe('validation errors list every problem', () => {
  it('names each field with its own message, not "(and 2 more problems)"', () => {
    const schema = z.object({
      scid: z.string().check(z.uuid({ error: 'SCID must be a GUID.' })),
      name: z.string({ error: 'Name is required.' }),
      size: z.number({ error: 'Size must be a number' }),
    });
    const parsed = schema.safeParse({ scid: 'x', size: 'big' });
    if (parsed.success) throw new Error('expected a failed parse');
    const error = validationError(parsed.error);
    expect(error.message).toBe('3 problems: scid: SCID must be a GUID. name: Name is required. size: Size must be a number.');
    expect(error.details).toEqual({
      fields: [
        expect.objectContaining({ field: 'scid' }),
        expect.objectContaining({ field: 'name' }),
        expect.objectContaining({ field: 'size' }),
      ],
    });
  });

  it('ends each problem with one full stop, never two, and says the whole input when nothing is named', () => {
    expect(problemsInWords([{ where: '--to', message: 'XUID is required.' }])).toBe('--to: XUID is required.');
    expect(problemsInWords([{ where: '', message: 'Too long' }])).toBe('Too long.');
    expect(problemsInWords([], 'The request is not valid.')).toBe('The request is not valid.');
  });
});

describe('a value of the wrong type', () => {
  it('says what is missing or what was found, never zod\'s bare "Expected string"', () => {
    const schema = z.object({ notes: z.string(), count: z.number(), tags: z.array(z.string()), on: z.boolean() });
    const parsed = schema.safeParse({ count: '3', tags: 'a', on: null });
    if (parsed.success) throw new Error('expected a failed parse');
    expect(validationError(parsed.error).message).toBe(
      '4 problems: notes: Missing: give text in quotes. count: Must be a number, not text in quotes. tags: Must be a list [ ... ], not text in quotes. on: Must be true or false, not null.',
    );
  });
});

describe('XUID range', () => {
  const messages = (value: string) => xuidSchema.safeParse(value).error?.issues.map((issue) => issue.message);

  it('a 23-digit XUID says out of range, and only that', () => {
    expect(messages('12345678901234567890123')).toEqual(['XUID must be a number between 1 and 18446744073709551615.']);
    expect(messages('18446744073709551616')).toEqual(['XUID must be a number between 1 and 18446744073709551615.']);
  });

  it('letters say digits only, and the largest uint64 is accepted', () => {
    expect(messages('alice')).toEqual(['XUID must be decimal digits only, e.g. 2814679796296491.']);
    expect(xuidSchema.parse('18446744073709551615')).toBe('18446744073709551615');
  });
});
