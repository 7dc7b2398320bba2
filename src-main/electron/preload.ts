/**
 * The preload script: the only bridge between the sandboxed renderer and main. It exposes exactly one object,
 * typed by the contract (`BackupManagerApi`), and nothing of Electron or Node.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { BackupManagerApi, EventChannel } from '../ipc/contract';
import { electronChannels } from '../ipc/electron-channels';

type Listener = (payload: unknown) => void;
const listeners = new Map<EventChannel, Set<Listener>>();

ipcRenderer.on(electronChannels.event, (_event: IpcRendererEvent, name: EventChannel, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api: BackupManagerApi = {
  invoke: (channel, params) => ipcRenderer.invoke(electronChannels.invoke, channel, params),
  subscribe(event, listener) {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
};

contextBridge.exposeInMainWorld('backupManager', api);
