/**
 * The page's one way to reach core. In Electron the preload has put `window.api` there. In
 * browser mode there is no preload: the same contract is spoken over HTTP to the local host,
 * with the per-run token taken from the URL it printed (then removed from the address bar).
 */
import { buildApi } from '../../app/shared/contract/bridge.ts';
import type { HandleStudioApi } from '../../app/shared/contract/index.ts';
import type { Result } from '../../app/shared/errors.ts';

declare global {
  interface Window {
    api?: HandleStudioApi;
  }
}

const TOKEN_KEY = 'handle-studio-token';

function browserModeApi(): HandleStudioApi {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url);
  }
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  let source: EventSource | null = null;

  return buildApi(
    async (name, input): Promise<Result<unknown>> => {
      try {
        const response = await fetch(`/api/call/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-handle-studio-token': token },
          body: JSON.stringify(input),
        });
        if (response.status === 401) {
          return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This page has no valid token: open the URL that Handle Studio printed when it started.' } };
        }
        return (await response.json()) as Result<unknown>;
      } catch {
        return { ok: false, error: { code: 'OFFLINE', message: 'Handle Studio (browser mode) is not answering: is it still running?' } };
      }
    },
    (name, listener) => {
      source ??= new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      const forward = (event: MessageEvent<string>) => listener(JSON.parse(event.data));
      source.addEventListener(name, forward);
      return () => source?.removeEventListener(name, forward);
    },
  );
}

export const api: HandleStudioApi = window.api ?? browserModeApi();
