/**
 * The page's one way to reach core. In Electron the preload has put `window.api` there. In
 * browser mode there is no preload: the same contract is spoken over HTTP to the local host,
 * with the per-run token taken from the URL it printed (then removed from the address bar).
 */
import { buildApi } from '../../app/shared/contract/bridge.ts';
import { callOverHttp, eventsPath, TOKEN_PARAM } from '../../app/shared/contract/browser-transport.ts';
import type { HandleStudioApi } from '../../app/shared/contract/index.ts';

declare global {
  interface Window {
    api?: HandleStudioApi;
  }
}

const TOKEN_KEY = 'handle-studio-token';

function browserModeApi(): HandleStudioApi {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get(TOKEN_PARAM);
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete(TOKEN_PARAM);
    history.replaceState(null, '', url);
  }
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  let source: EventSource | null = null;

  return buildApi(
    (name, input) => callOverHttp((path, init) => fetch(path, init), token, name, input),
    (name, listener) => {
      source ??= new EventSource(eventsPath(token));
      const forward = (event: MessageEvent<string>) => listener(JSON.parse(event.data));
      source.addEventListener(name, forward);
      return () => source?.removeEventListener(name, forward);
    },
  );
}

export const api: HandleStudioApi = window.api ?? browserModeApi();
