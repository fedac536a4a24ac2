/**
 * The Compose form's state: the typed text of every field, which fields were touched, and
 * what the shared request schema says about them, re-derived on every keystroke. The form
 * never re-implements a rule: it builds the same input object core receives and maps the
 * schema's issues back onto its own fields.
 */
import type * as z from '../../../app/shared/zod.ts';
import { handleRequestSchema, type HandleRequest, type HandleRequestInput } from '../../../app/shared/mpsd/requests.ts';
import type { RequestKind } from '../../../app/shared/mpsd/wire.ts';
import { formatAttributeLines, requestFromDraft, type DraftFields, type DraftRequest } from '../../../app/shared/drafts/draft-request.ts';
import { formatInvitees, type InviteeLine } from '../../../app/shared/drafts/invitee-lines.ts';
import { describeKind, type ComposeField } from './request-kinds.ts';
import { ValidatedForm } from '../ui/validated-form.svelte.ts';

export const monikers = ['people', 'favorites', 'friends'] as const;
export type Moniker = (typeof monikers)[number];

export class ComposeForm extends ValidatedForm<ComposeField> {
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
  /** Join through a handle as an active (playing) member rather than inactive. */
  joinActive = $state(false);
  originTemplateName = $state('');
  originSessionName = $state('');
  /** Search attributes: tags separated by spaces or commas; strings and numbers one NAME=VALUE a line. */
  searchTags = $state('');
  searchStrings = $state('');
  searchNumbers = $state('');
  searchFilter = $state('');
  searchOrderBy = $state('');
  /** The signed-in user's XUID, from the active profile: lets the schema refuse self-invites. */
  senderXuid = $state<string | undefined>(undefined);
  /** The user the active profile last filled in: "your XUID" fields still holding it follow a profile switch. */
  #profileXuid: string | undefined;

  /** The form as last loaded, sent or saved as a draft (undefined: as it started, blank). */
  #settled = $state<string | undefined>(undefined);

  readonly fields = $derived(describeKind(this.kind).fields);
  /**
   * The request is the one this form's draft would send (the CLI sends drafts the same way),
   * except that the invitee box is read as typed, blank lines and all, so a message can name
   * the line the user sees.
   */
  readonly #draft: DraftRequest = $derived(
    requestFromDraft({ kind: this.kind, fields: { ...this.toDraftFields(), invitees: this.invitees } }),
  );
  readonly inviteeLines: InviteeLine[] = $derived(this.#draft.invitees);
  /** Lines naming an XUID an earlier line named (0042 and 42 too): shown to the user, invited once. */
  readonly repeatedInvitees: { line: InviteeLine; firstLine: number }[] = $derived(repeatedInvitees(this.inviteeLines));
  /** How many invites a send makes: the schema drops repeats, so the count must too. */
  readonly inviteeCount: number = $derived(this.inviteeLines.length - this.repeatedInvitees.length);
  readonly input: HandleRequestInput = $derived(this.#withFormRules(this.#draft.request));
  readonly #parsed = $derived(handleRequestSchema.safeParse(this.input));
  readonly request: HandleRequest | undefined = $derived(this.#parsed.success ? this.#parsed.data : undefined);
  /** A box with a line that cannot be read says so by line; the schema speaks for the rest. */
  override readonly problems: Partial<Record<ComposeField, string>> = $derived({
    ...(this.#parsed.success ? {} : this.#placeIssues(this.#parsed.error)),
    ...this.#draft.unreadable,
  });
  readonly labels: Record<string, string> = $derived(this.#draft.recipientLabels ?? {});

  /**
   * The active profile's signed-in user (undefined while it has no token): lets the schema refuse
   * self-invites, and fills the "your XUID" fields that are blank or still hold the user an
   * earlier profile put there, so switching to another player's profile does not send as the first.
   */
  useProfileUser(xuid: string | undefined): void {
    this.senderXuid = xuid;
    if (xuid === undefined) return;
    if (this.ownerXuid === '' || this.ownerXuid === this.#profileXuid) this.ownerXuid = xuid;
    if (this.memberXuid === '' || this.memberXuid === this.#profileXuid) this.memberXuid = xuid;
    this.#profileXuid = xuid;
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
    if (request.kind === 'activity.query') this.queryXuids = (request.xuids ?? []).join('\n');
    if (request.kind === 'activity.query' || request.kind === 'search.query') {
      this.useMoniker = request.people !== undefined;
      this.moniker = request.people?.moniker ?? 'people';
      this.monikerXuid = request.people?.monikerXuid ?? '';
    }
    if (request.kind === 'search.query') {
      this.templateName = request.templateName;
      this.searchFilter = request.filter ?? '';
      this.searchOrderBy = request.orderBy ?? '';
    }
    if (request.kind === 'session.join' || request.kind === 'handle.join') this.memberXuid = request.xuid;
    if (request.kind === 'handle.join') this.joinActive = request.active === true;
    if (request.kind === 'transfer.create') {
      this.originTemplateName = request.originSessionRef.templateName;
      this.originSessionName = request.originSessionRef.name;
    }
    if (request.kind === 'search.create') {
      this.searchTags = (request.searchAttributes?.tags ?? []).join(' ');
      this.searchStrings = formatAttributeLines(request.searchAttributes?.strings);
      this.searchNumbers = formatAttributeLines(request.searchAttributes?.numbers);
    }
    this.forgetTouches();
    this.settle();
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
    if (this.kind === 'activity.query' || this.kind === 'search.query') {
      fields.useMoniker = this.useMoniker;
      fields.moniker = this.moniker;
    }
    if (this.kind === 'handle.join') fields.joinActive = this.joinActive;
    return fields;
  }

  /**
   * True when the form holds typing that was not loaded, sent or saved since: filling it from
   * elsewhere (Resend, a history entry, a draft) would lose that work, so the user is asked first.
   */
  get holdsUnsavedWork(): boolean {
    if (this.draftSnapshot() === this.#settled) return false;
    return Object.values(this.toDraftFields()).some((value) =>
      Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value.trim() !== '',
    );
  }

  /** What the form holds now is kept elsewhere (sent, saved as a draft) or was filled for the user. */
  settle(): void {
    this.#settled = this.draftSnapshot();
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
    this.joinActive = fields.joinActive === true;
    const moniker = text('moniker');
    this.moniker = (monikers as readonly string[]).includes(moniker) ? (moniker as Moniker) : 'people';
    this.forgetTouches();
    this.settle();
  }

  /** What the form knows beyond a draft's fields. */
  #withFormRules(request: HandleRequestInput): HandleRequestInput {
    if (request.kind === 'activity.set' && request.letServiceNameSession !== true) {
      // An empty name rather than a missing one: the schema then says "Session name is required,
      // e.g. lobby-7." instead of naming letServiceNameSession, which the form shows as a checkbox.
      return { ...request, sessionRef: { ...request.sessionRef, name: this.sessionName } };
    }
    // The signed-in user's XUID lets the schema refuse self-invites.
    if (request.kind === 'invite.send' && this.senderXuid !== undefined) return { ...request, senderXuid: this.senderXuid };
    return request;
  }

  /**
   * The first message per field, except the invitee box, which names every bad line: a pasted
   * list fixed one line at a time, re-checking to learn of the next, wastes the user's time.
   */
  #placeIssues(error: z.core.$ZodError): Partial<Record<ComposeField, string>> {
    const placed: Partial<Record<ComposeField, string>> = {};
    for (const issue of error.issues) {
      const field = fieldOf(issue.path);
      if (field === undefined) continue;
      const index = issue.path[1];
      const already = placed[field];
      if (field === 'invitees' && typeof index === 'number') {
        const invitee = this.inviteeLines[index];
        const line = invitee ? `Line ${invitee.line} (“${invitee.xuid}”): ${issue.message}` : issue.message;
        placed[field] = already === undefined ? line : `${already} ${line}`;
      } else if (already === undefined) {
        placed[field] = issue.message;
      }
    }
    return placed;
  }
}

/** Each line whose XUID (compared as the number it is) an earlier line already gave. */
function repeatedInvitees(lines: readonly InviteeLine[]): { line: InviteeLine; firstLine: number }[] {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup inside this function, never state
  const firstSeen = new Map<string, number>();
  const repeated: { line: InviteeLine; firstLine: number }[] = [];
  for (const line of lines) {
    const key = /^[0-9]{1,30}$/.test(line.xuid) ? BigInt(line.xuid).toString() : line.xuid;
    const first = firstSeen.get(key);
    if (first === undefined) firstSeen.set(key, line.line);
    else repeated.push({ line, firstLine: first });
  }
  return repeated;
}

function fieldOf(path: readonly PropertyKey[]): ComposeField | undefined {
  const [first, second] = path;
  if (first === 'sessionRef') {
    if (second === 'scid') return 'scid';
    if (second === 'templateName') return 'templateName';
    return 'sessionName';
  }
  // The origin's SCID is the target's (one SCID field), so its problems show there.
  if (first === 'originSessionRef') {
    if (second === 'scid') return 'scid';
    if (second === 'templateName') return 'originTemplateName';
    return 'originSessionName';
  }
  if (first === 'searchAttributes') {
    if (second === 'strings') return 'searchStrings';
    if (second === 'numbers') return 'searchNumbers';
    return 'searchTags';
  }
  switch (first) {
    case 'scid':
    case 'templateName':
      return first;
    case 'filter':
      return 'searchFilter';
    case 'orderBy':
      return 'searchOrderBy';
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
