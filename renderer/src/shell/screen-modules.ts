/**
 * The parts of the page fetched and parsed when first needed, so a start pays only for what it
 * shows (issue 12's first-load budget). The workbench (the Compose form's state and the Compose
 * screen, with the request schemas and zod they validate with) is asked for as soon as the shell
 * is up; every other screen the first time it is opened. A screen added to `screens.ts` is listed
 * here, or the typecheck says it is missing.
 */
import type { Component } from 'svelte';
import type { ScreenId } from './screens.ts';

const modules = {
  workbench: () => import('./Workbench.svelte'),
  presets: () => import('../presets/PresetsScreen.svelte'),
  history: () => import('../history/HistoryScreen.svelte'),
  drafts: () => import('../drafts/DraftsScreen.svelte'),
  outbox: () => import('../outbox/OutboxScreen.svelte'),
  inspector: () => import('../inspector/InspectorScreen.svelte'),
  profiles: () => import('../profiles/ProfilesScreen.svelte'),
} satisfies Record<Exclude<ScreenId, 'compose'> | 'workbench', () => Promise<{ default: Component }>>;

export type LazyPart = keyof typeof modules;

const loaded = new Map<LazyPart, Component>();

/** The part's component if it has been loaded before: shown at once, with no loading step. */
export function loadedPart(id: LazyPart): Component | undefined {
  return loaded.get(id);
}

export async function loadPart(id: LazyPart): Promise<Component> {
  const { default: part } = await modules[id]();
  loaded.set(id, part);
  return part;
}
