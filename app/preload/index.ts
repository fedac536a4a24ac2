/**
 * The only bridge between the page and main: `window.api`, built from the contract. The
 * page gets one function per channel and one subscription per event; it never sees
 * ipcRenderer or an IPC event object.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../shared/contract/bridge.ts';
import { ipcChannel, ipcEvent } from '../shared/contract/names.ts';

const api = buildApi(
  (name, input) => ipcRenderer.invoke(ipcChannel(name), input),
  (name, listener) => {
    const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(ipcEvent(name), forward);
    return () => ipcRenderer.removeListener(ipcEvent(name), forward);
  },
);

contextBridge.exposeInMainWorld('api', api);
