/**
 * Reading the emulator's JSON setup files (`--templates`, `--follows`): a file that cannot be
 * read, is not JSON or breaks the schema stops the start with one sentence naming the file,
 * the field and what to change.
 */
import { readFileSync } from 'node:fs';
import * as z from '../shared/zod.ts';
import { fieldProblems } from '../shared/validation.ts';
import { invalidSetup } from './setup-errors.ts';

/** Checks `value` against `schema`; a problem becomes `<where>: <field>: <message>`. */
export function parseSetup<S extends z.ZodMiniType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = fieldProblems(parsed.error);
  const listed = problems.slice(0, 3).map((problem) => `${problem.field === '' ? '(top level)' : problem.field}: ${problem.message}`);
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return invalidSetup(`${where}: ${listed.join('; ')}${more}`);
}

/** Reads and checks a JSON setup file. */
export function readSetupFile<S extends z.ZodMiniType>(path: string, schema: S, what: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return invalidSetup(`The ${what} file ${path} could not be read (${code ?? 'unknown error'}); check the path.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return invalidSetup(`The ${what} file ${path} is not valid JSON (${(error as Error).message}).`);
  }
  return parseSetup(schema, value, `The ${what} file ${path}`);
}

/** A record whose keys must pass `keyOk`; a bad key is reported at its own path with `message` (zod alone says only "Invalid key"). */
export function keyedBy<V extends z.ZodMiniType>(keyOk: (key: string) => boolean, message: string, value: V) {
  return z.record(z.string(), value).check(
    z.superRefine((record, context) => {
      for (const key of Object.keys(record)) if (!keyOk(key)) context.addIssue({ code: 'custom', path: [key], message });
    }),
  );
}
