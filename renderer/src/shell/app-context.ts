/**
 * The state the screens share, read with `useStudio()`. Two layers, so the first paint does not
 * wait for Compose's validation (issue 12's first-load budget):
 *
 * - the shell's part (where we are, the profiles, the banners, the outbox count), created in
 *   App.svelte with the sidebar and top bar that read it through `useShell()`;
 * - the Compose form, its send and its draft link, which pull in the shared request schemas and
 *   zod: created in Workbench.svelte, loaded right after the shell, around every screen.
 */
import { createContext } from 'svelte';
import type { ComposeForm } from '../compose/compose-form.svelte.ts';
import type { SendRun } from '../compose/send-run.svelte.ts';
import type { ProfileBook } from '../profiles/profile-book.svelte.ts';
import type { Navigation } from './navigation.svelte.ts';
import type { Notices } from './notices.svelte.ts';
import type { DraftLink } from '../drafts/draft-link.svelte.ts';
import type { OutboxCounter } from '../outbox/outbox-counter.svelte.ts';

export interface Shell {
  navigation: Navigation;
  profiles: ProfileBook;
  notices: Notices;
  outbox: OutboxCounter;
  /** Called once a screen loaded on opening is on the page, so the shell can move focus into it. */
  screenShown: () => void;
}

export interface Studio extends Shell {
  compose: ComposeForm;
  run: SendRun;
  /** Which draft the Compose form came from, so saving updates it instead of making another. */
  draft: DraftLink;
}

export const [useShell, provideShell] = createContext<Shell>();
export const [useStudio, provideStudio] = createContext<Studio>();
