/**
 * The profile editor's state, validated as the user types by the shared profile schema.
 * Blank optional fields are left out, so "not set" never reaches main as an empty string.
 */
import {
  profileDraftSchema,
  type Environment,
  type ProfileDraft,
  type ProfileService,
  type ProfileView,
} from '../../../app/shared/contract/profiles.ts';
import { LOCAL_SIGN_IN_CLIENT_ID, localSignInEndpoints, standInsUrlBeside } from '../../../app/shared/local-sign-in.ts';
import type { ContractVersion } from '../../../app/shared/mpsd/ids.ts';
import { ValidatedForm } from '../ui/validated-form.svelte.ts';
import { LOCAL_MPSD_URL } from './local-mpsd.ts';
import { profileUserXuid } from './profile-user.ts';

export type ProfileField =
  | 'name'
  | 'environment'
  | 'endpoint'
  | 'sandboxId'
  | 'defaultTitleId'
  | 'defaultScid'
  | 'xuid'
  | 'contractVersion'
  | 'locale'
  | 'service'
  | 'msaClientId'
  | SignInEndpoint;

/** The sign-in endpoint overrides, named as in the profile's `auth.tokenEndpoints`. */
export type SignInEndpoint = 'authority' | 'userAuthenticate' | 'xstsAuthorize';
const signInEndpoints: readonly SignInEndpoint[] = ['authority', 'userAuthenticate', 'xstsAuthorize'];

const blankToUndefined = (text: string): string | undefined => (text.trim() === '' ? undefined : text);

export class ProfileForm extends ValidatedForm<ProfileField> {
  id = $state<string | undefined>(undefined);
  name = $state('');
  #environment = $state<Environment>('production');
  endpoint = $state('');
  sandboxId = $state('');
  defaultTitleId = $state('');
  defaultScid = $state('');
  xuid = $state('');
  contractVersion = $state<ContractVersion>(107);
  locale = $state('en-US');
  service = $state<ProfileService>('mpsd');
  msaClientId = $state('');
  authority = $state('');
  userAuthenticate = $state('');
  xstsAuthorize = $state('');
  /** What the user typed as the stand-ins' URL; until then, the guess beside the MPSD endpoint. */
  #standInsUrl = $state<string | undefined>(undefined);

  get environment(): Environment {
    return this.#environment;
  }

  /** Choosing "local" fills the local MPSD's usual URL, so the choice alone is enough to save. */
  set environment(value: Environment) {
    this.#environment = value;
    if (value === 'local' && this.endpoint.trim() === '') this.endpoint = LOCAL_MPSD_URL;
  }

  get standInsUrl(): string {
    return this.#standInsUrl ?? standInsUrlBeside(this.endpoint) ?? '';
  }

  set standInsUrl(value: string) {
    this.#standInsUrl = value;
  }

  readonly #tokenEndpoints = $derived(
    Object.fromEntries(
      signInEndpoints.flatMap((endpoint) => {
        const value = blankToUndefined(this[endpoint]);
        return value === undefined ? [] : [[endpoint, value]];
      }),
    ) as Partial<Record<SignInEndpoint, string>>,
  );

  readonly draft: ProfileDraft = $derived({
    ...(this.id === undefined ? {} : { id: this.id }),
    name: this.name,
    environment: this.environment,
    ...(this.environment === 'production' || blankToUndefined(this.endpoint) === undefined ? {} : { endpoint: this.endpoint }),
    sandboxId: this.sandboxId,
    ...(blankToUndefined(this.defaultTitleId) === undefined ? {} : { defaultTitleId: this.defaultTitleId }),
    ...(blankToUndefined(this.defaultScid) === undefined ? {} : { defaultScid: this.defaultScid }),
    ...(blankToUndefined(this.xuid) === undefined ? {} : { xuid: this.xuid }),
    contractVersion: this.contractVersion,
    locale: this.locale,
    service: this.service,
    auth: {
      ...(blankToUndefined(this.msaClientId) === undefined ? {} : { msaClientId: this.msaClientId }),
      ...(Object.keys(this.#tokenEndpoints).length === 0 ? {} : { tokenEndpoints: this.#tokenEndpoints }),
    },
  });
  readonly #parsed = $derived(profileDraftSchema.safeParse(this.draft));
  readonly valid = $derived(this.#parsed.success);
  override readonly problems: Partial<Record<ProfileField, string>> = $derived.by(() => {
    const placed: Partial<Record<ProfileField, string>> = {};
    if (this.#parsed.success) return placed;
    for (const issue of this.#parsed.error.issues) {
      // auth.msaClientId and auth.tokenEndpoints.<endpoint> are fields of their own in the form.
      const field = (issue.path[0] === 'auth' ? issue.path.at(-1) : issue.path[0]) as ProfileField | undefined;
      if (field !== undefined && placed[field] === undefined) placed[field] = issue.message;
    }
    return placed;
  });

  constructor(profile?: ProfileView) {
    super();
    if (profile === undefined) return;
    this.id = profile.id;
    this.name = profile.name;
    this.#environment = profile.environment;
    this.endpoint = profile.environment === 'production' ? '' : profile.endpoint;
    this.sandboxId = profile.sandboxId;
    this.defaultTitleId = profile.defaultTitleId ?? '';
    this.defaultScid = profile.defaultScid ?? '';
    this.xuid = profileUserXuid(profile) ?? '';
    this.contractVersion = ([104, 105, 107] as const).find((version) => version === profile.contractVersion) ?? 107;
    this.locale = profile.locale;
    this.service = profile.service;
    this.msaClientId = profile.auth.msaClientId ?? '';
    for (const endpoint of signInEndpoints) this[endpoint] = profile.auth.tokenEndpoints?.[endpoint] ?? '';
  }

  /**
   * Points sign-in at the local stand-ins `emulator start` runs at `standInsUrl`: the three
   * endpoints, and the client id the emulator prints when none is set (the stand-ins take any).
   */
  useLocalStandIns(): void {
    const endpoints = localSignInEndpoints(this.standInsUrl);
    for (const endpoint of signInEndpoints) {
      this[endpoint] = endpoints[endpoint];
      this.touch(endpoint);
    }
    if (this.msaClientId.trim() === '') this.msaClientId = LOCAL_SIGN_IN_CLIENT_ID;
    this.touch('msaClientId');
  }
}
