/** Window bounds with Electron mocked: remembered between runs, but never restored off-screen. */
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
}));

const { restoreWindowBounds } = await import('./window-state.ts');

function storeWith(window: unknown) {
  return { get: () => window } as unknown as Parameters<typeof restoreWindowBounds>[0];
}

describe('restoreWindowBounds', () => {
  it('restores the saved bounds and maximised state', () => {
    expect(restoreWindowBounds(storeWith({ x: 100, y: 80, width: 1200, height: 800, maximized: true }))).toEqual({
      x: 100,
      y: 80,
      width: 1200,
      height: 800,
      maximized: true,
    });
  });

  it('falls back to the default size when the saved window would be on a monitor that is gone', () => {
    expect(restoreWindowBounds(storeWith({ x: 4000, y: 80, width: 1200, height: 800, maximized: false }))).toEqual({
      width: 1280,
      height: 820,
      maximized: false,
    });
  });

  it('ignores a damaged or missing saved state', () => {
    expect(restoreWindowBounds(storeWith({ x: 'left', width: 10 }))).toEqual({ width: 1280, height: 820, maximized: false });
    expect(restoreWindowBounds(storeWith(undefined))).toEqual({ width: 1280, height: 820, maximized: false });
  });
});
