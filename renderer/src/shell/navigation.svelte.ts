import type { ScreenId } from './screens.ts';

/** Which screen is showing. One instance for the app, shared through the component tree. */
export class Navigation {
  screen = $state<ScreenId>('compose');
  /** Bumped when Ctrl/Cmd+K asks the current screen to focus its search box. */
  searchRequests = $state(0);
  helpOpen = $state(false);

  go(screen: ScreenId): void {
    this.screen = screen;
  }

  focusSearch(): void {
    this.searchRequests += 1;
  }
}
