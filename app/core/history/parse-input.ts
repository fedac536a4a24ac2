import type { z } from 'zod';
import { HandleStudioError } from '../../shared/errors.ts';

/**
 * Parses `value` with `schema` or throws VALIDATION naming the field and what is wrong,
 * e.g. "Draft is not valid (name): Draft name is required."
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new HandleStudioError('VALIDATION', `${what}${where}: ${issue?.message ?? 'invalid value'}`);
}
