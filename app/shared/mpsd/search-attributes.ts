/**
 * Search handles: the attributes a session is found by, and the query that finds it. Rules
 * from MPSD's session-browse docs (live-session-browse.md): tag and attribute names start
 * with a letter, hold no spaces and are under 100 characters; tags and string values are
 * matched in lower case (queries must use `tolower`); the filter is an OData subset
 * (`eq ne gt ge lt le and or`) with at most one `or`, at the root; `orderBy` is
 * `<attribute> asc|desc`. Values are bounded like XSAPI's 100-byte buffers
 * (XBL_MULTIPLAYER_SEARCH_HANDLE_MAX_FIELD_LENGTH).
 */
import * as z from '../zod.ts';

const FIELD_MAX = 99;
/** MPSD answers at most 100 search handles; a title can send any number of attributes, we keep it sane. */
const ATTRIBUTES_MAX = 100;
const FILTER_MAX = 2048;

function searchName(what: string) {
  return z.string({ error: `${what} must be text.` }).check(
    z.trim(),
    z.minLength(1, { error: `${what} is empty: give a name that starts with a letter, e.g. ProRankOnly.` }),
    z.maxLength(FIELD_MAX, { error: `${what} is too long: MPSD wants fewer than 100 characters.` }),
    z.refine((value) => /^[A-Za-z]\S*$/.test(value), {
      error: (issue) =>
        `${what} "${String(issue.input)}" must start with a letter and hold no spaces (MPSD's rule for search attributes), e.g. ProRankOnly.`,
    }),
  );
}

/**
 * A record's error message: its own for a value that is not an object at all, the key's
 * message for a bad attribute name (zod would otherwise only say "Invalid key in record").
 */
function recordError(notAnObject: string) {
  return (issue: z.core.$ZodRawIssue): string | undefined => {
    if (issue.code === 'invalid_key') return (issue as { issues?: { message?: string }[] }).issues?.[0]?.message;
    return issue.code === 'invalid_type' ? notAnObject : undefined;
  };
}

const tagSchema = searchName('Tag');
const attributeNameSchema = searchName('Attribute name');

export const searchAttributesSchema = z.strictObject({
  tags: z.optional(
    z.pipe(
      z
        .array(tagSchema, { error: 'tags must be a list of words.' })
        .check(z.maxLength(ATTRIBUTES_MAX, { error: `At most ${ATTRIBUTES_MAX} tags.` })),
      z.transform((tags) => [...new Set(tags)]),
    ),
  ),
  strings: z.optional(
    z
      .record(
        attributeNameSchema,
        z
          .string({ error: "A string attribute's value must be text." })
          .check(z.maxLength(FIELD_MAX, { error: `A string attribute's value is at most ${FIELD_MAX} characters.` })),
        { error: recordError('strings must map names to text, e.g. { "MapName": "UrbanCityAssault" }.') },
      )
      .check(
        z.refine((strings) => Object.keys(strings).length <= ATTRIBUTES_MAX, { error: `At most ${ATTRIBUTES_MAX} string attributes.` }),
      ),
  ),
  numbers: z.optional(
    z
      .record(attributeNameSchema, z.number({ error: "A number attribute's value must be a number, e.g. 25 or 1.5." }), {
        error: recordError('numbers must map names to numbers, e.g. { "MinLevel": 25 }.'),
      })
      .check(
        z.refine((numbers) => Object.keys(numbers).length <= ATTRIBUTES_MAX, { error: `At most ${ATTRIBUTES_MAX} number attributes.` }),
      ),
  ),
});

/**
 * Where the word `or` stands outside quoted literals: its count and whether any sits inside
 * parentheses. OData quotes literals with '...' and doubles a quote inside one ('it''s').
 */
function orPlacement(filter: string): { count: number; nested: boolean } {
  let depth = 0;
  let quoted = false;
  let count = 0;
  let nested = false;
  for (let index = 0; index < filter.length; index++) {
    const char = filter[index];
    if (char === "'") {
      quoted = !quoted;
      continue;
    }
    if (quoted) continue;
    if (char === '(') depth += 1;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (/\s/.test(filter[index - 1] ?? ' ') && /^or\s/i.test(filter.slice(index, index + 3))) {
      count += 1;
      if (depth > 0) nested = true;
    }
  }
  return { count, nested };
}

/** An OData filter over search handles, e.g. `numbers/rank lt 60 and tags/any(d:tolower(d) eq 'elite')`. */
export const searchFilterSchema = z.string({ error: 'The filter must be text.' }).check(
  z.trim(),
  z.minLength(1, { error: 'The filter is empty: leave it out to list every search handle, or write e.g. numbers/rank lt 60.' }),
  z.maxLength(FILTER_MAX, { error: `The filter is at most ${FILTER_MAX} characters.` }),
  z.superRefine((filter, ctx) => {
    if ((filter.match(/'/g) ?? []).length % 2 === 1) {
      ctx.addIssue({
        code: 'custom',
        message: "The filter has an unclosed quote: quote text values like 'classb' (write '' for a quote inside).",
      });
      return;
    }
    const { count, nested } = orPlacement(filter);
    if (count > 1 || nested) {
      ctx.addIssue({
        code: 'custom',
        message: 'MPSD allows at most one "or" in a search filter, at the top level (not inside parentheses): split the search in two.',
      });
    }
  }),
);

/** `<attribute> asc|desc`, e.g. `numbers/rank desc`. */
export const searchOrderBySchema = z.string({ error: 'The order must be text.' }).check(
  z.trim(),
  z.refine((value) => /^\S+ (asc|desc)$/i.test(value), {
    error: 'Order by one attribute, then asc or desc, e.g. "numbers/rank desc".',
  }),
);
