/**
 * One client of the engine (a browser-mode WebSocket connection, or the Electron window): turns validated
 * call/cancel messages into supervisor calls and shell-method calls, and answers with ServerMessages. Shared by
 * main/server and main/electron so both transports behave the same.
 *
 * - Ids are the client's own; each is mapped to the supervisor's call id for cancel. A duplicate id in flight
 *   is a BAD_MESSAGE.
 * - Successful inspectModel/openSession calls add the model to the recent files.
 * - Errors become WireErrors: the engine's own area/code, TRANSPORT_ERRORS for transport failures (with the
 *   crash reason on HOST_CRASHED/HOST_STOPPED/CANCELLED), 'INTERNAL' for anything unexpected.
 */
import type { ProgressEvent, ServiceMethod } from '../../app/contract/service';
import type { ShellResult } from '../../app/contract/shell';
import { TRANSPORT_ERRORS, type ServerMessage, type ShellMethod, type WireError } from '../../app/contract/wire-protocol';
import { WorkbenchError } from '../../app/errors';
import { toWireError } from './host-server';
import { isShellMethod, parseServiceParams, parseShellParams } from './payload-schemas';
import type { RecentFiles } from './recent-files';
import { HostCallError, type EngineHostSupervisor } from './supervisor';

export type ShellHandlers = { [M in ShellMethod]: (request: never) => Promise<ShellResult<M>> };

export function wireErrorOf(error: unknown): WireError {
  if (error instanceof HostCallError) return error.toWire();
  return toWireError(error);
}

export class ClientSession {
  private readonly calls = new Map<number, number | null>();

  constructor(
    private readonly supervisor: EngineHostSupervisor,
    private readonly shell: ShellHandlers,
    private readonly sendProgress: (message: ServerMessage) => void,
    private readonly recentFiles?: RecentFiles,
  ) {}

  /** Runs one call to completion; never rejects (failures come back as an 'error' message). */
  async call(id: number, method: string, params: unknown): Promise<ServerMessage> {
    if (this.calls.has(id)) return { type: 'error', id, error: { area: 'transport', code: TRANSPORT_ERRORS.badMessage, message: `call id ${id} is already in flight` } };
    this.calls.set(id, null);
    try {
      if (isShellMethod(method)) {
        const request = parseShellParams(method, params);
        const value = await (this.shell[method] as (r: unknown) => Promise<unknown>)(request);
        return { type: 'result', id, value };
      }
      const validated = parseServiceParams(method, params);
      const pending = this.supervisor.call(method as ServiceMethod, validated, (progress: ProgressEvent) => this.sendProgress({ type: 'progress', id, progress }));
      this.calls.set(id, pending.callId);
      const value = await pending;
      if ((method === 'inspectModel' || method === 'openSession') && this.recentFiles) {
        await this.recentFiles.add((validated as { modelPath: string }).modelPath, 'model').catch(() => undefined);
      }
      return { type: 'result', id, value: value === undefined ? null : value };
    } catch (error) {
      return { type: 'error', id, error: wireErrorOf(error) };
    } finally {
      this.calls.delete(id);
    }
  }

  /** Cancels a call of this client (no-op for unknown ids or shell calls). */
  cancel(id: number): boolean {
    const callId = this.calls.get(id);
    return typeof callId === 'number' ? this.supervisor.cancel(callId) : false;
  }

  /** Ids of this client's calls in flight. */
  get inFlight(): number[] {
    return [...this.calls.keys()];
  }
}

export function unsupportedShell(method: ShellMethod): never {
  throw new WorkbenchError('transport', 'SHELL_UNSUPPORTED', `${method} is not available in browser mode; type the path instead`);
}
