/**
 * The preload-facing bridge: the ONLY thing the Electron preload exposes to the renderer, as `window.pwb`.
 * The preload must implement exactly this (contextBridge.exposeInMainWorld('pwb', bridge)); nothing else.
 *
 *   invoke(channel, payload) → Promise<BridgeReply>
 *     channel: one of METHOD_CHANNELS ('pwb:<serviceMethod>'), 'pwb:<shellMethod>' for SHELL_METHODS (incl.
 *              'pwb:startup'), or CANCEL_CHANNEL ('pwb:cancel').
 *     payload: { id: number, params: unknown } for service and shell methods (id = the renderer's call id, the same id
 *              progress events carry), { id } for cancel.
 *     reply:   resolves with { type: 'result', id, value } or { type: 'error', id, error: WireError } — the
 *              ServerMessage shapes of wire-protocol.ts. It should not reject for engine errors (Electron would reduce
 *              them to a message string and lose the code); a rejection is treated as code HOST_DISCONNECTED.
 *   on(channel, listener) → unsubscribe
 *     channel: EVENT_CHANNEL ('pwb:event'). The listener receives ServerMessage objects of type 'progress'
 *              ({ type, id, progress }) and 'event' ({ type, event: HostEvent }), as plain objects (no IpcRendererEvent).
 *
 *   on(SHELL_EVENT_CHANNEL ('pwb:shell-event'), listener): ShellEvent objects (menu commands, opened/dropped files).
 * Shell params and values are those of app/contract/shell.ts (ShellRequests / ShellResults); electron-host.ts
 * unwraps them for the components.
 */
import type { WireError } from '../../../app/contract/wire-protocol';
import { CHANNEL_PREFIX } from '../../../app/contract/wire-protocol';

export type BridgeReply = { type: 'result'; id: number; value: unknown } | { type: 'error'; id: number; error: WireError };

export interface PwbBridge {
  invoke(channel: string, payload: unknown): Promise<BridgeReply>;
  on(channel: string, listener: (message: unknown) => void): () => void;
}


declare global {
  interface Window {
    /** Present only inside the Electron window (preload). */
    pwb?: PwbBridge;
  }
}

export function findBridge(): PwbBridge | null {
  const bridge = typeof window !== 'undefined' ? window.pwb : undefined;
  return bridge && typeof bridge.invoke === 'function' && typeof bridge.on === 'function' ? bridge : null;
}
