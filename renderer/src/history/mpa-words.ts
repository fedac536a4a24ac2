/**
 * An MPA call in History and the Outbox, in words: MPA has no session to name, so a row names
 * the title its path is about; an invite is one call for up to 16 users, so a row lists them.
 */

/** The title id in an MPA path or URL (`/titles/1234/...`), or undefined for anything else. */
export function mpaTitleOf(pathOrUrl: string): string | undefined {
  return /\/titles\/([0-9]+)\//.exec(pathOrUrl)?.[1];
}

/** How many users of an invite a row lists by XUID before it says "and N more". */
const LISTED = 3;

/** "2814… and 2814…" style: every XUID up to three, then how many more. */
export function inviteesInWords(xuids: readonly string[]): string {
  if (xuids.length === 0) return '';
  const listed = xuids.slice(0, LISTED).join(', ');
  const more = xuids.length - LISTED;
  return `${xuids.length} user${xuids.length === 1 ? '' : 's'}: ${listed}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The invitees a stored MPA invite call names (its body's invitedUsers), for the Outbox. */
export function invitedUsersOf(storedWire: unknown): string[] {
  const body = (storedWire as { body?: { invitedUsers?: unknown } } | null | undefined)?.body;
  const listed = body?.invitedUsers;
  return Array.isArray(listed) ? listed.filter((xuid): xuid is string => typeof xuid === 'string') : [];
}

/** The path a stored MPA call goes to, for the Outbox's "title" words. */
export function pathOf(storedWire: unknown): string {
  const path = (storedWire as { path?: unknown } | null | undefined)?.path;
  return typeof path === 'string' ? path : '';
}
