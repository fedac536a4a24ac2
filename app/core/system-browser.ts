/**
 * Opens a URL in the user's browser from plain Node (browser mode and the CLI; Electron main
 * uses shell.openExternal instead). Only http(s) URLs, and the URL is passed as an argument,
 * never through a shell, so it cannot run anything.
 */
import { HandleStudioError } from '../shared/errors.ts';

export async function openInSystemBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (!/^https?:\/\//.test(url)) throw new HandleStudioError('VALIDATION', 'Only http and https links can be opened.');
  const [command, args] =
    platform === 'win32'
      ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
      : platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  // Loaded at the first sign-in, not with core: child_process brings in net and streams (issue 12, start-up).
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () =>
      reject(new HandleStudioError('SIGN_IN_FAILED', `Could not open a browser: open ${url} yourself, or use device-code sign-in.`)),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
