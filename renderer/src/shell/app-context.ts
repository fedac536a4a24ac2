/**
 * The state the screens share: where we are, the profiles, the Compose form and its send,
 * and the banner notices. Created once in App.svelte and read with `useStudio()`.
 */
import { createContext } from 'svelte';
import type { ComposeForm } from '../compose/compose-form.svelte.ts';
import type { SendRun } from '../compose/send-run.svelte.ts';
import type { ProfileBook } from '../profiles/profile-book.svelte.ts';
import type { Navigation } from './navigation.svelte.ts';
import type { Notices } from './notices.svelte.ts';
import type { DraftLink } from '../drafts/draft-link.svelte.ts';
import type { OutboxCounter } from '../outbox/outbox-counter.svelte.ts';

export interface Studio {
  navigation: Navigation;
  profiles: ProfileBook;
  compose: ComposeForm;
  run: SendRun;
  /** Which draft the Compose form came from, so saving updates it instead of making another. */
  draft: DraftLink;
  notices: Notices;
  outbox: OutboxCounter;
}

export const [useStudio, provideStudio] = createContext<Studio>();
