/**
 * One `ipcMain.handle` per contract channel. Each checks that the call comes from our own
 * page's main frame before dispatching (parse, run, wrap errors), and events from core are
 * forwarded to the window on the event's own channel.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Dispatch } from '../core/dispatch.ts';
import type { EventListener } from '../core/event-hub.ts';
import { channelNames, ipcChannel, ipcEvent, type EventName } from '../shared/contract/index.ts';
import type { Result } from '../shared/errors.ts';
import { APP_ORIGIN } from './protocol.ts';

export function registerChannels(dispatch: Dispatch): void {
  for (const name of channelNames) {
    ipcMain.handle(ipcChannel(name), (event, input: unknown): Promise<Result<unknown>> => {
      if (!fromOurPage(event)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'FORBIDDEN', message: "Calls are only accepted from Handle Studio's own page." },
        });
      }
      return dispatch(name, input);
    });
  }
}

export function forwardEvents(window: BrowserWindow, subscribe: (listener: EventListener) => () => void): () => void {
  return subscribe((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(ipcEvent(name as EventName), payload);
  });
}

function fromOurPage(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && frame.url.startsWith(`${APP_ORIGIN}/`);
}
