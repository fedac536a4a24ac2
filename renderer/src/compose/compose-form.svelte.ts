/**
 * The Compose form's state: the typed text of every field, which fields were touched, and
 * what the shared request schema says about them, re-derived on every keystroke. The form
 * never re-implements a rule: it builds the same input object core receives and maps the
 * schema's issues back onto its own fields.
 */
import type { z } from 'zod';
import { handleRequestSchema, type HandleRequest, type HandleRequestInput } from '../../../app/shared/mpsd/requests.ts';
import type { RequestKind } from '../../../app/shared/mpsd/wire.ts';
import { formatInvitees, parseInvitees, recipientLabels, type InviteeLine } from './invitee-list.ts';
import { describeKind, type ComposeField } from './request-kinds.ts';
import { TouchedFields } from '../ui/touched-fields.svelte.ts';

/** A draft's fields as the drafts contract stores them. */
export type DraftFields = Record<string, string | string[] | boolean>;

export const monikers = ['people', 'favorites', 'friends'] as const;
export type Moniker = (typeof monikers)[number];

/** Blank means "not given", so required fields say "X is required" rather than "X is not valid". */
const given = (text: string): string | undefined => (text.trim() === '' ? undefined : text);

export class ComposeForm {
  kind = $state<RequestKind>('activity.set');
  scid = $state('');
  templateName = $state('');
  sessionName = $state('');
  letServiceNameSession = $state(false);
  invitees = $state('');
  titleId = $state('');
  context = $state('');
  contextString = $state('');
  senderString = $state('');
  handleId = $state('');
  ownerXuid = $state('');
  queryXuids = $state('');
  useMoniker = $state(false);
  moniker = $state<Moniker>('people');
  monikerXuid = $state('');
  memberXuid = $state('');
  /** The signed-in user's XUID, from the active profile: lets the schema refuse self-invites. */
  senderXuid = $state<string | undefined>(undefined);

  readonly #touches = new TouchedFields<ComposeField>();

  readonly fields = $derived(describeKind(this.kind).fields);
  readonly inviteeLines: InviteeLine[] = $derived(parseInvitees(this.invitees));
  readonly input: HandleRequestInput = $derived(this.#buildInput());
  readonly #parsed = $derived(handleRequestSchema.safeParse(this.input));
  readonly request: HandleRequest | undefined = $derived(this.#parsed.success ? this.#parsed.data : undefined);
  readonly problems: Partial<Record<ComposeField, string>> = $derived(
    this.#parsed.success ? {} : this.#placeIssues(this.#parsed.error),
  );
  readonly labels: Record<string, string> = $derived(recipientLabels(this.inviteeLines));

  /** The message to show under `field`: only once the user has been there (or tried to send). */
  messageFor(field: ComposeField): string | undefined {
    return this.#touches.shows(field) ? this.problems[field] : undefined;
  }

  touch(field: ComposeField): void {
    this.#touches.touch(field);
  }

  /** After a send attempt every message shows, touched or not. */
  attempt(): void {
    this.#touches.attempt();
  }

  /** Fills the form from a stored request (draft, preset, history entry) and clears touched marks. */
  load(request: HandleRequestInput, labels: Readonly<Record<string, string>> = {}): void {
    this.kind = request.kind;
    const sessionRef = 'sessionRef' in request ? request.sessionRef : undefined;
    this.scid = sessionRef?.scid ?? ('scid' in request ? request.scid : this.scid);
    this.templateName = sessionRef?.templateName ?? this.templateName;
    this.sessionName = sessionRef?.name ?? '';
    this.letServiceNameSession = request.kind === 'activity.set' && request.letServiceNameSession === true;
    if (request.kind === 'invite.send') {
      this.invitees = formatInvitees(request.invitedXuids, labels);
      this.titleId = String(request.titleId);
      this.context = request.context ?? '';
      this.contextString = request.contextString ?? '';
      this.senderString = request.senderString ?? '';
    }
    if ('handleId' in request) this.handleId = request.handleId;
    if (request.kind === 'activity.clear') this.ownerXuid = request.ownerXuid;
    if (request.kind === 'activity.query') {
      this.useMoniker = request.people !== undefined;
      this.queryXuids = (request.xuids ?? []).join('\n');
      this.moniker = request.people?.moniker ?? 'people';
      this.monikerXuid = request.people?.monikerXuid ?? '';
    }
    if (request.kind === 'session.join') this.memberXuid = request.xuid;
    this.#touches.reset();
  }

  /** The form as typed, for a draft: only the current kind's fields, invitees one line each. */
  toDraftFields(): DraftFields {
    const fields: DraftFields = {};
    for (const field of this.fields) {
      if (field === 'invitees') fields.invitees = this.invitees.split(/\r?\n/).filter((line) => line.trim() !== '');
      else if (field === 'queryXuids') fields.queryXuids = this.queryXuids;
      else if (this[field] !== '') fields[field] = this[field];
    }
    if (this.kind === 'activity.set') fields.letServiceNameSession = this.letServiceNameSession;
    if (this.kind === 'activity.query') {
      fields.useMoniker = this.useMoniker;
      fields.moniker = this.moniker;
    }
    return fields;
  }

  /** The draft-relevant state as one string, to tell whether the form changed since it was saved. */
  draftSnapshot(): string {
    return JSON.stringify([this.kind, this.toDraftFields()]);
  }

  /** Opens a draft: a missing field is blank; values of the wrong type are ignored rather than trusted. */
  loadDraft(kind: RequestKind, fields: Readonly<DraftFields>): void {
    const text = (name: string): string => {
      const value = fields[name];
      return typeof value === 'string' ? value : '';
    };
    this.kind = kind;
    for (const field of describeKind(kind).fields) {
      if (field === 'invitees') {
        const value = fields.invitees;
        this.invitees = Array.isArray(value) ? value.join('\n') : text('invitees');
      } else {
        this[field] = text(field);
      }
    }
    this.letServiceNameSession = fields.letServiceNameSession === true;
    this.useMoniker = fields.useMoniker === true;
    const moniker = text('moniker');
    this.moniker = (monikers as readonly string[]).includes(moniker) ? (moniker as Moniker) : 'people';
    this.#touches.reset();
  }

  #sessionRef(): { scid?: string; templateName?: string; name?: string } {
    return { scid: given(this.scid), templateName: given(this.templateName), name: given(this.sessionName) };
  }

  #buildInput(): HandleRequestInput {
    const kind = this.kind;
    // The form hands the schema whatever was typed; the casts only say "the schema will judge this".
    switch (kind) {
      case 'activity.set': {
        const { scid, templateName } = this.#sessionRef();
        return this.letServiceNameSession
          ? ({ kind, sessionRef: { scid, templateName }, letServiceNameSession: true } as HandleRequestInput)
          : // An empty name (not undefined) so "Session name is required" shows as soon as the field is left.
            ({ kind, sessionRef: { scid, templateName, name: this.sessionName } } as HandleRequestInput);
      }
      case 'invite.send':
        return {
          kind,
          sessionRef: this.#sessionRef(),
          invitedXuids: this.inviteeLines.map((invitee) => invitee.xuid),
          titleId: given(this.titleId),
          ...(given(this.context) === undefined ? {} : { context: this.context }),
          ...(given(this.contextString) === undefined ? {} : { contextString: this.contextString.trim() }),
          ...(given(this.senderString) === undefined ? {} : { senderString: this.senderString.trim() }),
          ...(this.senderXuid === undefined ? {} : { senderXuid: this.senderXuid }),
        } as HandleRequestInput;
      case 'activity.clear':
        return { kind, scid: given(this.scid), ownerXuid: given(this.ownerXuid) } as HandleRequestInput;
      case 'activity.query':
        return (
          this.useMoniker
            ? { kind, scid: given(this.scid), people: { moniker: this.moniker, monikerXuid: given(this.monikerXuid) } }
            : { kind, scid: given(this.scid), xuids: this.queryXuids.split(/[\s,;]+/).filter((xuid) => xuid !== '') }
        ) as HandleRequestInput;
      case 'handle.get':
      case 'handle.delete':
      case 'handle.session':
        return { kind, handleId: given(this.handleId) } as HandleRequestInput;
      case 'session.join':
        return { kind, sessionRef: this.#sessionRef(), xuid: given(this.memberXuid) } as HandleRequestInput;
      case 'session.get':
      case 'session.leave':
        return { kind, sessionRef: this.#sessionRef() } as HandleRequestInput;
    }
  }

  /** The first message per field; XUID list messages say which line of the box is wrong. */
  #placeIssues(error: z.ZodError): Partial<Record<ComposeField, string>> {
    const placed: Partial<Record<ComposeField, string>> = {};
    for (const issue of error.issues) {
      const field = fieldOf(issue.path);
      if (field === undefined || placed[field] !== undefined) continue;
      const index = issue.path[1];
      if (field === 'invitees' && typeof index === 'number') {
        const invitee = this.inviteeLines[index];
        placed[field] = invitee ? `Line ${invitee.line} (“${invitee.xuid}”): ${issue.message}` : issue.message;
      } else {
        placed[field] = issue.message;
      }
    }
    return placed;
  }
}

function fieldOf(path: readonly PropertyKey[]): ComposeField | undefined {
  const [first, second] = path;
  if (first === 'sessionRef') {
    if (second === 'scid') return 'scid';
    if (second === 'templateName') return 'templateName';
    return 'sessionName';
  }
  switch (first) {
    case 'scid':
      return 'scid';
    case 'invitedXuids':
      return 'invitees';
    case 'titleId':
    case 'context':
    case 'contextString':
    case 'senderString':
    case 'handleId':
    case 'ownerXuid':
      return first;
    case 'xuids':
      return 'queryXuids';
    case 'people':
      return 'monikerXuid';
    case 'xuid':
      return 'memberXuid';
    default:
      return undefined;
  }
}
