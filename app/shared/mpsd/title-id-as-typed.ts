/**
 * A title id kept the way the user wrote it. Partner Center shows title ids in hex (0x4D2),
 * so presets and profiles store "0x4D2" as typed and show the decimal beside it; the request
 * schema (titleIdSchema) turns it into the decimal MPSD wants only when a request is built.
 */
import * as z from 'zod/mini';
import { titleIdSchema } from './ids.ts';

/** Checked exactly like titleIdSchema (same messages); the output is the trimmed text as typed. */
export const titleIdAsTypedSchema = z.pipe(
  z.union([z.string(), z.number()], { error: 'Title id is required, in decimal (1234) or hex (0x4D2).' }),
  z.transform((raw, ctx) => {
    const typed = String(raw).trim();
    const checked = titleIdSchema.safeParse(typed);
    if (checked.success) return typed;
    for (const issue of checked.error.issues) ctx.issues.push({ code: 'custom', message: issue.message, input: raw });
    return z.NEVER;
  }),
);

/** "0x4D2 (1234)" for a hex title id, the decimal alone otherwise; the text as it is when it is not a title id. */
export function titleIdWithDecimal(typed: string): string {
  const checked = titleIdSchema.safeParse(typed);
  return checked.success && checked.data !== typed.trim() ? `${typed.trim()} (${checked.data})` : typed;
}

/** The hint under a title id field: the decimal that is sent, once a hex id reads as one. */
export function titleIdHint(typed: string): string {
  const trimmed = typed.trim();
  const parsed = /^0x/i.test(trimmed) ? titleIdSchema.safeParse(trimmed) : undefined;
  return parsed?.success === true
    ? `${trimmed} is ${parsed.data} in decimal, which is what is sent.`
    : "Decimal (1234) or Partner Center's hex (0x4D2); sent as decimal.";
}
