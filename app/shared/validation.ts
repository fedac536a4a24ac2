/**
 * Turns zod's issues into one sentence a person can act on: where the problem is
 * (the field path) and what the schema's own message says to do about it.
 */
import type { z } from 'zod';
import { HandleStudioError } from './errors.ts';

export interface FieldProblem {
  /** Dotted path to the field, e.g. `sessionRef.scid` or `invitedXuids.2`. Empty for the whole input. */
  field: string;
  message: string;
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
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
      return issue.message.startsWith('Invalid input') ? `Expected ${issue.expected}.` : issue.message;
    default:
      return issue.message;
  }
}

/** The VALIDATION error for a failed parse, with every problem listed in `details.fields`. */
export function validationError(error: z.ZodError, what = 'Input'): HandleStudioError {
  const problems = fieldProblems(error);
  const first = problems[0];
  const summary = first === undefined ? `${what} is not valid.` : `${first.field ? `${first.field}: ` : ''}${first.message}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new HandleStudioError('VALIDATION', `${summary}${more}`, { fields: problems });
}

/** Parses or throws a VALIDATION HandleStudioError. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, what);
  return parsed.data;
}
