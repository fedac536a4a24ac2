/**
 * The MPA Compose form: the typed text of every field, turned into the input core receives and
 * checked by the shared MPA schema on every keystroke. The text is read the way a draft of it
 * is (mpaRequestFromDraft), so the form and its drafts cannot mean different calls. Like the
 * MPSD form it never restates a rule; it places the schema's issues on its fields (a list's
 * issue names the line the user sees).
 */
import type * as z from '../../../../app/shared/zod.ts';
import { SEPARATORS } from '../../../../app/shared/drafts/draft-request.ts';
import { mpaRequestFromDraft } from '../../../../app/shared/drafts/mpa-draft-request.ts';
import {
  mpaRequestSchema,
  type MpaJoinRestriction,
  type MpaKind,
  type MpaPlatform,
  type MpaRequest,
  type MpaRequestInput,
} from '../../../../app/shared/mpa/requests.ts';
import { ValidatedForm } from '../../ui/validated-form.svelte.ts';
import { mpaDraftFields } from './mpa-draft.svelte.ts';
import { describeMpaKind, type MpaField } from './mpa-kinds.ts';

/** '' leaves allowCrossPlatformJoin out (MPA's default), the others send it. */
export type CrossPlatformChoice = '' | 'true' | 'false';

/** One entry of a list box and the line it is on, so a message can say "Line 3". */
interface ListLine {
  line: number;
  text: string;
}

/** A list box's entries in the order the draft reader finds them (`perLine`: one entry a line, else any separator). */
function listLines(text: string, perLine: boolean): ListLine[] {
  return text
    .split(/\r?\n/)
    .flatMap((line, index) => (perLine ? [line.trim()] : line.split(SEPARATORS)).map((entry) => ({ line: index + 1, text: entry.trim() })))
    .filter((line) => line.text !== '');
}

export class MpaComposeForm extends ValidatedForm<MpaField> {
  kind = $state<MpaKind>('mpa.activity.set');
  titleId = $state('');
  xuid = $state('');
  connectionString = $state('');
  joinRestriction = $state<MpaJoinRestriction>('Public');
  maxPlayers = $state('');
  currentPlayers = $state('');
  groupId = $state('');
  platform = $state<MpaPlatform | ''>('');
  crossPlatform = $state<CrossPlatformChoice>('');
  sequenceNumber = $state('');
  users = $state('');
  invitedUsers = $state('');
  /** One player a line: the XUID, then optionally Teammate or Opponent. */
  recentPlayers = $state('');
  /** The active profile's user: "your XUID" fields start with it. */
  #profileXuid: string | undefined;

  readonly fields = $derived(describeMpaKind(this.kind).fields);
  /** The form read as its draft would be: one mapping from typed text to a call. */
  readonly #read = $derived(mpaRequestFromDraft({ kind: this.kind, fields: mpaDraftFields(this) }));
  readonly #lists = $derived.by(() => {
    // A draft stores the invitee box without its blank lines: count them back in.
    const inviteeLines = listLines(this.invitedUsers, true);
    return {
      users: listLines(this.users, false),
      invitedUsers: this.#read.invitees.map((invitee) => ({
        line: inviteeLines[invitee.line - 1]?.line ?? invitee.line,
        text: invitee.xuid,
      })),
      recentPlayers: listLines(this.recentPlayers, true),
    };
  });
  readonly input: MpaRequestInput = $derived(this.#read.request);
  readonly #parsed = $derived(mpaRequestSchema.safeParse(this.input));
  readonly request: MpaRequest | undefined = $derived(this.#parsed.success ? this.#parsed.data : undefined);
  override readonly problems: Partial<Record<MpaField, string>> = $derived(this.#parsed.success ? {} : this.#place(this.#parsed.error));
  /** How many users an invite call reaches (one call for all of them). */
  readonly inviteeCount = $derived(this.#lists.invitedUsers.length);

  /** Fills "your XUID" when it is blank or still holds the user an earlier profile put there. */
  useProfileUser(xuid: string | undefined): void {
    if (xuid === undefined) return;
    if (this.xuid === '' || this.xuid === this.#profileXuid) this.xuid = xuid;
    this.#profileXuid = xuid;
  }

  /**
   * Fills the form from a stored call (a draft read by mpaRequestFromDraft, a history entry)
   * and clears touched marks. Fields the call does not have are emptied; "your XUID" is kept
   * when the call names no one. A stored call has no sequence number: the sender adds one.
   */
  load(request: MpaRequestInput): void {
    const read = request as Partial<Record<string, unknown>>;
    const text = (name: string): string => (read[name] === undefined ? '' : String(read[name]));
    this.kind = request.kind;
    this.titleId = text('titleId');
    if (read['xuid'] !== undefined) this.xuid = text('xuid');
    this.connectionString = text('connectionString');
    this.joinRestriction = request.kind === 'mpa.activity.set' ? request.joinRestriction : 'Public';
    this.maxPlayers = text('maxPlayers');
    this.currentPlayers = text('currentPlayers');
    this.groupId = text('groupId');
    this.platform = (read['platform'] as MpaPlatform | undefined) ?? '';
    this.crossPlatform = read['allowCrossPlatformJoin'] === undefined ? '' : read['allowCrossPlatformJoin'] === true ? 'true' : 'false';
    this.sequenceNumber = '';
    this.users = request.kind === 'mpa.activity.query' ? request.users.join('\n') : '';
    this.invitedUsers = request.kind === 'mpa.invite.send' ? request.invitedUsers.join('\n') : '';
    this.recentPlayers =
      request.kind === 'mpa.recentPlayers.update'
        ? request.recentPlayers
            .map((player) => (player.encounterType === undefined ? player.id : `${player.id} ${player.encounterType}`))
            .join('\n')
        : '';
    this.forgetTouches();
  }

  /** The first message per field; a list box names every bad line at once. */
  #place(error: z.core.$ZodError): Partial<Record<MpaField, string>> {
    const placed: Partial<Record<MpaField, string>> = {};
    for (const issue of error.issues) {
      const [first, index] = issue.path;
      const field = first === 'allowCrossPlatformJoin' ? 'crossPlatform' : (first as MpaField | undefined);
      if (field === undefined || !this.fields.includes(field)) continue;
      const list = field === 'users' || field === 'invitedUsers' || field === 'recentPlayers' ? this.#lists[field] : undefined;
      const line = list !== undefined && typeof index === 'number' ? list[index] : undefined;
      const message = line === undefined ? issue.message : `Line ${line.line} (“${line.text}”): ${issue.message}`;
      const already = placed[field];
      if (already === undefined) placed[field] = message;
      else if (line !== undefined) placed[field] = `${already} ${message}`;
    }
    return placed;
  }
}

/**
 * One form for the whole page: it lives in this lazily loaded module, so switching screens (or
 * between MPA profiles) keeps what was typed, as the MPSD form does.
 */
export const mpaComposeForm = new MpaComposeForm();
