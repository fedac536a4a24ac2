/**
 * One half of an MPA preset as the editor types it: the invite call's fields (with the title
 * id), or the activity set before it. It holds what MPA Compose's fields component shows
 * (MpaRequestFields), so the editor reuses that markup; the preset form judges the whole preset
 * with the shared schema and hands each part the messages on its fields.
 *
 * Its text is read as MPA Compose's is, as a draft (mpaDraftFields, then mpaPresetPart, which
 * reads it with mpaRequestFromDraft, as the CLI's `draft send` and `preset save --service mpa`
 * do): one mapping from typed text to a call, so a field typed in a preset means what it means
 * typed in Compose or as a flag.
 */
import type * as z from '../../../app/shared/zod.ts';
import { mpaPresetPart } from '../../../app/shared/presets/mpa-preset-parts.ts';
import type { MpaJoinRestriction, MpaPlatform } from '../../../app/shared/mpa/requests.ts';
import type { MpaPresetActivity, MpaPresetInput, MpaPresetInvite } from '../../../app/shared/presets/preset.ts';
import { mpaDraftFields } from '../compose/mpa/mpa-draft.svelte.ts';
import type { CrossPlatformChoice } from '../compose/mpa/mpa-form.svelte.ts';
import type { MpaField } from '../compose/mpa/mpa-kinds.ts';
import { ValidatedForm } from '../ui/validated-form.svelte.ts';

export const mpaPresetInviteFields: readonly MpaField[] = ['titleId', 'connectionString', 'platform', 'crossPlatform'];
export const mpaPresetActivityFields: readonly MpaField[] = [
  'connectionString',
  'joinRestriction',
  'maxPlayers',
  'currentPlayers',
  'groupId',
  'platform',
  'crossPlatform',
];

const crossPlatformChoice = (allow: boolean | undefined): CrossPlatformChoice => (allow === undefined ? '' : allow ? 'true' : 'false');

export class MpaPresetPart extends ValidatedForm<MpaField> {
  titleId = $state('');
  connectionString = $state('');
  joinRestriction = $state<MpaJoinRestriction>('Public');
  maxPlayers = $state('');
  currentPlayers = $state('');
  groupId = $state('');
  platform = $state<MpaPlatform | ''>('');
  crossPlatform = $state<CrossPlatformChoice>('');
  // MPA Compose's other fields, never shown here: a preset's sender and sequence number are the sender's at send time.
  readonly xuid = '';
  readonly sequenceNumber = '';
  readonly users = '';
  readonly invitedUsers = '';
  readonly recentPlayers = '';
  readonly fields: readonly MpaField[];
  readonly #problemsOf: () => Partial<Record<MpaField, string>>;

  constructor(fields: readonly MpaField[], problemsOf: () => Partial<Record<MpaField, string>>) {
    super();
    this.fields = fields;
    this.#problemsOf = problemsOf;
  }

  get problems(): Partial<Record<MpaField, string>> {
    return this.#problemsOf();
  }

  /** The activity as typed, for the preset schema to judge. */
  get activity(): NonNullable<MpaPresetInput['activity']> {
    return mpaPresetPart('mpa.activity.set', mpaDraftFields(this));
  }

  /** The invite call's own fields as typed (a blank connection string sends none). */
  get invite(): NonNullable<MpaPresetInput['invite']> {
    return mpaPresetPart('mpa.invite.send', mpaDraftFields(this));
  }

  load(titleId: string, saved: MpaPresetActivity | MpaPresetInvite): void {
    this.titleId = titleId;
    this.connectionString = saved.connectionString ?? '';
    this.platform = saved.platform ?? '';
    this.crossPlatform = crossPlatformChoice(saved.allowCrossPlatformJoin);
    if ('joinRestriction' in saved) {
      this.joinRestriction = saved.joinRestriction;
      this.maxPlayers = saved.maxPlayers?.toString() ?? '';
      this.currentPlayers = saved.currentPlayers?.toString() ?? '';
      this.groupId = saved.groupId ?? '';
    }
  }

  /**
   * The first message per field of a part: `titleId` (top level) goes with the invite part, the
   * others by their path under `invite` or `activity`; a platform clash's field is its own.
   */
  static place(issues: readonly z.core.$ZodIssue[], part: 'invite' | 'activity'): Partial<Record<MpaField, string>> {
    const placed: Partial<Record<MpaField, string>> = {};
    for (const issue of issues) {
      const [first, second] = issue.path;
      const name = first === part ? second : part === 'invite' && first === 'titleId' && issue.path.length === 1 ? first : undefined;
      const field = name === 'allowCrossPlatformJoin' ? 'crossPlatform' : (name as MpaField | undefined);
      if (field === undefined || placed[field] !== undefined) continue;
      placed[field] = issue.message;
    }
    return placed;
  }
}
