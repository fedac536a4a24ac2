/**
 * Electron's security checklist, applied to every web contents the app ever creates:
 * no navigation away from our page, no new windows (allow-listed https links go to the
 * system browser instead), no permission grants, no webviews.
 */
import { app, session, shell } from 'electron';
import { HandleStudioError } from '../shared/errors.ts';
import { isAllowedExternalLink, isSignInPageUrl } from '../shared/security.ts';
import { activationOpenRefusal } from '../shared/invitee/open-activation.ts';
import { APP_ORIGIN } from './protocol.ts';

export function hardenWebContents(): void {
  // Everything is refused except writing text to the clipboard from our own page: the
  // "Copy correlation id" and "Copy as curl" buttons use navigator.clipboard.writeText, which
  // Electron gates behind 'clipboard-sanitized-write'. Reading the clipboard stays refused.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isOwnClipboardWrite(permission, details.requestingUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isOwnClipboardWrite(permission, requestingOrigin),
  );

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** Opens MSAL's sign-in page in the system browser, after checking what kind of URL it is. */
export async function openSignInPage(url: string): Promise<void> {
  if (isSignInPageUrl(url)) return shell.openExternal(url);
  throw new HandleStudioError(
    'SIGN_IN_FAILED',
    "The sign-in page is not an https address: check the profile's Microsoft authority setting.",
  );
}

/**
 * Opens an activation URI the page asked for (the openActivationUri channel). Core checks it
 * first; main checks again right before the OS sees it, since this is the one call that starts
 * another program. The window-open handler never opens these: it allows https pages only.
 */
export async function openActivationUri(uri: string): Promise<void> {
  const refusal = activationOpenRefusal(uri, process.platform);
  if (refusal !== undefined) throw new HandleStudioError('VALIDATION', refusal);
  await shell.openExternal(uri);
}

function isOwnClipboardWrite(permission: string, requestingUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && (requestingUrl === APP_ORIGIN || requestingUrl.startsWith(`${APP_ORIGIN}/`));
}
