/**
 * The preset editor's state, validated as the user types by the shared preset schema.
 * Recipients are typed like Compose's invitees: one "XUID label" per line.
 */
import { presetInputSchema, type MpsdPreset, type MpsdPresetInput, type PresetInput } from '../../../app/shared/presets/preset.ts';
import { formatInvitees, parseInvitees } from '../../../app/shared/drafts/invitee-lines.ts';
import { ValidatedForm } from '../ui/validated-form.svelte.ts';

export type PresetField =
  'name' | 'scid' | 'templateName' | 'sessionName' | 'titleId' | 'context' | 'contextString' | 'senderString' | 'recipients' | 'notes';

export class PresetForm extends ValidatedForm<PresetField> {
  id = $state<string | undefined>(undefined);
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
  readonly input: PresetInput = $derived({
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
    recipients: this.#recipientLines.map((line) => ({ xuid: line.xuid, label: line.label ?? '' })),
    joinAndSetActivityFirst: this.joinAndSetActivityFirst,
    notes: this.notes,
    favourite: this.favourite,
    ...(this.profileId === undefined ? {} : { profileId: this.profileId }),
  });
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

  constructor(preset?: MpsdPreset) {
    super();
    if (preset === undefined) return;
    this.id = preset.id;
    this.name = preset.name;
    this.scid = preset.sessionRef.scid;
    this.templateName = preset.sessionRef.templateName;
    this.newNameEachTime = preset.sessionRef.newNameEachTime === true;
    this.sessionName = preset.sessionRef.name ?? '';
    this.titleId = preset.inviteAttributes.titleId;
    this.context = preset.inviteAttributes.context ?? '';
    this.contextString = preset.inviteAttributes.contextString ?? '';
    this.senderString = preset.inviteAttributes.senderString ?? '';
    this.recipients = formatInvitees(
      preset.recipients.map((recipient) => recipient.xuid),
      Object.fromEntries(preset.recipients.map((recipient) => [recipient.xuid, recipient.label])),
    );
    this.joinAndSetActivityFirst = preset.joinAndSetActivityFirst;
    this.notes = preset.notes;
    this.favourite = preset.favourite;
    this.profileId = preset.profileId;
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
