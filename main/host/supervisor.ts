/**
 * EngineHostSupervisor: runs the engine host in its own OS process and makes it look like one reliable service.
 *
 * - `call(method, params, onProgress)` validates params (payload-schemas.ts), sends the call, resolves with the
 *   result or rejects with a WorkbenchError whose code is the engine's own or one of TRANSPORT_ERRORS.
 * - `cancel(callId)` of a long call kills the host (SIGKILL: ONNX Runtime's run() cannot be interrupted), rejects the
 *   call with CANCELLED and starts a fresh host. Cancelling a short call only drops its result.
 * - A crash (signal, unexpected exit, out of memory, failed spawn) rejects every call in flight with HOST_CRASHED
 *   (the error's `reason` says why), emits 'host-crashed' and restarts the host — unless it is the
 *   `maxCrashes`-th crash within `crashWindowMs` (3 in 5 minutes): then 'host-stopped', no more restarts and every
 *   call rejects with HOST_STOPPED until `restart()`.
 * - Sessions live in the host, so a restart loses them. The supervisor remembers the request of every open session;
 *   the crash event carries them as `lostSessions` (also `lostSessions()`), so the UI can offer to reopen
 *   (`reopenSession`). The project and plan live in the UI and on disk: nothing the user saved is lost.
 *
 * The process itself comes from an injectable HostSpawner: node-spawner.ts (child_process.fork) for the CLI,
 * browser mode and tests; Electron main passes one over utilityProcess.fork.
 */
import { LONG_METHODS, type OpenSessionRequest, type ProgressEvent, type ServiceMethod, type ServiceResult, type SessionSummary } from '../../app/contract/service';
import { TRANSPORT_ERRORS, type ClientMessage, type HostCrashReason, type HostEvent, type WireError } from '../../app/contract/wire-protocol';
import { WorkbenchError, type ErrorArea } from '../../app/errors';
import { parseServiceParams } from './payload-schemas';

/** How a host process ended, as the spawner saw it. */
export interface HostExit {
  code: number | null;
  signal: string | null;
  /** Set by spawners that know better than the exit code (Electron's child-process-gone reason 'oom'). */
  outOfMemory?: boolean;
  /** The process never started (executable missing, launch failed). */
  spawnError?: string;
}

/** One running host process. `kill()` must end it hard (SIGKILL) and then report through onExit. */
export interface HostProcess {
  readonly pid: number | undefined;
  send(message: ClientMessage): void;
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: HostExit) => void): void;
  /** Text the host wrote to stderr (scanned for "heap out of memory"; forwarded by the spawner). */
  onStderr?(listener: (text: string) => void): void;
}

export type HostSpawner = () => HostProcess;

export interface LostSession {
  sessionId: string;
  request: OpenSessionRequest;
}

/** HostEvent plus, on crashes, the sessions the dead host held (an additive field the renderer may read). */
export type SupervisorEvent =
  | Extract<HostEvent, { kind: 'host-ready' }>
  | (Extract<HostEvent, { kind: 'host-crashed' }> & { lostSessions: LostSession[] })
  | (Extract<HostEvent, { kind: 'host-stopped' }> & { lostSessions: LostSession[] });

export interface SupervisorOptions {
  spawner: HostSpawner;
  /** Crashes within `crashWindowMs` that trip the breaker (default 3 in 5 minutes). */
  maxCrashes?: number;
  crashWindowMs?: number;
  now?: () => number;
}

/** The error a transport call rejects with: a WorkbenchError with the wire area/code, plus the crash reason. */
export class HostCallError extends WorkbenchError {
  readonly reason?: HostCrashReason;
  constructor(error: WireError, reason?: HostCrashReason) {
    super(error.area as ErrorArea, error.code, error.message);
    this.reason = reason;
  }
  toWire(): WireError & { reason?: HostCrashReason } {
    return this.reason ? { area: this.area, code: this.code, message: this.message, reason: this.reason } : { area: this.area, code: this.code, message: this.message };
  }
}

export type PendingCall<T> = Promise<T> & { readonly callId: number };

interface InFlight {
  method: ServiceMethod;
  params: unknown;
  onProgress?: (progress: ProgressEvent) => void;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const OOM_PATTERN = /heap out of memory|Allocation failed - process out of memory|Reached heap limit/i;
/** Chromium's OOM exception code on Windows (base::win::kOomExceptionCode), as an unsigned exit code. */
const WINDOWS_OOM_EXIT_CODE = 0xe0000008;
const STDERR_TAIL_CHARS = 16 * 1024;

/** Why a host ended, from its exit and the tail of its stderr. */
export function classifyExit(exit: HostExit, stderrTail = ''): HostCrashReason {
  if (exit.spawnError !== undefined) return { kind: 'spawn-failed', message: exit.spawnError };
  if (exit.outOfMemory || OOM_PATTERN.test(stderrTail) || exit.code === WINDOWS_OOM_EXIT_CODE || exit.code === WINDOWS_OOM_EXIT_CODE - 2 ** 32) return { kind: 'out-of-memory' };
  if (exit.signal) return { kind: 'killed', signal: exit.signal };
  return { kind: 'exited', exitCode: exit.code ?? -1 };
}

export function describeCrash(reason: HostCrashReason): string {
  switch (reason.kind) {
    case 'killed':
      return `the engine host was killed (${reason.signal})`;
    case 'exited':
      return `the engine host exited unexpectedly (exit code ${reason.exitCode})`;
    case 'out-of-memory':
      return 'the engine host ran out of memory (try fewer samples, smaller input shapes, or close other sessions)';
    case 'cancelled':
      return 'the engine host was restarted to cancel a running job';
    case 'spawn-failed':
      return `the engine host could not be started: ${reason.message}`;
  }
}

type HostState = 'starting' | 'ready' | 'stopped' | 'disposed';

export class EngineHostSupervisor {
  private readonly spawner: HostSpawner;
  private readonly maxCrashes: number;
  private readonly crashWindowMs: number;
  private readonly now: () => number;
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private readonly inFlight = new Map<number, InFlight>();
  private readonly sessions = new Map<string, OpenSessionRequest>();
  private lost: LostSession[] = [];
  private crashTimes: number[] = [];
  private host: HostProcess | null = null;
  private state: HostState = 'stopped';
  private stoppedReason: HostCrashReason | null = null;
  /** Messages sent before the host said it was ready. */
  private outbox: ClientMessage[] = [];
  /** Why we are killing the current host ourselves (so its exit is not counted as a crash). */
  private expectedExit: HostCrashReason | null = null;
  private nextCallId = 1;
  private readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private generation = 0;

  constructor(options: SupervisorOptions) {
    this.spawner = options.spawner;
    this.maxCrashes = options.maxCrashes ?? 3;
    this.crashWindowMs = options.crashWindowMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts the host if it is not running (calls start it on demand). Resolves when it reported ready. */
  start(): Promise<void> {
    if (this.state === 'disposed') return Promise.reject(this.stoppedError());
    if (this.state === 'stopped' && this.stoppedReason) return Promise.reject(this.stoppedError());
    if (this.state === 'ready') return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
    if (!this.host) this.spawn();
    return ready;
  }

  get pid(): number | undefined {
    return this.state === 'ready' ? this.host?.pid : undefined;
  }

  /** True after the crash-loop breaker tripped (or dispose), until restart(). */
  get stopped(): boolean {
    return this.state === 'disposed' || (this.state === 'stopped' && this.stoppedReason !== null);
  }

  on(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Sessions lost by the latest host restart and not reopened since. */
  lostSessions(): LostSession[] {
    return [...this.lost];
  }

  /** Open sessions and the requests that opened them (what a restart would lose). */
  openSessions(): LostSession[] {
    return [...this.sessions].map(([sessionId, request]) => ({ sessionId, request }));
  }

  call<M extends ServiceMethod>(method: M, params: unknown, onProgress?: (progress: ProgressEvent) => void): PendingCall<ServiceResult<M>> {
    const callId = this.nextCallId++;
    const promise = new Promise<ServiceResult<M>>((resolve, reject) => {
      const validated = parseServiceParams(method, params);
      if (this.stopped) throw this.stoppedError();
      this.inFlight.set(callId, { method, params: validated, onProgress, resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'call', id: callId, method, params: validated });
    });
    return Object.assign(promise, { callId });
  }

  /**
   * Cancels a call. A long call (LONG_METHODS) is stopped by killing the host, which also ends the other calls in
   * flight (HOST_CRASHED, reason 'cancelled') and loses the open sessions; a fresh host starts at once and a
   * 'host-crashed' event with reason 'cancelled' is emitted. Returns false when the call was not in flight.
   */
  cancel(callId: number): boolean {
    const call = this.inFlight.get(callId);
    if (!call) return false;
    this.inFlight.delete(callId);
    call.reject(new HostCallError({ area: 'transport', code: TRANSPORT_ERRORS.cancelled, message: `${call.method} was cancelled` }, { kind: 'cancelled' }));
    if ((LONG_METHODS as readonly string[]).includes(call.method) && this.host) {
      this.expectedExit = { kind: 'cancelled' };
      this.host.kill();
    }
    return true;
  }

  /** Restarts the host after the breaker tripped (or at the user's request); the crash history is cleared. */
  async restart(): Promise<void> {
    if (this.state === 'disposed') throw this.stoppedError();
    this.crashTimes = [];
    this.stoppedReason = null;
    if (this.host) {
      const old = this.host;
      this.expectedExit = { kind: 'cancelled' };
      old.kill();
      await new Promise<void>((resolve) => {
        const off = this.on((e) => {
          if (e.kind === 'host-ready') {
            off();
            resolve();
          }
        });
      });
      return;
    }
    this.state = 'stopped';
    await this.start();
  }

  /** Opens a lost session again with the request that opened it; the new summary has a new sessionId. */
  reopenSession(lostSessionId: string, onProgress?: (progress: ProgressEvent) => void): Promise<SessionSummary> {
    const lost = this.lost.find((s) => s.sessionId === lostSessionId);
    if (!lost) return Promise.reject(new WorkbenchError('host', 'SESSION_NOT_LOST', `session '${lostSessionId}' was not lost by a host restart`));
    return this.call('openSession', lost.request, onProgress).then((summary) => {
      this.lost = this.lost.filter((s) => s.sessionId !== lostSessionId);
      return summary;
    });
  }

  /** Kills the host for good; calls in flight and later calls reject with HOST_STOPPED. */
  dispose(): void {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    const host = this.host;
    this.host = null;
    this.rejectAll(() => this.stoppedError());
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(this.stoppedError());
    host?.kill();
  }

  private stoppedError(): HostCallError {
    const reason = this.stoppedReason ?? undefined;
    const message = this.state === 'disposed' ? 'the engine host has been shut down' : `the engine host stopped after ${this.maxCrashes} crashes within ${Math.round(this.crashWindowMs / 1000)} s (${reason ? describeCrash(reason) : 'crash loop'}); restart it to continue`;
    return new HostCallError({ area: 'host', code: TRANSPORT_ERRORS.hostStopped, message }, reason);
  }

  private post(message: ClientMessage): void {
    if (this.state === 'ready' && this.host) {
      this.sendOrCrash(this.host, message);
      return;
    }
    this.outbox.push(message);
    if (!this.host && this.state !== 'disposed') this.spawn();
  }

  private sendOrCrash(host: HostProcess, message: ClientMessage): void {
    try {
      host.send(message);
    } catch (error) {
      // A channel that closed under us: the exit handler follows and rejects the call.
      process.stderr.write(`pwb supervisor: could not send to the engine host: ${(error as Error).message}\n`);
    }
  }

  private spawn(): void {
    const generation = ++this.generation;
    this.state = 'starting';
    let stderrTail = '';
    let host: HostProcess;
    try {
      host = this.spawner();
    } catch (error) {
      this.host = null;
      queueMicrotask(() => this.handleExit(generation, { code: null, signal: null, spawnError: (error as Error).message }, ''));
      this.host = { pid: undefined, send() {}, kill() {}, onMessage() {}, onExit() {} };
      return;
    }
    this.host = host;
    host.onStderr?.((text) => {
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    host.onMessage((message) => {
      if (generation === this.generation) this.handleMessage(host, message);
    });
    host.onExit((exit) => this.handleExit(generation, exit, stderrTail));
  }

  private handleMessage(host: HostProcess, raw: unknown): void {
    if (!raw || typeof raw !== 'object') return;
    const message = raw as { type?: unknown; id?: unknown; value?: unknown; error?: unknown; progress?: unknown; event?: unknown };
    if (message.type === 'event') {
      const event = message.event as HostEvent | undefined;
      if (event?.kind === 'host-ready' && this.state === 'starting') {
        this.state = 'ready';
        for (const queued of this.outbox.splice(0)) this.sendOrCrash(host, queued);
        for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        this.emit({ kind: 'host-ready', pid: host.pid ?? event.pid });
      }
      return;
    }
    if (typeof message.id !== 'number') return;
    const call = this.inFlight.get(message.id);
    if (!call) return; // a cancelled short call, or a stale id
    if (message.type === 'progress') {
      const p = message.progress as ProgressEvent | undefined;
      if (p && typeof p.phase === 'string') call.onProgress?.({ phase: p.phase, done: Number(p.done), total: Number(p.total) });
      return;
    }
    this.inFlight.delete(message.id);
    if (message.type === 'result') {
      this.remember(call, message.value);
      call.resolve(message.value);
    } else if (message.type === 'error') {
      const e = (message.error ?? {}) as Partial<WireError>;
      call.reject(new HostCallError({ area: String(e.area ?? 'host'), code: String(e.code ?? 'INTERNAL'), message: String(e.message ?? 'engine host error') }));
    } else {
      call.reject(new HostCallError({ area: 'transport', code: TRANSPORT_ERRORS.badMessage, message: 'the engine host sent a malformed reply' }));
    }
  }

  /** Keeps the requests of open sessions so a restart can offer to reopen them. */
  private remember(call: InFlight, value: unknown): void {
    if (call.method === 'openSession') {
      const summary = value as Partial<SessionSummary> | null;
      if (summary && typeof summary.sessionId === 'string') this.sessions.set(summary.sessionId, call.params as OpenSessionRequest);
    } else if (call.method === 'closeSession') {
      this.sessions.delete((call.params as { sessionId: string }).sessionId);
    }
  }

  private handleExit(generation: number, exit: HostExit, stderrTail: string): void {
    if (generation !== this.generation) return;
    this.host = null;
    if (this.state === 'disposed') return;
    const expected = this.expectedExit;
    this.expectedExit = null;
    const reason = expected ?? classifyExit(exit, stderrTail);
    const lostSessions = this.openSessions();
    this.sessions.clear();
    if (lostSessions.length) this.lost = lostSessions;
    const crashError = () => new HostCallError({ area: 'host', code: TRANSPORT_ERRORS.hostCrashed, message: describeCrash(reason) }, reason);
    this.rejectAll(crashError);

    if (!expected) {
      const now = this.now();
      this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.crashWindowMs), now];
    }
    const crashesInWindow = this.crashTimes.length;
    if (!expected && crashesInWindow >= this.maxCrashes) {
      this.state = 'stopped';
      this.stoppedReason = reason;
      this.outbox = [];
      for (const waiter of this.readyWaiters.splice(0)) waiter.reject(this.stoppedError());
      this.emit({ kind: 'host-stopped', reason, message: this.stoppedError().message, lostSessions });
      return;
    }
    this.emit({ kind: 'host-crashed', reason, restarting: true, crashesInWindow, lostSessions });
    this.spawn();
  }

  private rejectAll(error: () => Error): void {
    const calls = [...this.inFlight.values()];
    this.inFlight.clear();
    this.outbox = [];
    for (const call of calls) call.reject(error());
  }

  private emit(event: SupervisorEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        process.stderr.write(`pwb supervisor: event listener failed: ${(error as Error).message}\n`);
      }
    }
  }
}
