/**
 * Which activation URIs Handle Studio hands to the operating system, and when. Only the three
 * kinds the app itself builds (activation-uri.ts, ../mpa/invite-uri.ts) on an `ms-xbl-` scheme
 * are opened: the page asks main to open a string, so anything else (an https page, a file,
 * another app's scheme) is refused here rather than passed to the OS.
 */
import { PC_SCHEME } from './activation-uri.ts';

/** Longest URI opened: a 511-character connection string percent-encoded three times over, with room to spare. */
export const MAX_ACTIVATION_URI_LENGTH = 4096;

const ACTIVATION_URI = /^ms-xbl-(?:multiplayer|[0-9a-f]{1,16}):\/\/(?:inviteHandleAccept|activityHandleJoin|inviteAccept)\?[!-~]*$/;

/** Why `uri` will not be opened on `os`, in words; undefined when it may be. */
export function activationOpenRefusal(uri: string, os: string): string | undefined {
  if (uri.length > MAX_ACTIVATION_URI_LENGTH) {
    return `That activation URI is ${uri.length} characters; at most ${MAX_ACTIVATION_URI_LENGTH} are opened. Copy it instead.`;
  }
  if (!ACTIVATION_URI.test(uri)) {
    return `Only activation URIs Handle Studio builds are opened (${PC_SCHEME}:// or ms-xbl-<title id in hex>:// with inviteHandleAccept, activityHandleJoin or inviteAccept, no spaces). Copy it instead.`;
  }
  if (os !== 'win32') {
    return `Activation URIs open only on Windows, where a title registers the ${PC_SCHEME} scheme; this computer runs ${os}. Copy the URI instead.`;
  }
  return undefined;
}
