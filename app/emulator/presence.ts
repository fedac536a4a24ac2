/**
 * Who is "playing" which title, for the optional presence check (`--presence-check`): MPSD
 * demotes an active member whose presence does not show the title to inactive (hdr:951-957;
 * DET:525-547), which is what happens to a tool user who is not running the game. Tests and
 * developers say who is playing through `POST /_emulator/presence`.
 */

export interface PresenceBook {
  /** `titleId` null: the user plays nothing. */
  set(xuid: string, titleId: string | null): void;
  /** The title the user plays, if any. */
  playing(xuid: string): string | undefined;
  snapshot(): Record<string, string>;
}

export function createPresenceBook(): PresenceBook {
  const titles = new Map<string, string>();
  return {
    set(xuid, titleId) {
      if (titleId === null) titles.delete(xuid);
      else titles.set(xuid, titleId);
    },
    playing: (xuid) => titles.get(xuid),
    snapshot: () => Object.fromEntries(titles),
  };
}

/**
 * Does presence back an active member? A member that went active with a title in its token
 * must be playing that title; one whose token named no title (a tool's user token) must be
 * playing something, which only the control API can claim.
 */
export function presenceBacks(book: PresenceBook, xuid: string, activeTitleId: string | undefined): boolean {
  const playing = book.playing(xuid);
  return playing !== undefined && (activeTitleId === undefined || playing === activeTitleId);
}
