/**
 * Handle documents as MPSD answers them (`GET /handles/{id}`, a created handle, each result
 * of `POST /handles/query`), read in full but leniently: a field of an unexpected type is
 * left out instead of failing the whole answer, unknown fields stay in `raw`. On top of the
 * fields, `joinability` says at a glance whether the session behind an activity or search
 * handle can be joined, and if not, why, from the `relatedInfo` MPSD adds to query results.
 * Pure, so the CLI and the renderer read answers the same way.
 */
import * as z from '../zod.ts';

/** A field that must not sink the document when MPSD sends it in another shape. */
const lenient = <S extends z.ZodMiniType>(schema: S) => z.catch(z.optional(schema), undefined);
/** XUIDs and title ids are decimal strings on the wire; some answers carry them as numbers. */
const decimal = z.pipe(z.union([z.string(), z.number().check(z.int(), z.nonnegative())]), z.transform(String));
const count = z.number().check(z.int(), z.nonnegative());

const sessionRefSchema = z.looseObject({
  scid: lenient(z.string()),
  templateName: lenient(z.string()),
  name: lenient(z.string()),
});

const relatedInfoSchema = z.looseObject({
  visibility: lenient(
    z.pipe(
      z.string(),
      z.transform((value) => value.toLowerCase()),
    ),
  ),
  // XSAPI's fixtures show "None" where the docs write "none": compared without case.
  joinRestriction: lenient(
    z.pipe(
      z.string(),
      z.transform((value) => value.toLowerCase()),
    ),
  ),
  closed: lenient(z.boolean()),
  membersCount: lenient(count),
  maxMembersCount: lenient(count),
  sessionOwners: lenient(z.array(decimal)),
});

const searchAttributesSchema = z.looseObject({
  tags: lenient(z.array(z.string())),
  strings: lenient(z.record(z.string(), z.string())),
  numbers: lenient(z.record(z.string(), z.number())),
});

const handleDocumentSchema = z.looseObject({
  id: lenient(z.string()),
  type: lenient(z.string()),
  version: lenient(z.number()),
  sessionRef: lenient(sessionRefSchema),
  originSessionRef: lenient(sessionRefSchema),
  titleId: lenient(decimal),
  ownerXuid: lenient(decimal),
  invitedXuid: lenient(decimal),
  senderXuid: lenient(decimal),
  createTime: lenient(z.string()),
  expiration: lenient(z.string()),
  inviteProtocol: lenient(z.string()),
  inviteAttributes: lenient(z.record(z.string(), z.unknown())),
  searchAttributes: lenient(searchAttributesSchema),
  relatedInfo: lenient(relatedInfoSchema),
  customProperties: lenient(z.record(z.string(), z.unknown())),
});

export type HandleRelatedInfo = z.output<typeof relatedInfoSchema>;

/**
 * - `joinable`: nothing MPSD reported stops a join;
 * - `restricted`: a join restriction admits only some users (who follows whom, which device);
 * - `not-joinable`: closed, full, or not open to users without a reservation;
 * - `unknown`: the answer has no `relatedInfo` (e.g. a handle read by id).
 */
export type JoinVerdict = 'joinable' | 'restricted' | 'not-joinable' | 'unknown';

export interface Joinability {
  verdict: JoinVerdict;
  /** One short phrase per reason, e.g. `closed`, `full (8/8)`, `visibility private (members and reserved users only)`. */
  reasons: string[];
  /** `joinable`, or the verdict followed by its reasons: what a list shows next to the handle. */
  summary: string;
}

export type HandleDocument = z.output<typeof handleDocumentSchema> & { joinability: Joinability };

const VISIBILITY_REASONS: Readonly<Record<string, string>> = {
  private: 'visibility private (members and reserved users only)',
  visible: 'visibility visible (needs a reservation to join)',
  full: 'full',
};

const RESTRICTION_REASONS: Readonly<Record<string, string>> = {
  local: 'join restriction local (only users on a device of an active member)',
  followed: 'join restriction followed (only users a member follows)',
};

/**
 * What `relatedInfo` says about joining the session (rules: mpsd-sessions-and-invitees.md §1).
 * `handleType` is the handle the join would go through: a search handle is the way past a
 * `local`/`followed` join restriction (MPSD's session-browse docs: with that restriction
 * "titles must use search handles or transfer handles to join"), so it does not count there.
 */
export function joinabilityOf(info: HandleRelatedInfo | undefined, handleType?: string): Joinability {
  if (info === undefined) return { verdict: 'unknown', reasons: [], summary: 'joinability unknown (no relatedInfo)' };
  const blockers: string[] = [];
  const restrictions: string[] = [];
  if (info.closed === true) blockers.push('closed');
  const { membersCount, maxMembersCount } = info;
  const full = membersCount !== undefined && maxMembersCount !== undefined && membersCount >= maxMembersCount;
  if (full) blockers.push(`full (${membersCount}/${maxMembersCount})`);
  if (info.visibility !== undefined && info.visibility !== 'open' && !(info.visibility === 'full' && full)) {
    blockers.push(VISIBILITY_REASONS[info.visibility] ?? `visibility ${info.visibility}`);
  }
  if (info.joinRestriction !== undefined && info.joinRestriction !== 'none' && handleType !== 'search') {
    restrictions.push(RESTRICTION_REASONS[info.joinRestriction] ?? `join restriction ${info.joinRestriction}`);
  }
  const reasons = [...blockers, ...restrictions];
  if (blockers.length > 0) return { verdict: 'not-joinable', reasons, summary: `not joinable: ${reasons.join(', ')}` };
  if (restrictions.length > 0) return { verdict: 'restricted', reasons, summary: `restricted: ${reasons.join(', ')}` };
  return { verdict: 'joinable', reasons, summary: 'joinable' };
}

/** One handle document; undefined when `value` is not an object at all. */
export function readHandleDocument(value: unknown): HandleDocument | undefined {
  const parsed = handleDocumentSchema.safeParse(value);
  if (!parsed.success) return undefined;
  return { ...parsed.data, joinability: joinabilityOf(parsed.data.relatedInfo, parsed.data.type) };
}

/** The handles of a `POST /handles/query` answer (`{ results: [...] }`), in MPSD's order. */
export function readHandleQueryAnswer(answer: unknown): HandleDocument[] {
  const results = typeof answer === 'object' && answer !== null ? (answer as { results?: unknown }).results : undefined;
  if (!Array.isArray(results)) return [];
  return results.flatMap((result) => {
    const handle = readHandleDocument(result);
    return handle === undefined ? [] : [handle];
  });
}
