/**
 * Global keyboard shortcuts. Plain letters (g-then-letter, ?) only act when the user is not
 * typing in a field; Ctrl/Cmd+K (search) acts everywhere: pages may take it from the browser.
 */
import type { Navigation } from './navigation.svelte.ts';
import { screens } from './screens.ts';

/** How long "g" waits for its second key. */
const SEQUENCE_MS = 1500;

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Installs the shortcuts on `window`; returns the function that removes them. */
export function installShortcuts(navigation: Navigation): () => void {
  let awaitingScreenLetter = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented) return;
    const modified = event.ctrlKey || event.metaKey;
    if (modified && !event.altKey && !event.shiftKey) {
      if (event.key.toLowerCase() === 'k') {
        event.preventDefault();
        navigation.focusSearch();
      }
      return;
    }
    if (modified || event.altKey || isTyping(event.target)) return;
    if (awaitingScreenLetter) {
      awaitingScreenLetter = false;
      clearTimeout(timer);
      const byLetter = screens.find((screen) => screen.letter === event.key.toLowerCase());
      if (byLetter) {
        event.preventDefault();
        navigation.go(byLetter.id);
      }
      return;
    }
    if (event.key === 'g') {
      awaitingScreenLetter = true;
      timer = setTimeout(() => (awaitingScreenLetter = false), SEQUENCE_MS);
    } else if (event.key === '?') {
      event.preventDefault();
      navigation.helpOpen = true;
    }
  };

  window.addEventListener('keydown', onKeydown);
  return () => {
    clearTimeout(timer);
    window.removeEventListener('keydown', onKeydown);
  };
}
