import type { ScreenId } from './screens.ts';

export type Intent = 'new-profile' | 'fix-token';

/** Which screen is showing. One instance for the app, shared through the component tree. */
export class Navigation {
  screen = $state<ScreenId>('compose');
  /** Bumped when Ctrl/Cmd+K asks the current screen to focus its search box. */
  searchRequests = $state(0);
  helpOpen = $state(false);

  /** Something the next screen should open with (the new-profile form, or the active profile's token form, from the top bar). */
  #intent: Intent | undefined = undefined;

  go(screen: ScreenId, intent?: Intent): void {
    this.#intent = intent;
    this.screen = screen;
  }

  /** True once if the screen was opened with `intent`. */
  takeIntent(intent: Intent): boolean {
    const asked = this.#intent === intent;
    if (asked) this.#intent = undefined;
    return asked;
  }

  focusSearch(): void {
    this.searchRequests += 1;
  }
}
