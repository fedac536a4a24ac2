/** The app's screens in sidebar order; the digit is the Ctrl/Cmd+digit and g-then-letter shortcut. */
export const screens = [
  { id: 'compose', label: 'Compose', digit: '1', letter: 'c' },
  { id: 'presets', label: 'Presets', digit: '2', letter: 'p' },
  { id: 'history', label: 'History', digit: '3', letter: 'h' },
  { id: 'drafts', label: 'Drafts', digit: '4', letter: 'd' },
  { id: 'outbox', label: 'Outbox', digit: '5', letter: 'o' },
  { id: 'profiles', label: 'Profiles', digit: '6', letter: 'u' },
] as const;

export type ScreenId = (typeof screens)[number]['id'];

/** "Ctrl" on Windows/Linux, "⌘" on macOS: shortcut hints show the key the user will press. */
export const modifierLabel = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
