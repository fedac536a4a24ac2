/**
 * The profile channels (app/shared/contract/profiles.ts) over the profile store and the
 * credentials service, and the AuthorizationSource the MPSD client uses for the active
 * profile. Every answer is built from settings and TokenState, so no secret can reach one.
 */
import type { EventPublisher, HandlersFor } from '../../shared/contract/define.ts';
import type { Profile, ProfileView, profileChannels, profileEvents, TokenState } from '../../shared/contract/profiles.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import type { CredentialsService } from '../credentials/credentials-service.ts';
import { parseXblAuthorization } from '../credentials/xbl-authorization.ts';
import type { AuthorizationSource, FetchLike } from '../ports.ts';
import { emulatorUserXuid } from './emulator-user.ts';
import type { ProfileStore } from './profile-store.ts';

export interface ProfileHandlerDeps {
  profiles: ProfileStore;
  credentials: CredentialsService;
  publish: EventPublisher<typeof profileEvents>;
  /** For asking a local MPSD which of its users a pasted token names. */
  fetch: FetchLike;
}

/** One handler per profile channel. */
export function createProfileHandlers(deps: ProfileHandlerDeps): HandlersFor<typeof profileChannels> {
  const { profiles, credentials, publish, fetch } = deps;

  const announce = () => publish('profilesChanged', profilesChanged(profiles));

  const view = async (profile: Profile, token?: TokenState): Promise<ProfileView> =>
    toProfileView(profile, profile.id === profiles.activeProfileId(), token ?? (await credentials.tokenState(profile.id)));

  /**
   * The user a token names becomes the profile's XUID (what presets that join first need).
   * A profiles file this build may not rewrite keeps the XUID unset: the token is still saved.
   */
  const fillUser = (profile: Profile, xuid: string | undefined): void => {
    if (xuid === undefined || profile.xuid === xuid) return;
    try {
      profiles.save({ ...profile, xuid });
    } catch (error) {
      if (!(error instanceof HandleStudioError && error.code === 'STORAGE')) throw error;
    }
  };

  const existing = (profileId: string): Profile => {
    const profile = profiles.get(profileId);
    if (!profile) throw new HandleStudioError('NOT_FOUND', 'No profile with that id: it may have been removed. Pick another profile.');
    return profile;
  };

  return {
    async listProfiles() {
      const notice = profiles.status().notice;
      const views = await Promise.all(profiles.list().map((profile) => view(profile)));
      return notice
        ? { profiles: views, activeProfileId: profiles.activeProfileId(), notice }
        : { profiles: views, activeProfileId: profiles.activeProfileId() };
    },
    async saveProfile(draft) {
      const saved = profiles.save(draft);
      announce();
      return view(saved);
    },
    async removeProfile({ profileId }) {
      if (!profiles.get(profileId)) return { removed: false };
      // Secrets first: if the keychain refuses, the profile stays and the user can retry.
      await credentials.forgetProfile(profileId);
      const removed = profiles.remove(profileId);
      announce();
      return { removed };
    },
    async activateProfile({ profileId }) {
      const profile = profiles.activate(profileId);
      announce();
      return view(profile);
    },
    async getTokenState({ profileId }) {
      existing(profileId);
      return credentials.tokenState(profileId);
    },
    async pasteToken(input) {
      const state = await credentials.pasteToken(input);
      // The token is stored; a local MPSD's user list names its user (a real XSTS token cannot be read).
      const profile = existing(input.profileId);
      const uhs = input.authorization?.trim() ? parseXblAuthorization(input.authorization).uhs : (input.userHash ?? '').trim();
      fillUser(
        profile,
        state.xuid ?? (profile.environment === 'production' ? undefined : await emulatorUserXuid(profile.endpoint, uhs, fetch)),
      );
      announce();
      return state;
    },
    async signIn({ profileId, method }) {
      existing(profileId);
      const state = await credentials.signIn(profileId, method, (progress) => publish('signInProgress', progress));
      fillUser(existing(profileId), state.xuid);
      announce();
      return state;
    },
    async cancelSignIn({ profileId }) {
      return { cancelled: credentials.cancelSignIn(profileId) };
    },
    async signOut({ profileId }) {
      existing(profileId);
      const state = await credentials.signOut(profileId);
      announce();
      return state;
    },
    async keepSecretsInMemory() {
      const vault = credentials.keepSecretsInMemory();
      announce();
      return { vault };
    },
  };
}

/** The profilesChanged event for the store as it is now; also sent when MPSD refuses a token. */
export function profilesChanged(profiles: ProfileStore): { activeProfileId: string | null; profileIds: string[] } {
  return { activeProfileId: profiles.activeProfileId(), profileIds: profiles.list().map((profile) => profile.id) };
}

/** A profile as the UI sees it: its settings, whether it is active, its token's state. */
function toProfileView(profile: Profile, active: boolean, token: TokenState): ProfileView {
  return { ...profile, active, token };
}

/**
 * The Authorization source for whichever profile is active when a request is sent (the
 * user may switch profiles between two requests). Throws NO_CREDENTIALS with no profile.
 */
export function authorizationForActiveProfile(profiles: ProfileStore, credentials: CredentialsService): AuthorizationSource {
  // One source per profile, so a refusal is about the token that was handed out, even if another profile is active by then.
  let used: { profileId: string; source: AuthorizationSource } | undefined;
  const source = (): AuthorizationSource => {
    const active = profiles.active();
    if (!active) throw new HandleStudioError('NO_CREDENTIALS', 'No profile is active: create or pick a profile in Profiles first.');
    if (used?.profileId !== active.id) used = { profileId: active.id, source: credentials.authorizationFor(active.id) };
    return used.source;
  };
  return {
    current: async () => source().current(),
    renew: async () => source().renew(),
    refused: () => used?.source.refused?.(),
  };
}
