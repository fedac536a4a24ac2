/**
 * The profiles the user has and which one is active, kept fresh from main: reading `list`
 * or `active` inside a component subscribes to `profilesChanged` (Svelte's createSubscriber
 * pattern), so a token pasted in one place updates the top bar everywhere.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { ProfileDraft, ProfileView } from '../../../app/shared/contract/profiles.ts';
import type { AppError, Result } from '../../../app/shared/errors.ts';
import { api } from '../api.ts';

export class ProfileBook {
  #profiles = $state<ProfileView[]>([]);
  #activeProfileId = $state<string | null>(null);
  loaded = $state(false);
  failure = $state<AppError | undefined>(undefined);
  /** The profiles file was damaged at start-up and kept aside. */
  notice = $state<{ message: string; keptAside: string } | undefined>(undefined);

  #subscribe = createSubscriber(() => api.on.profilesChanged(() => void this.refresh()));

  get list(): ProfileView[] {
    this.#subscribe();
    return this.#profiles;
  }

  get active(): ProfileView | undefined {
    this.#subscribe();
    return this.#profiles.find((profile) => profile.id === this.#activeProfileId);
  }

  /** Bumped per refresh: an answer that arrives after a newer one was asked for is stale and dropped. */
  #asked = 0;

  async refresh(): Promise<void> {
    const asked = ++this.#asked;
    const answer = await api.listProfiles({});
    // A slow answer (the keychain check can take seconds) must not overwrite a newer one,
    // e.g. "keychain unavailable" coming back after the user chose memory.
    if (asked !== this.#asked) return;
    this.loaded = true;
    if (!answer.ok) {
      this.failure = answer.error;
      return;
    }
    this.failure = undefined;
    this.#profiles = answer.value.profiles;
    this.#activeProfileId = answer.value.activeProfileId;
    this.notice = answer.value.notice;
  }

  /** Saves and re-reads, so the list shows what main stored (normalised values, token state). */
  async save(draft: ProfileDraft): Promise<Result<ProfileView>> {
    return this.#thenRefresh(api.saveProfile(draft));
  }

  async activate(profileId: string): Promise<Result<ProfileView>> {
    return this.#thenRefresh(api.activateProfile({ profileId }));
  }

  async remove(profileId: string): Promise<Result<{ removed: boolean }>> {
    return this.#thenRefresh(api.removeProfile({ profileId }));
  }

  async #thenRefresh<T>(call: Promise<Result<T>>): Promise<Result<T>> {
    const answer = await call;
    if (answer.ok) await this.refresh();
    return answer;
  }
}
