/**
 * Remembers the window's size, position and maximised state between runs, and puts a
 * window that would open off every screen (a monitor was unplugged) back on the primary one.
 */
import { screen, type BrowserWindow, type Rectangle } from 'electron';
import type Store from 'electron-store';
import * as z from '../shared/zod.ts';

const windowStateSchema = z.object({
  x: z.number().check(z.int()),
  y: z.number().check(z.int()),
  width: z.number().check(z.int(), z.gte(640)),
  height: z.number().check(z.int(), z.gte(480)),
  maximized: z.boolean(),
});
type WindowState = z.output<typeof windowStateSchema>;

const DEFAULT_SIZE = { width: 1280, height: 820 };

export function restoreWindowBounds(store: Store): Partial<Rectangle> & { maximized: boolean } {
  const saved = windowStateSchema.safeParse(store.get('window'));
  if (!saved.success || !isVisibleOnSomeDisplay(saved.data)) return { ...DEFAULT_SIZE, maximized: false };
  const { maximized, ...bounds } = saved.data;
  return { ...bounds, maximized };
}

export function trackWindowBounds(window: BrowserWindow, store: Store): void {
  const save = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    const state: WindowState = { ...window.getNormalBounds(), maximized: window.isMaximized() };
    store.set('window', state);
  };
  window.on('close', save);
}

function isVisibleOnSomeDisplay(bounds: Rectangle): boolean {
  return screen
    .getAllDisplays()
    .some(
      ({ workArea }) =>
        bounds.x < workArea.x + workArea.width &&
        bounds.x + bounds.width > workArea.x &&
        bounds.y < workArea.y + workArea.height &&
        bounds.y + bounds.height > workArea.y,
    );
}
