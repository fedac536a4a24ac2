/**
 * The app's screens in sidebar order, each with the letter of its "g then letter" shortcut.
 * Screens have no Ctrl/Cmd+digit shortcut: in browser mode Chrome keeps Ctrl+1..8 (and Alt+1..8
 * on Linux) for switching tabs, so the page never sees them. A two-key sequence of plain
 * letters reaches the page in the browser and in the app alike.
 */
export const screens = [
  { id: 'compose', label: 'Compose', letter: 'c' },
  { id: 'presets', label: 'Presets', letter: 'p' },
  { id: 'history', label: 'History', letter: 'h' },
  { id: 'drafts', label: 'Drafts', letter: 'd' },
  { id: 'outbox', label: 'Outbox', letter: 'o' },
  { id: 'inspector', label: 'Inspector', letter: 'i' },
  { id: 'profiles', label: 'Profiles', letter: 'u' },
] as const;

export type ScreenId = (typeof screens)[number]['id'];

export function screenLabel(id: ScreenId): string {
  return screens.find((screen) => screen.id === id)?.label ?? id;
}

/** "Ctrl" on Windows/Linux, "⌘" on macOS: shortcut hints show the key the user will press. */
export const modifierLabel = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
