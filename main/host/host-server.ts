/**
 * The engine host's side of the wire protocol: receives `call` messages from the supervisor over a process channel,
 * runs them on a WorkbenchService, and answers with `result` / `error` / throttled `progress` messages
 * (app/contract/wire-protocol.ts). Cancel is not handled here: the supervisor cancels by killing this process.
 *
 * Independent of how the process was started: `HostChannel` adapters exist for a Node child process
 * (process.send) and for an Electron utilityProcess (process.parentPort).
 */
import { PROGRESS_INTERVAL_MS, TRANSPORT_ERRORS, type ServerMessage, type WireError } from '../../app/contract/wire-protocol';
import type { ProgressEvent, ServiceMethod, WorkbenchService } from '../../app/contract/service';
import { isWorkbenchError } from '../../app/errors';
import { parseClientEnvelope, parseServiceParams } from './payload-schemas';

export interface HostChannel {
  send(message: ServerMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Node child_process.fork: messages over the IPC channel (JSON serialization). */
export function nodeProcessChannel(proc: NodeJS.Process = process): HostChannel {
  if (typeof proc.send !== 'function') throw new Error('the engine host must be started with an IPC channel (child_process.fork)');
  return {
    send: (message) => void proc.send!(message),
    onMessage: (listener) => void proc.on('message', listener),
  };
}

/** The part of Electron's ParentPort the host uses (kept structural so this file never imports electron). */
export interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** Electron utilityProcess: messages through process.parentPort (structured clone). */
export function parentPortChannel(port: ParentPortLike): HostChannel {
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
  };
}

/** WorkbenchError → its own area/code; anything else is a bug and becomes 'INTERNAL' (stack on stderr only). */
export function toWireError(error: unknown): WireError {
  if (isWorkbenchError(error)) return { area: error.area, code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { area: 'host', code: 'INTERNAL', message: `internal error in the engine host (a bug — please report it): ${message}` };
}

/**
 * Progress throttle: the first event goes out at once, later ones at most every `intervalMs` (the latest wins);
 * `stop()` drops anything pending (the result supersedes it).
 */
export function throttleProgress(emit: (progress: ProgressEvent) => void, intervalMs = PROGRESS_INTERVAL_MS, now: () => number = Date.now) {
  let lastSent = -Infinity;
  let pending: ProgressEvent | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (!pending) return;
    lastSent = now();
    const p = pending;
    pending = null;
    emit(p);
  };
  return {
    push(progress: ProgressEvent) {
      pending = { phase: String(progress.phase), done: Number(progress.done), total: Number(progress.total) };
      const wait = lastSent + intervalMs - now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    stop() {
      pending = null;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** Serves `service` over `channel` until the process ends. Announces itself with a host-ready event. */
export function serveWorkbench(service: WorkbenchService, channel: HostChannel, options: { progressIntervalMs?: number } = {}): void {
  channel.onMessage((raw) => {
    let id = -1;
    let throttle: ReturnType<typeof throttleProgress> | null = null;
    (async () => {
      const message = parseClientEnvelope(raw);
      id = message.id;
      if (message.type === 'cancel') return; // cancel = kill, done by the supervisor
      const params = parseServiceParams(message.method, message.params);
      throttle = throttleProgress((progress) => channel.send({ type: 'progress', id, progress }), options.progressIntervalMs);
      const run = service[message.method as ServiceMethod] as (request: unknown, context: { onProgress: (p: ProgressEvent) => void }) => Promise<unknown>;
      if (typeof run !== 'function') throw new Error(`the engine does not implement '${message.method}'`);
      const value = await run.call(service, params, { onProgress: (p) => throttle?.push(p) });
      throttle.stop();
      channel.send({ type: 'result', id, value: value === undefined ? null : value });
    })().catch((error: unknown) => {
      throttle?.stop();
      if (!isWorkbenchError(error)) process.stderr.write(`pwb engine host: ${(error as Error)?.stack ?? String(error)}\n`);
      const wire = toWireError(error);
      if (id >= 0) channel.send({ type: 'error', id, error: wire });
      else process.stderr.write(`pwb engine host: dropped a message (${wire.code}: ${wire.message})\n`);
    });
  });
  channel.send({ type: 'event', event: { kind: 'host-ready', pid: process.pid } });
}

export { TRANSPORT_ERRORS };
