/**
 * What the sandboxed renderer gets: `{ invoke(channel, payload), on(eventChannel, listener) → unsubscribe }` and
 * nothing else (never ipcRenderer itself, never Node). Channels are checked here against the same allow-lists
 * Electron main enforces (main checks again: this is not the security boundary, main is).
 *
 * Dropped files: a sandboxed page cannot see a File's path, so the preload handles 'drop' itself
 * (webUtils.getPathForFile), asks main to open the path (pwb:openPath) and reports the outcome to the page as a
 * shell event ('open-path' or 'open-failed') through the same `on(SHELL_EVENT_CHANNEL, …)`.
 */
import { CHANNEL_PREFIX, type ServerMessage } from '../../app/contract/wire-protocol';
import { SHELL_EVENT_CHANNEL, type FileKind, type ShellEvent } from '../../app/contract/shell';
import { isAllowedChannel, isAllowedEventChannel } from '../electron/security';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface WorkbenchBridge {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (message: unknown) => void): () => void;
}

/** Name of the global the renderer reads (`window.pwb`). */
export const BRIDGE_GLOBAL = 'pwb';

export function createBridge(ipc: IpcRendererLike): { bridge: WorkbenchBridge; openDroppedPath(path: string): Promise<void> } {
  const localShellListeners = new Set<(message: unknown) => void>();
  const bridge: WorkbenchBridge = {
    invoke(channel, payload) {
      if (!isAllowedChannel(channel)) return Promise.reject(new Error(`channel '${String(channel).slice(0, 64)}' is not allowed`));
      return ipc.invoke(channel, payload);
    },
    on(channel, listener) {
      if (!isAllowedEventChannel(channel)) throw new Error(`event channel '${String(channel).slice(0, 64)}' is not allowed`);
      if (typeof listener !== 'function') throw new Error('listener must be a function');
      const wrapped = (_event: unknown, message: unknown) => listener(message);
      ipc.on(channel, wrapped);
      if (channel === SHELL_EVENT_CHANNEL) localShellListeners.add(listener);
      return () => {
        ipc.removeListener(channel, wrapped);
        localShellListeners.delete(listener);
      };
    },
  };
  let dropId = 2 ** 52; // ids far from the renderer's own
  const openDroppedPath = async (path: string) => {
    const reply = (await ipc.invoke(`${CHANNEL_PREFIX}openPath`, { id: dropId++, params: { path } })) as ServerMessage;
    let event: ShellEvent;
    if (reply.type === 'result') {
      const opened = reply.value as { path: string; kind: FileKind };
      event = { kind: 'open-path', path: opened.path, fileKind: opened.kind };
    } else {
      event = { kind: 'open-failed', path, message: reply.type === 'error' ? reply.error.message : 'unexpected reply' };
    }
    for (const listener of localShellListeners) listener(event);
  };
  return { bridge, openDroppedPath };
}
