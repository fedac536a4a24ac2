/**
 * Where MPSD requests go and in which language MPSD should answer. Both values end up in
 * the request line or a header, so they are validated before any request is built: a stray
 * newline in a locale would otherwise split a header, a path in the base URL would silently
 * move every call.
 */
import * as z from '../zod.ts';

/** Microsoft's Multiplayer Session Directory. The local MPSD and tests pass their own URL. */
export const MPSD_BASE_URL = 'https://sessiondirectory.xboxlive.com';

/**
 * An origin (`https://host[:port]`, or `http://` for the local MPSD), normalised without a
 * trailing slash so paths can be appended as they are.
 */
export const mpsdBaseUrlSchema = z.pipe(
  z.string({ error: `MPSD base URL is required, e.g. ${MPSD_BASE_URL}.` }).check(z.trim()),
  z.transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `MPSD base URL "${text}" is not a URL: give it like ${MPSD_BASE_URL} or http://127.0.0.1:7070.`,
      });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `MPSD base URL must start with https:// (or http:// for a local MPSD), not ${url.protocol}//.`,
      });
      return z.NEVER;
    }
    if (url.username !== '' || url.password !== '') {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: 'MPSD base URL must not carry a user name or password: credentials go in the profile.',
      });
      return z.NEVER;
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `MPSD base URL must be the host only (e.g. ${MPSD_BASE_URL}), without a path, query or #fragment.`,
      });
      return z.NEVER;
    }
    return url.origin;
  }),
);

/** `Accept-Language`: a BCP 47 tag such as en-US or fr-FR (letters and digits between dashes). */
export const localeSchema = z.string({ error: 'Locale is required, e.g. en-US.' }).check(
  z.trim(),
  z.refine((value) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(value), {
    error: 'Locale must be a language tag like en-US or fr-FR.',
  }),
);
