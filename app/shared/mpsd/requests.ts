/**
 * The user-level request model: what a person asks Handle Studio to do, one `kind` per
 * action. Parsing validates and normalises every field (XUIDs to canonical decimals, title
 * ids to decimal, duplicate invitees removed; SCIDs and names keep their case), so the
 * builders can turn a parsed request into wire requests without checking anything again.
 * Parsing a parsed request again gives the same request (core re-checks what the CLI sends).
 */
import * as z from '../zod.ts';
import { parseOrThrow } from '../validation.ts';
import { handleIdSchema, scidSchema, sessionNameSchema, templateNameSchema, titleIdSchema, xuidSchema } from './ids.ts';
import { searchAttributesSchema, searchFilterSchema, searchOrderBySchema } from './search-attributes.ts';
import { sameSession, sessionRefSchema } from './session-ref.ts';
import { requestKinds, type RequestKind } from './wire.ts';

/** MPSD creates one invite handle per POST; more than 100 in one send is refused up front. */
export const MAX_INVITEES = 100;
/** `context` is limited to 256 characters once URI-encoded (MPSD's rule, not ours). */
export const MAX_INVITE_CONTEXT_ENCODED = 256;
/** `POST /handles/query` answers at most 100 handles and does not page. */
export const MAX_QUERY_XUIDS = 100;

/** A strict object for one request kind: `kind` plus the given fields, nothing else. */
function requestObject<K extends RequestKind, S extends z.core.$ZodShape>(kind: K, shape: S) {
  return z.strictObject({ kind: z.literal(kind), ...shape });
}

/** Keeps the first occurrence of each XUID, in input order (the order invites go out). */
function withoutDuplicates(xuids: string[]): string[] {
  return [...new Set(xuids)];
}

const activitySetSchema = requestObject('activity.set', {
  sessionRef: z.strictObject({
    scid: scidSchema,
    templateName: templateNameSchema,
    name: z.optional(sessionNameSchema),
  }),
  /** MPSD may name the session itself (a GUID); Microsoft's client always names it, so this is opt-in. */
  letServiceNameSession: z.optional(z.boolean({ error: 'letServiceNameSession must be true or false.' })),
}).check(
  z.superRefine((request, ctx) => {
    const named = request.sessionRef.name !== undefined;
    if (request.letServiceNameSession === true && named) {
      ctx.addIssue({
        code: 'custom',
        path: ['sessionRef', 'name'],
        message: 'Leave the session name out when letServiceNameSession is true: MPSD fills in a GUID.',
      });
    }
    if (request.letServiceNameSession !== true && !named) {
      ctx.addIssue({
        code: 'custom',
        path: ['sessionRef', 'name'],
        message: 'Session name is required (e.g. lobby-7), or set letServiceNameSession: true to let MPSD name it.',
      });
    }
  }),
);

const activityClearSchema = requestObject('activity.clear', {
  scid: scidSchema,
  /** Whose activity to clear: the signed-in user (MPSD only lets you delete your own). */
  ownerXuid: xuidSchema,
});

const monikers = ['people', 'favorites', 'friends'] as const;

/** Whose social graph a query looks at: `{ moniker, monikerXuid }`. */
const peopleSchema = z.strictObject({
  moniker: z.enum(monikers, { error: `moniker must be one of ${monikers.join(', ')}.` }),
  monikerXuid: xuidSchema,
});

const activityQuerySchema = requestObject('activity.query', {
  scid: scidSchema,
  xuids: z.optional(
    z.pipe(
      z.array(xuidSchema, { error: 'xuids must be a list of XUIDs.' }).check(
        z.minLength(1, { error: 'xuids needs at least one XUID (or use people instead).' }),
        z.maxLength(MAX_QUERY_XUIDS, {
          error: `MPSD answers at most ${MAX_QUERY_XUIDS} handles per query: give at most ${MAX_QUERY_XUIDS} XUIDs.`,
        }),
      ),
      z.transform(withoutDuplicates),
    ),
  ),
  people: z.optional(peopleSchema),
}).check(
  z.superRefine((request, ctx) => {
    if (request.xuids !== undefined && request.people !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['people'],
        message: 'Give either xuids or people, not both: MPSD refuses a query with both (400).',
      });
    }
    if (request.xuids === undefined && request.people === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['xuids'],
        message: 'Say whose activities to find: a list of xuids, or people { moniker, monikerXuid }.',
      });
    }
  }),
);

/**
 * An optional invite attribute. A blank form field means "not set": MPSD gets the attribute
 * omitted, never an empty string.
 */
function optionalAttribute(what: string) {
  return z.optional(
    z.pipe(
      z.string({ error: `${what} must be text.` }),
      z.transform((value) => (value === '' ? undefined : value)),
    ),
  );
}

/** `encodeURIComponent` throws on lone surrogates; those count as "cannot be encoded". */
function encodedLength(text: string): number | undefined {
  try {
    return encodeURIComponent(text).length;
  } catch {
    return undefined;
  }
}

const inviteSendSchema = requestObject('invite.send', {
  sessionRef: sessionRefSchema,
  invitedXuids: z
    .pipe(
      z
        .array(xuidSchema, { error: 'invitedXuids must be a list of XUIDs.' })
        .check(z.minLength(1, { error: 'Add at least one person to invite (invitedXuids is empty).' })),
      z.transform(withoutDuplicates),
    )
    .check(
      z.refine((xuids) => xuids.length <= MAX_INVITEES, {
        error: (issue) =>
          `At most ${MAX_INVITEES} invitees per send; this list has ${(issue.input as string[]).length} different XUIDs: split it into several sends.`,
      }),
    ),
  /** The signed-in user; when given, the list is checked so nobody invites themselves. */
  senderXuid: z.optional(xuidSchema),
  titleId: titleIdSchema,
  context: optionalAttribute('Invite context').check(
    z.superRefine((value, ctx) => {
      if (value === undefined) return;
      const length = encodedLength(value);
      if (length === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'Invite context holds a broken Unicode character (a lone surrogate): retype it.',
        });
      } else if (length > MAX_INVITE_CONTEXT_ENCODED) {
        ctx.addIssue({
          code: 'custom',
          message: `Invite context is ${length} characters once URI-encoded; MPSD allows ${MAX_INVITE_CONTEXT_ENCODED}: shorten it (spaces and non-ASCII characters count 3 or more each).`,
        });
      }
    }),
  ),
  /**
   * The id of a custom invite string ingested for the title (Partner Center), shown in the
   * toast next to the standard text. Microsoft's client documents the id as prefixed with
   * "///"; free text is refused here because MPSD cannot show it.
   */
  contextString: optionalAttribute('Invite context string').check(
    z.superRefine((value, ctx) => {
      if (value === undefined) return;
      if (!/^\/\/\/\S+$/.test(value) || value.length > CONTEXT_STRING_MAX) {
        ctx.addIssue({
          code: 'custom',
          message: `Invite context string is the id of a custom invite string defined at ingestion, written with its "///" prefix and no spaces (e.g. ///JoinMyRaid, at most ${CONTEXT_STRING_MAX} characters). For free text that the game reads, use context.`,
        });
      }
    }),
  ),
  /** Shown as the sender when a service sends the invite; a user's invites show their gamertag. */
  senderString: optionalAttribute('Sender string (the sender name shown when a service, not a user, sends the invite)'),
}).check(
  z.superRefine((request, ctx) => {
    if (request.senderXuid !== undefined && request.invitedXuids.includes(request.senderXuid)) {
      ctx.addIssue({
        code: 'custom',
        path: ['invitedXuids'],
        message: `You cannot invite yourself: remove the sender's XUID ${request.senderXuid} from the invitees.`,
      });
    }
  }),
);

/** XSAPI keeps custom invite string ids with other MPSD names in 100-byte buffers. */
const CONTEXT_STRING_MAX = 99;

const handleIdShape = { handleId: handleIdSchema };
const handleGetSchema = requestObject('handle.get', handleIdShape);
const handleDeleteSchema = requestObject('handle.delete', handleIdShape);
const handleSessionSchema = requestObject('handle.session', handleIdShape);

/** `PUT /handles/{id}/session`: join the session an invite, activity, transfer or search handle points at. */
const handleJoinSchema = requestObject('handle.join', {
  ...handleIdShape,
  /** The joining user: the signed-in one (MPSD refuses adding anybody else). */
  xuid: xuidSchema,
  /** Join as an active (playing) member; left out, the member joins inactive. */
  active: z.optional(z.boolean({ error: 'active must be true or false.' })),
});

const transferCreateSchema = requestObject('transfer.create', {
  /** The session the members move to (e.g. the game session). */
  sessionRef: sessionRefSchema,
  /** The session whose members may join through the handle (e.g. the lobby). */
  originSessionRef: sessionRefSchema,
}).check(
  z.superRefine((request, ctx) => {
    if (sameSession(request.sessionRef, request.originSessionRef)) {
      ctx.addIssue({
        code: 'custom',
        path: ['originSessionRef', 'name'],
        message: 'A transfer handle lets the members of one session join another: give a different origin session.',
      });
    }
  }),
);

const searchCreateSchema = requestObject('search.create', {
  sessionRef: sessionRefSchema,
  searchAttributes: z.optional(searchAttributesSchema),
});

const searchQuerySchema = requestObject('search.query', {
  scid: scidSchema,
  templateName: templateNameSchema,
  filter: z.optional(searchFilterSchema),
  orderBy: z.optional(searchOrderBySchema),
  /** Only sessions with members from this user's people, favorites or friends. */
  people: z.optional(peopleSchema),
});

const sessionJoinSchema = requestObject('session.join', { sessionRef: sessionRefSchema, xuid: xuidSchema });
const sessionGetSchema = requestObject('session.get', { sessionRef: sessionRefSchema });
const sessionLeaveSchema = requestObject('session.leave', { sessionRef: sessionRefSchema });

/** Every request the app can make, discriminated on `kind`. */
export const handleRequestSchema = z.discriminatedUnion(
  'kind',
  [
    activitySetSchema,
    activityClearSchema,
    activityQuerySchema,
    inviteSendSchema,
    handleGetSchema,
    handleDeleteSchema,
    handleSessionSchema,
    handleJoinSchema,
    transferCreateSchema,
    searchCreateSchema,
    searchQuerySchema,
    sessionJoinSchema,
    sessionGetSchema,
    sessionLeaveSchema,
  ],
  { error: `kind must be one of ${requestKinds.join(', ')}.` },
);

/** A request as the UI or CLI types it (title ids may be hex, blanks allowed for optional attributes). */
export type HandleRequestInput = z.input<typeof handleRequestSchema>;
/** A parsed, normalised request: what builders and core operations work with. */
export type HandleRequest = z.output<typeof handleRequestSchema>;

export type ActivitySetRequest = Extract<HandleRequest, { kind: 'activity.set' }>;
export type ActivityClearRequest = Extract<HandleRequest, { kind: 'activity.clear' }>;
export type ActivityQueryRequest = Extract<HandleRequest, { kind: 'activity.query' }>;
export type InviteSendRequest = Extract<HandleRequest, { kind: 'invite.send' }>;
export type HandleGetRequest = Extract<HandleRequest, { kind: 'handle.get' }>;
export type HandleDeleteRequest = Extract<HandleRequest, { kind: 'handle.delete' }>;
export type HandleSessionRequest = Extract<HandleRequest, { kind: 'handle.session' }>;
export type HandleJoinRequest = Extract<HandleRequest, { kind: 'handle.join' }>;
export type TransferCreateRequest = Extract<HandleRequest, { kind: 'transfer.create' }>;
export type SearchCreateRequest = Extract<HandleRequest, { kind: 'search.create' }>;
export type SearchQueryRequest = Extract<HandleRequest, { kind: 'search.query' }>;
export type SessionJoinRequest = Extract<HandleRequest, { kind: 'session.join' }>;
export type SessionGetRequest = Extract<HandleRequest, { kind: 'session.get' }>;
export type SessionLeaveRequest = Extract<HandleRequest, { kind: 'session.leave' }>;

/**
 * Parses anything (a channel payload, a CLI flag set, a stored outbox draft) into a
 * HandleRequest. Throws HandleStudioError VALIDATION naming the field and what to fix.
 */
export function parseHandleRequest(input: unknown): HandleRequest {
  return parseOrThrow(handleRequestSchema, input, 'Request');
}
