import { describe, expect, it } from 'vitest';
import { titleIdAsTypedSchema, titleIdHint, titleIdWithDecimal } from './title-id-as-typed.ts';

describe('title id as typed', () => {
  it('keeps hex as typed and decimal as typed', () => {
    expect(titleIdAsTypedSchema.parse(' 0x4D2 ')).toBe('0x4D2');
    expect(titleIdAsTypedSchema.parse('1234')).toBe('1234');
    expect(titleIdAsTypedSchema.parse(1234)).toBe('1234');
  });

  it('refuses what the request schema refuses, with its message', () => {
    const refused = titleIdAsTypedSchema.safeParse('0xZZ');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.message)).toEqual([
      'Title id "0xZZ" is not a 32-bit number: give it in decimal (1234) or hex (0x4D2).',
    ]);
    expect(titleIdAsTypedSchema.safeParse('0x100000000').success).toBe(false);
    expect(titleIdAsTypedSchema.safeParse(undefined).error?.issues[0]?.message).toBe(
      'Title id is required, in decimal (1234) or hex (0x4D2).',
    );
  });

  it('shows the decimal beside a hex id only', () => {
    expect(titleIdWithDecimal('0x4D2')).toBe('0x4D2 (1234)');
    expect(titleIdWithDecimal('1234')).toBe('1234');
  });

  it('hints the decimal under a hex id, and the forms otherwise', () => {
    expect(titleIdHint('0x4D2 ')).toBe('0x4D2 is 1234 in decimal, which is what is sent.');
    expect(titleIdHint('0xZZ')).toBe("Decimal (1234) or Partner Center's hex (0x4D2); sent as decimal.");
  });
});
