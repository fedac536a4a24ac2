import { describe, expect, it } from 'vitest';
import { describeRemoval, describeRetention, readRetention, retentionText } from './retention-rule.ts';

describe('readRetention', () => {
  it('reads empty limits as no limit and typed numbers with separators', () => {
    expect(readRetention({ maxEntries: '', maxAgeDays: '  ' })).toEqual({ ok: true, rule: {} });
    expect(readRetention({ maxEntries: '5,000', maxAgeDays: '90' })).toEqual({ ok: true, rule: { maxEntries: 5000, maxAgeDays: 90 } });
  });

  it("says what is wrong with each field in the contract's words", () => {
    expect(readRetention({ maxEntries: 'lots', maxAgeDays: '0' })).toEqual({
      ok: false,
      problems: {
        maxEntries: 'Keep-at-most must be a whole number of entries.',
        maxAgeDays: 'Keep entries for at least 1 day (or leave it empty for no limit).',
      },
    });
    expect(readRetention({ maxEntries: '2.5', maxAgeDays: '4000' })).toEqual({
      ok: false,
      problems: { maxEntries: 'Keep-at-most must be a whole number of entries.', maxAgeDays: 'Keep-for is at most 3650 days.' },
    });
  });

  it('gives back what retentionText shows', () => {
    const rule = { maxEntries: 2, maxAgeDays: 30 };
    expect(readRetention(retentionText(rule))).toEqual({ ok: true, rule });
    expect(retentionText({})).toEqual({ maxEntries: '', maxAgeDays: '' });
  });
});

describe('describeRetention', () => {
  it('says the rule at a glance', () => {
    expect(describeRetention({})).toBe('Keeping all entries');
    expect(describeRetention({ maxAgeDays: 90 })).toBe('Keeping 90 days');
    expect(describeRetention({ maxEntries: 5000 })).toBe('Keeping the newest 5,000 entries');
    expect(describeRetention({ maxEntries: 1 })).toBe('Keeping the newest entry');
    expect(describeRetention({ maxEntries: 5000, maxAgeDays: 1 })).toBe('Keeping 1 day, at most 5,000 entries');
  });
});

describe('describeRemoval', () => {
  it('says how many entries went and why', () => {
    expect(describeRemoval(1204, { maxAgeDays: 30 })).toBe('Removed 1,204 entries older than 30 days.');
    expect(describeRemoval(1, { maxEntries: 2 })).toBe('Removed 1 entry beyond the newest 2.');
    expect(describeRemoval(7, { maxEntries: 100, maxAgeDays: 1 })).toBe('Removed 7 entries older than 1 day or beyond the newest 100.');
    expect(describeRemoval(0, { maxEntries: 100 })).toBe('No entries removed: every entry fits the rule.');
  });
});
