/**
 * The profile editor's state, validated as the user types by the shared profile schema.
 * Blank optional fields are left out, so "not set" never reaches main as an empty string.
 */
import { profileDraftSchema, type Environment, type ProfileDraft, type ProfileView } from '../../../app/shared/contract/profiles.ts';
import type { ContractVersion } from '../../../app/shared/mpsd/ids.ts';
import { TouchedFields } from '../ui/touched-fields.svelte.ts';

export type ProfileField = 'name' | 'environment' | 'endpoint' | 'sandboxId' | 'defaultTitleId' | 'defaultScid' | 'contractVersion' | 'locale' | 'msaClientId';

const blankToUndefined = (text: string): string | undefined => (text.trim() === '' ? undefined : text);

export class ProfileForm {
  id = $state<string | undefined>(undefined);
  name = $state('');
  environment = $state<Environment>('production');
  endpoint = $state('');
  sandboxId = $state('');
  defaultTitleId = $state('');
  defaultScid = $state('');
  contractVersion = $state<ContractVersion>(107);
  locale = $state('en-US');
  msaClientId = $state('');
  /** Sign-in endpoint overrides are not edited here, but saving must keep them. */
  #tokenEndpoints: ProfileView['auth']['tokenEndpoints'] = undefined;
  readonly #touches = new TouchedFields<ProfileField>();

  readonly draft: ProfileDraft = $derived({
    ...(this.id === undefined ? {} : { id: this.id }),
    name: this.name,
    environment: this.environment,
    ...(this.environment === 'production' || blankToUndefined(this.endpoint) === undefined ? {} : { endpoint: this.endpoint }),
    sandboxId: this.sandboxId,
    ...(blankToUndefined(this.defaultTitleId) === undefined ? {} : { defaultTitleId: this.defaultTitleId }),
    ...(blankToUndefined(this.defaultScid) === undefined ? {} : { defaultScid: this.defaultScid }),
    contractVersion: this.contractVersion,
    locale: this.locale,
    auth: {
      ...(blankToUndefined(this.msaClientId) === undefined ? {} : { msaClientId: this.msaClientId }),
      ...(this.#tokenEndpoints === undefined ? {} : { tokenEndpoints: this.#tokenEndpoints }),
    },
  });
  readonly #parsed = $derived(profileDraftSchema.safeParse(this.draft));
  readonly valid = $derived(this.#parsed.success);
  readonly problems: Partial<Record<ProfileField, string>> = $derived.by(() => {
    const placed: Partial<Record<ProfileField, string>> = {};
    if (this.#parsed.success) return placed;
    for (const issue of this.#parsed.error.issues) {
      const top = issue.path[0];
      const field = (top === 'auth' ? 'msaClientId' : top) as ProfileField | undefined;
      if (field !== undefined && placed[field] === undefined) placed[field] = issue.message;
    }
    return placed;
  });

  constructor(profile?: ProfileView) {
    if (profile === undefined) return;
    this.id = profile.id;
    this.name = profile.name;
    this.environment = profile.environment;
    this.endpoint = profile.environment === 'production' ? '' : profile.endpoint;
    this.sandboxId = profile.sandboxId;
    this.defaultTitleId = profile.defaultTitleId ?? '';
    this.defaultScid = profile.defaultScid ?? '';
    this.contractVersion = ([104, 105, 107] as const).find((version) => version === profile.contractVersion) ?? 107;
    this.locale = profile.locale;
    this.msaClientId = profile.auth.msaClientId ?? '';
    this.#tokenEndpoints = profile.auth.tokenEndpoints;
  }

  messageFor(field: ProfileField): string | undefined {
    return this.#touches.shows(field) ? this.problems[field] : undefined;
  }

  touch(field: ProfileField): void {
    this.#touches.touch(field);
  }

  attempt(): void {
    this.#touches.attempt();
  }
}
