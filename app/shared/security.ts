/**
 * The page's Content-Security-Policy, the same in Electron (response header of the app://
 * protocol and a meta tag) and in browser mode (response header): only our own scripts and
 * styles, no eval, no inline script, no frames, calls only to our own origin.
 * Svelte writes inline `style` attributes for transitions, hence 'unsafe-inline' for styles only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Links the app may open in the system browser; anything else is refused. */
export const EXTERNAL_LINK_ALLOW_LIST = [
  'https://learn.microsoft.com/',
  'https://partner.microsoft.com/',
  'https://www.xbox.com/',
  'https://account.xbox.com/',
  'https://microsoft.com/devicelogin',
  'https://www.microsoft.com/link',
] as const;

export function isAllowedExternalLink(url: string): boolean {
  return EXTERNAL_LINK_ALLOW_LIST.some((prefix) => url.startsWith(prefix));
}

/**
 * The sign-in page MSAL asks us to show: its authority comes from a profile the user edits,
 * so only https pages (or http on loopback, for the local token stand-ins) may reach the
 * OS's URL handler; never file:, smb: or a custom scheme.
 */
export function isSignInPageUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]');
}
