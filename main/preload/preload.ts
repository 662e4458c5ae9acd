/**
 * The preload of the workbench window (sandboxed: only 'electron' is available; bundled to dist-electron/preload.cjs).
 * Exposes `window.pwb = { invoke, on }` and handles file drops (bridge.ts). main/ compiles without DOM types, so
 * the few DOM pieces used here are typed structurally.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL, createBridge } from './bridge';

interface DragEventLike {
  preventDefault(): void;
  dataTransfer?: { files?: ArrayLike<unknown> } | null;
}
const page = globalThis as unknown as { addEventListener(type: 'dragover' | 'drop', listener: (event: DragEventLike) => void): void };
/** At most this many files per drop are opened (a drop of 10^4 files must not flood main). */
const MAX_DROPPED_FILES = 16;

const { bridge, openDroppedPath } = createBridge(ipcRenderer);
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, { invoke: bridge.invoke, on: bridge.on });

page.addEventListener('dragover', (event) => event.preventDefault());
page.addEventListener('drop', (event) => {
  event.preventDefault();
  for (const file of Array.from(event.dataTransfer?.files ?? []).slice(0, MAX_DROPPED_FILES)) {
    const path = webUtils.getPathForFile(file as File);
    if (path) void openDroppedPath(path);
  }
});
