/**
 * History's retention rule in words, for the History screen and the CLI alike: the rule read
 * from what a person typed (checked by the contract's schema, so both say the same thing),
 * the rule at a glance ("Keeping 90 days"), and what setting it removed.
 */
import { retentionSchema, type Retention } from './retention.ts';
import { fieldProblems } from '../validation.ts';

export type RetentionField = keyof Retention;

/** The two limits as typed; an empty one means no limit. */
export type RetentionText = Record<RetentionField, string>;

export type RetentionReading = { ok: true; rule: Retention } | { ok: false; problems: Partial<Record<RetentionField, string>> };

const count = new Intl.NumberFormat('en-US');

/**
 * A typed number: digits, with thousands separators allowed ("5,000"). Anything else becomes
 * NaN or a fraction, so the schema's own "whole number" message is the one shown.
 */
function numberFromText(text: string): number | undefined {
  const plain = text.trim().replace(/[,_\s]/g, '');
  if (plain === '') return undefined;
  return /^-?[0-9]+(\.[0-9]+)?$/.test(plain) ? Number(plain) : Number.NaN;
}

/** Reads both limits as typed, with the contract schema's message for each field that is wrong. */
export function readRetention(text: RetentionText): RetentionReading {
  const maxEntries = numberFromText(text.maxEntries);
  const maxAgeDays = numberFromText(text.maxAgeDays);
  const parsed = retentionSchema.safeParse({
    ...(maxEntries === undefined ? {} : { maxEntries }),
    ...(maxAgeDays === undefined ? {} : { maxAgeDays }),
  });
  if (parsed.success) return { ok: true, rule: parsed.data };
  const problems: Partial<Record<RetentionField, string>> = {};
  for (const problem of fieldProblems(parsed.error)) {
    const field = problem.field as RetentionField;
    problems[field] ??= problem.message;
  }
  return { ok: false, problems };
}

/** The rule as the form shows it: empty where there is no limit. */
export function retentionText(rule: Retention): RetentionText {
  return { maxEntries: rule.maxEntries?.toString() ?? '', maxAgeDays: rule.maxAgeDays?.toString() ?? '' };
}

function entries(n: number): string {
  return n === 1 ? '1 entry' : `${count.format(n)} entries`;
}

function days(n: number): string {
  return n === 1 ? '1 day' : `${count.format(n)} days`;
}

/** The rule at a glance: "Keeping all entries", "Keeping 90 days", "Keeping the newest 5,000 entries". */
export function describeRetention(rule: Retention): string {
  const { maxEntries, maxAgeDays } = rule;
  if (maxEntries === undefined && maxAgeDays === undefined) return 'Keeping all entries';
  if (maxAgeDays === undefined)
    return maxEntries === 1 ? 'Keeping the newest entry' : `Keeping the newest ${count.format(maxEntries!)} entries`;
  if (maxEntries === undefined) return `Keeping ${days(maxAgeDays)}`;
  return `Keeping ${days(maxAgeDays)}, at most ${entries(maxEntries)}`;
}

/** What setting `rule` did: "Removed 1,204 entries older than 30 days." */
export function describeRemoval(removed: number, rule: Retention): string {
  if (removed === 0) return 'No entries removed: every entry fits the rule.';
  const reasons = [
    rule.maxAgeDays === undefined ? '' : `older than ${days(rule.maxAgeDays)}`,
    rule.maxEntries === undefined ? '' : `beyond the newest ${count.format(rule.maxEntries)}`,
  ].filter(Boolean);
  return `Removed ${entries(removed)} ${reasons.join(' or ')}.`;
}
