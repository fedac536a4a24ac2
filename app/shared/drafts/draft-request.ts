/**
 * A draft (the Compose form's fields as typed) read as a request. Compose builds its live
 * request here from what is in the form, and the CLI sends a saved draft through the same
 * function, so a draft means the same request wherever it is sent. Nothing is checked here:
 * the request schema judges the result, as the drafts contract promises.
 */
import type { Draft } from '../contract/drafts.ts';
import type { HandleRequestInput } from '../mpsd/requests.ts';
import { parseInviteeLines, parseInvitees, recipientLabels, type InviteeLine } from './invitee-lines.ts';

/** A draft's fields as the drafts contract stores them: text, a list of texts, or a switch. */
export type DraftFields = Draft['fields'];

/**
 * The Compose form's text fields, named as drafts store them: the names the form and the
 * CLI agree on. `invitees` is stored as one entry per line (text is read too).
 */
export type DraftTextField =
  | 'scid'
  | 'templateName'
  | 'sessionName'
  | 'invitees'
  | 'titleId'
  | 'context'
  | 'contextString'
  | 'senderString'
  | 'handleId'
  | 'ownerXuid'
  | 'queryXuids'
  | 'monikerXuid'
  | 'memberXuid';

/** The form's switches and choices stored beside the text fields. */
export type DraftChoice = 'letServiceNameSession' | 'useMoniker' | 'moniker';

export interface DraftRequest {
  request: HandleRequestInput;
  /** The invitee box read line by line (empty for other kinds), for messages that name a line. */
  invitees: InviteeLine[];
  /** Labels typed beside invitees, keyed by XUID; undefined when there are none. */
  recipientLabels: Record<string, string> | undefined;
}

const SEPARATORS = /[\s,;]+/;

function inviteesOf(value: DraftFields[string] | undefined): InviteeLine[] {
  if (Array.isArray(value)) return parseInviteeLines(value);
  return typeof value === 'string' ? parseInvitees(value) : [];
}

/** The request a draft describes (blank fields left out, so the schema says "required"). */
export function requestFromDraft(draft: Pick<Draft, 'kind' | 'fields'>): DraftRequest {
  const fields: Readonly<Partial<Record<DraftTextField | DraftChoice, DraftFields[string]>>> = draft.fields;
  const given = (name: DraftTextField | 'moniker'): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const sessionRef = { scid: given('scid'), templateName: given('templateName'), name: given('sessionName') };
  const kind = draft.kind;
  let request: Record<string, unknown>;
  let invitees: InviteeLine[] = [];
  switch (kind) {
    case 'activity.set':
      request =
        fields.letServiceNameSession === true
          ? { kind, sessionRef: { scid: sessionRef.scid, templateName: sessionRef.templateName }, letServiceNameSession: true }
          : { kind, sessionRef };
      break;
    case 'invite.send':
      invitees = inviteesOf(fields.invitees);
      request = {
        kind,
        sessionRef,
        invitedXuids: invitees.map((invitee) => invitee.xuid),
        titleId: given('titleId'),
        context: given('context'),
        contextString: given('contextString')?.trim(),
        senderString: given('senderString')?.trim(),
      };
      break;
    case 'activity.clear':
      request = { kind, scid: given('scid'), ownerXuid: given('ownerXuid') };
      break;
    case 'activity.query':
      request =
        fields.useMoniker === true
          ? { kind, scid: given('scid'), people: { moniker: given('moniker') ?? 'people', monikerXuid: given('monikerXuid') } }
          : { kind, scid: given('scid'), xuids: (given('queryXuids') ?? '').split(SEPARATORS).filter((xuid) => xuid !== '') };
      break;
    case 'handle.get':
    case 'handle.delete':
    case 'handle.session':
      request = { kind, handleId: given('handleId') };
      break;
    case 'session.join':
      request = { kind, sessionRef, xuid: given('memberXuid') };
      break;
    case 'session.get':
    case 'session.leave':
      request = { kind, sessionRef };
      break;
    default:
      // Kinds Compose has no form for yet (handle join, transfer and search handles): the schema says what is missing.
      request = { kind };
  }
  const labels = recipientLabels(invitees);
  return {
    // A JSON round trip drops the fields left undefined at every depth, so a blank field reads as
    // "missing" and the schema (which decides whether this is a valid request) says it is required.
    request: JSON.parse(JSON.stringify(request)) as HandleRequestInput,
    invitees,
    recipientLabels: Object.keys(labels).length > 0 ? labels : undefined,
  };
}
