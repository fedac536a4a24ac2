/**
 * Turns zod's issues into one sentence a person can act on: where the problem is
 * (the field path) and what the schema's own message says to do about it.
 */
import type * as z from './zod.ts';
import { HandleStudioError } from './errors.ts';

export interface FieldProblem {
  /** Dotted path to the field, e.g. `sessionRef.scid` or `invitedXuids.2`. Empty for the whole input. */
  field: string;
  message: string;
}

export function fieldProblems(error: z.core.$ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message: describeIssue(issue),
  }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'}.`;
    case 'too_big':
      return issue.message.startsWith('Too big') ? `Too long: at most ${String(issue.maximum)}.` : issue.message;
    case 'invalid_type':
      return issue.message.startsWith('Invalid input')
        ? wrongType(issue.expected, /received (\w+)/.exec(issue.message)?.[1])
        : issue.message;
    default:
      return issue.message;
  }
}

/** zod's type names in a file author's words: "Expected string" means nothing to most people. */
const typeWords: Record<string, string> = {
  string: 'text in quotes',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list [ ... ]',
  object: 'an object { ... }',
};

/** What a field of the wrong type needs: a missing one is asked for, a mistyped one says what it found. */
function wrongType(expected: string, received: string | undefined): string {
  const wanted = typeWords[expected] ?? expected;
  if (received === undefined || received === 'undefined') return `Missing: give ${wanted}.`;
  const found = received === 'null' ? 'null' : (typeWords[received] ?? received);
  return `Must be ${wanted}, not ${found}.`;
}

/**
 * Every problem in one message, each led by where it is (`where`, e.g. the field or the flag
 * that sets it) and ending in one full stop. All of them, because a person fixing one problem
 * at a time and re-running to find the next is what "(and 2 more problems)" made them do.
 */
export function problemsInWords(problems: readonly { where: string; message: string }[], whole = 'The input is not valid.'): string {
  if (problems.length === 0) return whole;
  const sentences = problems.map(({ where, message }) => {
    const sentence = `${where ? `${where}: ` : ''}${message.trim()}`;
    return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  });
  return sentences.length === 1 ? (sentences[0] ?? whole) : `${sentences.length} problems: ${sentences.join(' ')}`;
}

/** The VALIDATION error for a failed parse, with every problem listed in `details.fields`. */
export function validationError(error: z.core.$ZodError, what = 'Input'): HandleStudioError {
  const problems = fieldProblems(error);
  const message = problemsInWords(
    problems.map(({ field, message }) => ({ where: field, message })),
    `${what} is not valid.`,
  );
  return new HandleStudioError('VALIDATION', message, { fields: problems });
}

/** Parses or throws a VALIDATION HandleStudioError. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, what?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, what);
  return parsed.data;
}
