/**
 * Compose, the first screen shown, is bundled with the shell. Every other screen is a chunk of
 * its own, fetched and parsed the first time it is opened, so a start pays only for what it
 * shows (issue 12's first-load budget). A screen added to `screens.ts` is listed here, or the
 * typecheck says it is missing.
 */
import type { Component } from 'svelte';
import type { ScreenId } from './screens.ts';

const modules = {
  presets: () => import('../presets/PresetsScreen.svelte'),
  history: () => import('../history/HistoryScreen.svelte'),
  drafts: () => import('../drafts/DraftsScreen.svelte'),
  outbox: () => import('../outbox/OutboxScreen.svelte'),
  inspector: () => import('../inspector/InspectorScreen.svelte'),
  profiles: () => import('../profiles/ProfilesScreen.svelte'),
} satisfies Record<Exclude<ScreenId, 'compose'>, () => Promise<{ default: Component }>>;

export type LazyScreenId = keyof typeof modules;

const loaded = new Map<LazyScreenId, Component>();

/** The screen's component if it has been loaded before: shown at once, with no loading step. */
export function loadedScreen(id: LazyScreenId): Component | undefined {
  return loaded.get(id);
}

export async function loadScreen(id: LazyScreenId): Promise<Component> {
  const { default: screen } = await modules[id]();
  loaded.set(id, screen);
  return screen;
}
