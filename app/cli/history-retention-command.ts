/**
 * `handle-studio history retention`: reads or sets the rule history is pruned by, the same
 * rule the History screen's Retention control sets (it is stored in history.sqlite). Setting
 * it prunes at once and says how many entries went.
 */
import { historyChannels, type Retention } from '../shared/contract/history.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { describeRemoval, describeRetention, readRetention, type RetentionField } from '../shared/history/retention-rule.ts';
import type { CommandSpec, FlagValues } from './command.ts';
import { callChannel } from './context.ts';
import { text } from './request-flags.ts';

const flagFor: Record<RetentionField, string> = { maxEntries: '--max-entries', maxAgeDays: '--max-age-days' };

/** The rule the flags ask for, or undefined when they ask only to see the current one. */
function ruleFromFlags(flags: FlagValues): Retention | undefined {
  const typed = { maxEntries: text(flags, 'max-entries'), maxAgeDays: text(flags, 'max-age-days') };
  const limits = (Object.keys(typed) as RetentionField[]).filter((field) => typed[field] !== undefined);
  if (flags['off'] === true) {
    if (limits.length > 0) {
      throw new HandleStudioError(
        'VALIDATION',
        `--off keeps every entry: leave out ${limits.map((field) => flagFor[field]).join(' and ')}, or leave out --off.`,
        {
          field: 'off',
        },
      );
    }
    return {};
  }
  if (limits.length === 0) return undefined;
  // An absent flag leaves that limit off, as an empty field does in the app.
  const reading = readRetention({ maxEntries: typed.maxEntries ?? '', maxAgeDays: typed.maxAgeDays ?? '' });
  if (reading.ok) return reading.rule;
  const problems = (Object.entries(reading.problems) as [RetentionField, string][]).map(([field, message]) => ({
    field,
    flag: flagFor[field],
    message,
  }));
  throw new HandleStudioError('VALIDATION', problems.map((problem) => `${problem.flag}: ${problem.message}`).join(' '), {
    fields: problems,
  });
}

export const historyRetentionCommand: CommandSpec = {
  path: ['history', 'retention'],
  summary: 'Show or set which history entries are kept; setting a rule removes the others now.',
  flags: {
    'max-entries': { type: 'string', value: 'N', help: 'Keep only the newest N entries.' },
    'max-age-days': { type: 'string', value: 'N', help: 'Keep only entries younger than N days.' },
    off: { type: 'boolean', help: 'Keep every entry (no retention rule).' },
  },
  notes: [
    'Without flags it prints the current rule. With both limits an entry must fit both to stay. The rule is stored with history and applied again as history grows.',
  ],
  examples: [
    'handle-studio history retention',
    'handle-studio history retention --max-age-days 90',
    'handle-studio history retention --off --json',
  ],
  run: async (context, flags) => {
    const wanted = ruleFromFlags(flags);
    const json = flags['json'] === true;
    if (wanted === undefined) {
      const rule = await callChannel(context, historyChannels, 'getHistoryRetention', {});
      if (json) context.printJson({ ok: true, retention: rule });
      else context.say(`${describeRetention(rule)}.`);
      return 0;
    }
    const { retention, removed } = await callChannel(context, historyChannels, 'setHistoryRetention', wanted);
    if (json) {
      context.printJson({ ok: true, retention, removed });
    } else {
      context.say(`${describeRetention(retention)}.`);
      context.say(describeRemoval(removed, retention));
    }
    return 0;
  },
};
