/**
 * The messages every transport carries (Electron IPC, the browser-mode WebSocket, the engine host's process
 * channel): calls with ids, results, typed errors, throttled progress and host events. Channel names derive from
 * SERVICE_METHODS; nothing else crosses.
 */
import { SERVICE_METHODS, type OpenSessionRequest, type ProgressEvent, type ServiceMethod } from './service';

export const CHANNEL_PREFIX = 'pwb:';
/** Electron IPC channel per method ('pwb:openSession', …) plus the control channels. */
export const METHOD_CHANNELS: readonly string[] = SERVICE_METHODS.map((m) => `${CHANNEL_PREFIX}${m}`);
export const CANCEL_CHANNEL = `${CHANNEL_PREFIX}cancel`;
/** Main → renderer: progress and host events. */
export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;
/** Renderer → main, desktop only: dialogs and recent files (never reach the engine host). */
export const SHELL_METHODS = ['openModelDialog', 'openFolderDialog', 'saveFolderDialog', 'recentFiles', 'openPath', 'startup'] as const;
export type ShellMethod = (typeof SHELL_METHODS)[number];

/** Largest message accepted on any transport (a plan with thousands of entries fits easily). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Progress is sent at most this often per call. */
export const PROGRESS_INTERVAL_MS = 100;

export function isServiceMethod(name: unknown): name is ServiceMethod {
  return typeof name === 'string' && (SERVICE_METHODS as readonly string[]).includes(name);
}

export interface WireError {
  area: string;
  code: string;
  message: string;
}

/** Why the engine host stopped, as the UI shows it. */
export type HostCrashReason =
  | { kind: 'killed'; signal: string }
  | { kind: 'exited'; exitCode: number }
  | { kind: 'out-of-memory' }
  | { kind: 'cancelled' }
  | { kind: 'spawn-failed'; message: string };

/** A session that lived in a host that stopped: its id and the request that opened it, so the UI can reopen it. */
export interface LostSession {
  sessionId: string;
  request: OpenSessionRequest;
}

export type HostEvent =
  | { kind: 'host-ready'; pid: number }
  | { kind: 'host-crashed'; reason: HostCrashReason; restarting: boolean; crashesInWindow: number; lostSessions?: LostSession[] }
  /** The crash-loop breaker tripped: no automatic restart until the user asks. */
  | { kind: 'host-stopped'; reason: HostCrashReason; message: string; lostSessions?: LostSession[] };

export type ClientMessage =
  | { type: 'call'; id: number; method: ServiceMethod; params: unknown }
  | { type: 'cancel'; id: number };

export type ServerMessage =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'progress'; id: number; progress: ProgressEvent }
  | { type: 'event'; event: HostEvent };

/** Error codes the transports themselves produce (the engine's own codes pass through unchanged). */
export const TRANSPORT_ERRORS = {
  cancelled: 'CANCELLED',
  hostCrashed: 'HOST_CRASHED',
  hostStopped: 'HOST_STOPPED',
  badMessage: 'BAD_MESSAGE',
  unknownMethod: 'UNKNOWN_METHOD',
  badParams: 'BAD_PARAMS',
  tooLarge: 'MESSAGE_TOO_LARGE',
} as const;
