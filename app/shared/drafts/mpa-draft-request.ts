/**
 * An MPA draft (kind `mpa.*`: the Compose form's MPA fields as typed) read as an MPA request,
 * the counterpart of requestFromDraft for MPSD drafts. Compose and the CLI (`draft send`) both
 * read a draft here, so it means the same call wherever it is sent. Nothing is judged here:
 * the MPA request schema (app/shared/mpa/requests.ts) does that at send time, with its own
 * messages; a number box holding something else is passed on as typed so the schema says so.
 */
import type { DraftKind } from '../contract/drafts.ts';
import type { MpaKind, MpaRequestInput } from '../mpa/requests.ts';
import type { DraftFields } from './draft-request.ts';
import { draftRequestOf, inviteesOf, SEPARATORS } from './draft-request.ts';
import type { InviteeLine } from './invitee-lines.ts';

/**
 * The MPA form's text fields, named as drafts store them. `titleId`, `invitees` and
 * `queryXuids` are the boxes MPSD drafts use for the same thing; `crossPlatform` is the form's
 * choice for allowCrossPlatformJoin (`true`, `false`, or blank to leave it out). A draft saved
 * before that field existed has no `crossPlatform` key and keeps its meaning then: a platform
 * named means allowCrossPlatformJoin false, as XSAPI sends it. `sequenceNumber` is the number
 * typed for an activity's PUT or DELETE (blank: the sender picks one). `recentPlayers` is one
 * `XUID` or `XUID=Teammate` per line.
 */
export type MpaDraftTextField =
  | 'titleId'
  | 'xuid'
  | 'connectionString'
  | 'joinRestriction'
  | 'maxPlayers'
  | 'currentPlayers'
  | 'groupId'
  | 'platform'
  | 'crossPlatform'
  | 'sequenceNumber'
  | 'invitees'
  | 'queryXuids'
  | 'recentPlayers';

export interface MpaDraftRequest {
  /** Unchecked: parseMpaRequest (app/shared/mpa/wire.ts) judges it. */
  request: MpaRequestInput;
  /** The invitee box read line by line (empty for other kinds), for messages that name a line. */
  invitees: InviteeLine[];
  /** Labels typed beside invitees, keyed by XUID; undefined when there are none. */
  recipientLabels: Record<string, string> | undefined;
}

/**
 * True for a draft (or request) kind MPA sends, false for an MPSD one: every MPA kind starts
 * with `mpa.` and no MPSD one does. Read by the prefix so the page need not load MPA's schemas.
 */
export function isMpaKind(kind: DraftKind): kind is MpaKind {
  return kind.startsWith('mpa.');
}

/** A whole number as a number; anything else as typed, for the schema to refuse with its own words. */
function count(text: string | undefined): number | string | undefined {
  return text !== undefined && /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : text;
}

function words(text: string | undefined): string[] {
  return (text ?? '').split(SEPARATORS).filter((word) => word !== '');
}

/**
 * allowCrossPlatformJoin as the draft says it. `crossPlatform` present (even blank) is the
 * choice made in the form; absent, the draft predates it and a named platform meant false.
 * Text other than true/false goes through as typed for the schema to refuse.
 */
function crossPlatformOf(choice: DraftFields[string] | undefined, platform: string | undefined): unknown {
  if (typeof choice !== 'string') return platform === undefined ? undefined : false;
  const typed = choice.trim();
  return typed === '' ? undefined : typed === 'true' ? true : typed === 'false' ? false : typed;
}

/** The MPA request an MPA draft describes (blank fields left out, so the schema says "required"). */
export function mpaRequestFromDraft(draft: { kind: MpaKind; fields: DraftFields }): MpaDraftRequest {
  const fields: Readonly<Partial<Record<MpaDraftTextField, DraftFields[string]>>> = draft.fields;
  const given = (name: MpaDraftTextField): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const platform = given('platform');
  const platformChoice = { platform, allowCrossPlatformJoin: crossPlatformOf(fields.crossPlatform, platform) };
  const sequenceNumber = count(given('sequenceNumber'));
  const { kind } = draft;
  const titleId = given('titleId');
  let request: Record<string, unknown>;
  let invitees: InviteeLine[] = [];
  switch (kind) {
    case 'mpa.activity.set':
      request = {
        kind,
        titleId,
        xuid: given('xuid'),
        // Required here, so blank goes as '' for the schema to say "required" (absent reads "must be text").
        connectionString: given('connectionString') ?? '',
        joinRestriction: given('joinRestriction'),
        maxPlayers: count(given('maxPlayers')),
        currentPlayers: count(given('currentPlayers')),
        groupId: given('groupId'),
        ...platformChoice,
        sequenceNumber,
      };
      break;
    case 'mpa.activity.delete':
      request = { kind, titleId, xuid: given('xuid'), sequenceNumber };
      break;
    case 'mpa.activity.get':
      request = { kind, titleId, xuid: given('xuid') };
      break;
    case 'mpa.activity.query':
      request = { kind, titleId, users: words(given('queryXuids')) };
      break;
    case 'mpa.invite.send':
      invitees = inviteesOf(fields.invitees);
      request = {
        kind,
        titleId,
        invitedUsers: invitees.map((invitee) => invitee.xuid),
        connectionString: given('connectionString'),
        ...platformChoice,
      };
      break;
    case 'mpa.recentPlayers.update':
      request = {
        kind,
        titleId,
        recentPlayers: words(given('recentPlayers')).map((word) => {
          const [id, encounterType] = word.split('=');
          return { id, encounterType: encounterType === '' ? undefined : encounterType };
        }),
      };
      break;
  }
  return draftRequestOf<MpaRequestInput>(request, invitees);
}
