/**
 * The preset editor's state, validated as the user types by the shared preset schema.
 * Recipients are typed like Compose's invitees: one "XUID label" per line. An MPA preset's
 * invite and activity are typed in two MpaPresetPart forms (MPA Compose's fields), and the
 * schema's issues under `invite`/`activity` are placed on them.
 */
import {
  presetInputSchema,
  type MpsdPresetInput,
  type Preset,
  type PresetInput,
  type PresetService,
} from '../../../app/shared/presets/preset.ts';
import { formatInvitees, parseInvitees } from '../../../app/shared/drafts/invitee-lines.ts';
import { ValidatedForm } from '../ui/validated-form.svelte.ts';
import { MpaPresetPart, mpaPresetActivityFields, mpaPresetInviteFields } from './mpa-preset-part.svelte.ts';

export type PresetField =
  'name' | 'scid' | 'templateName' | 'sessionName' | 'titleId' | 'context' | 'contextString' | 'senderString' | 'recipients' | 'notes';

export class PresetForm extends ValidatedForm<PresetField> {
  id = $state<string | undefined>(undefined);
  service = $state<PresetService>('mpsd');
  /** MPA: the title id and the invite call's own fields. */
  readonly mpaInvite = new MpaPresetPart(mpaPresetInviteFields, () => this.#mpaProblems.invite);
  /** MPA: set the sender's activity before inviting. */
  setsActivity = $state(false);
  readonly mpaActivity = new MpaPresetPart(mpaPresetActivityFields, () => this.#mpaProblems.activity);
  name = $state('');
  scid = $state('');
  templateName = $state('');
  sessionName = $state('');
  newNameEachTime = $state(false);
  titleId = $state('');
  context = $state('');
  contextString = $state('');
  senderString = $state('');
  recipients = $state('');
  joinAndSetActivityFirst = $state(false);
  notes = $state('');
  favourite = $state(false);
  profileId = $state<string | undefined>(undefined);

  readonly #recipientLines = $derived(parseInvitees(this.recipients));
  readonly input: PresetInput = $derived(this.service === 'mpa' ? this.#mpaInput() : this.#mpsdInput());
  readonly #parsed = $derived(presetInputSchema.safeParse(this.input));
  readonly valid = $derived(this.#parsed.success);
  override readonly problems: Partial<Record<PresetField, string>> = $derived.by(() => {
    const placed: Partial<Record<PresetField, string>> = {};
    if (this.#parsed.success) return placed;
    for (const issue of this.#parsed.error.issues) {
      const field = this.#fieldOf(issue.path);
      if (field === undefined || placed[field] !== undefined) continue;
      const index = issue.path[1];
      const line = field === 'recipients' && typeof index === 'number' ? this.#recipientLines[index]?.line : undefined;
      placed[field] = line === undefined ? issue.message : `Line ${line}: ${issue.message}`;
    }
    return placed;
  });
  /** The issues of an MPA preset's title id, invite and activity, on the part that shows each field. */
  readonly #mpaProblems = $derived({
    invite: MpaPresetPart.place(this.#parsed.error?.issues ?? [], 'invite'),
    activity: MpaPresetPart.place(this.#parsed.error?.issues ?? [], 'activity'),
  });

  override attempt(): void {
    super.attempt();
    this.mpaInvite.attempt();
    this.mpaActivity.attempt();
  }

  #mpsdInput(): PresetInput {
    return {
      name: this.name,
      sessionRef: this.newNameEachTime
        ? { scid: this.scid, templateName: this.templateName, newNameEachTime: true }
        : { scid: this.scid, templateName: this.templateName, name: this.sessionName },
      inviteAttributes: {
        titleId: this.titleId.trim() === '' ? undefined : this.titleId,
        context: this.context,
        contextString: this.contextString,
        senderString: this.senderString,
      } as MpsdPresetInput['inviteAttributes'],
      joinAndSetActivityFirst: this.joinAndSetActivityFirst,
      ...this.#shared(),
    };
  }

  #mpaInput(): PresetInput {
    const titleId = this.mpaInvite.titleId.trim();
    return {
      service: 'mpa',
      name: this.name,
      titleId: titleId === '' ? undefined : titleId,
      ...(this.setsActivity ? { activity: this.mpaActivity.activity } : {}),
      invite: this.mpaInvite.invite,
      ...this.#shared(),
    } as PresetInput;
  }

  /** What both services' presets hold besides their own fields. */
  #shared() {
    return {
      recipients: this.#recipientLines.map((line) => ({ xuid: line.xuid, label: line.label ?? '' })),
      notes: this.notes,
      favourite: this.favourite,
      ...(this.profileId === undefined ? {} : { profileId: this.profileId }),
    };
  }

  constructor(preset?: Preset) {
    super();
    if (preset === undefined) return;
    this.id = preset.id;
    this.service = preset.service;
    this.name = preset.name;
    this.recipients = formatInvitees(
      preset.recipients.map((recipient) => recipient.xuid),
      Object.fromEntries(preset.recipients.map((recipient) => [recipient.xuid, recipient.label])),
    );
    this.notes = preset.notes;
    this.favourite = preset.favourite;
    this.profileId = preset.profileId;
    if (preset.service === 'mpa') {
      this.mpaInvite.load(preset.titleId, preset.invite);
      this.setsActivity = preset.activity !== undefined;
      if (preset.activity !== undefined) this.mpaActivity.load(preset.titleId, preset.activity);
      return;
    }
    this.scid = preset.sessionRef.scid;
    this.templateName = preset.sessionRef.templateName;
    this.newNameEachTime = preset.sessionRef.newNameEachTime === true;
    this.sessionName = preset.sessionRef.name ?? '';
    this.titleId = preset.inviteAttributes.titleId;
    this.context = preset.inviteAttributes.context ?? '';
    this.contextString = preset.inviteAttributes.contextString ?? '';
    this.senderString = preset.inviteAttributes.senderString ?? '';
    this.joinAndSetActivityFirst = preset.joinAndSetActivityFirst;
  }

  #fieldOf(path: readonly PropertyKey[]): PresetField | undefined {
    const [first, second] = path;
    if (first === 'sessionRef') return second === 'scid' ? 'scid' : second === 'templateName' ? 'templateName' : 'sessionName';
    if (first === 'inviteAttributes') {
      return second === 'titleId' || second === 'context' || second === 'contextString' || second === 'senderString' ? second : undefined;
    }
    return first === 'name' || first === 'recipients' || first === 'notes' ? first : undefined;
  }
}
