/**
 * The typed proxy the UI calls: one method per WorkbenchService method, each returning a PendingCall (a promise
 * that also carries its call id, for cancel). Progress arrives through the per-call `onProgress`; host events
 * (crash, restart) through `onHostEvent`. Over any Transport.
 */
import type { ProgressEvent, ServiceMethod, ServiceRequest, ServiceResult } from '../../../app/contract/service';
import { TRANSPORT_ERRORS, type HostEvent, type ServerMessage } from '../../../app/contract/wire-protocol';
import { ClientCallError, CLIENT_ERRORS } from './client-error';
import { ListenerSet, type Transport, type TransportClosed } from './transport';

export interface CallOptions {
  onProgress?: (progress: ProgressEvent) => void;
}

export type PendingCall<T> = Promise<T> & { readonly callId: number };

export type ClientEvent = { kind: 'host'; event: HostEvent } | { kind: 'disconnected'; message: string };

interface Pending {
  method: ServiceMethod;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  onProgress?: (progress: ProgressEvent) => void;
}

/** Fails the type check when a service method has no typed method on the client (every SERVICE_METHODS entry must). */
type EveryServiceMethod<Missing extends never> = Missing;
export type ClientCoversService = EveryServiceMethod<Exclude<ServiceMethod, keyof WorkbenchClient>>;

export class WorkbenchClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new ListenerSet<ClientEvent>();
  private readonly unsubscribe: () => void;

  constructor(private readonly transport: Transport) {
    this.unsubscribe = transport.subscribe((message) => this.receive(message));
  }

  /** The generic call every typed method goes through. */
  call<M extends ServiceMethod>(method: M, params: ServiceRequest<M>, options: CallOptions = {}): PendingCall<ServiceResult<M>> {
    const id = this.nextId++;
    const promise = new Promise<ServiceResult<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, onProgress: options.onProgress });
    });
    try {
      this.transport.send({ type: 'call', id, method, params });
    } catch (error) {
      this.settle(id, { area: 'transport', code: CLIENT_ERRORS.disconnected, message: `Could not send ${method}: ${String(error)}` });
    }
    return Object.assign(promise, { callId: id });
  }

  /** Asks the host to stop a call; its promise then rejects with code CANCELLED (from the host). */
  cancel(callId: number): void {
    if (!this.pending.has(callId)) return;
    this.transport.send({ type: 'cancel', id: callId });
  }

  /** Host events (engine crashed / restarted / stopped) and loss of the connection. Returns unsubscribe. */
  onEvent(listener: (event: ClientEvent) => void): () => void {
    return this.events.add(listener);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  close(): void {
    this.unsubscribe();
    this.transport.close();
    this.failAll(CLIENT_ERRORS.disconnected, 'The client was closed.');
  }

  inspectModel(params: ServiceRequest<'inspectModel'>, options?: CallOptions) { return this.call('inspectModel', params, options); }
  openSession(params: ServiceRequest<'openSession'>, options?: CallOptions) { return this.call('openSession', params, options); }
  build(params: ServiceRequest<'build'>, options?: CallOptions) { return this.call('build', params, options); }
  applyPlanChange(params: ServiceRequest<'applyPlanChange'>, options?: CallOptions) { return this.call('applyPlanChange', params, options); }
  getBuild(params: ServiceRequest<'getBuild'>, options?: CallOptions) { return this.call('getBuild', params, options); }
  report(params: ServiceRequest<'report'>, options?: CallOptions) { return this.call('report', params, options); }
  layerDetail(params: ServiceRequest<'layerDetail'>, options?: CallOptions) { return this.call('layerDetail', params, options); }
  heatmap(params: ServiceRequest<'heatmap'>, options?: CallOptions) { return this.call('heatmap', params, options); }
  graph(params: ServiceRequest<'graph'>, options?: CallOptions) { return this.call('graph', params, options); }
  history(params: ServiceRequest<'history'>, options?: CallOptions) { return this.call('history', params, options); }
  diff(params: ServiceRequest<'diff'>, options?: CallOptions) { return this.call('diff', params, options); }
  sensitivity(params: ServiceRequest<'sensitivity'>, options?: CallOptions) { return this.call('sensitivity', params, options); }
  previewSample(params: ServiceRequest<'previewSample'>, options?: CallOptions) { return this.call('previewSample', params, options); }
  exportBuild(params: ServiceRequest<'exportBuild'>, options?: CallOptions) { return this.call('exportBuild', params, options); }
  trtImport(params: ServiceRequest<'trtImport'>, options?: CallOptions) { return this.call('trtImport', params, options); }
  tensorRtStatus(params: ServiceRequest<'tensorRtStatus'>, options?: CallOptions) { return this.call('tensorRtStatus', params, options); }
  trtBuildArtifacts(params: ServiceRequest<'trtBuildArtifacts'>, options?: CallOptions) { return this.call('trtBuildArtifacts', params, options); }
  saveProject(params: ServiceRequest<'saveProject'>, options?: CallOptions) { return this.call('saveProject', params, options); }
  openProject(params: ServiceRequest<'openProject'>, options?: CallOptions) { return this.call('openProject', params, options); }
  autosaveProject(params: ServiceRequest<'autosaveProject'>, options?: CallOptions) { return this.call('autosaveProject', params, options); }
  recoverProject(params: ServiceRequest<'recoverProject'>, options?: CallOptions) { return this.call('recoverProject', params, options); }
  closeSession(params: ServiceRequest<'closeSession'>, options?: CallOptions) { return this.call('closeSession', params, options); }

  private receive(message: ServerMessage | TransportClosed): void {
    switch (message.type) {
      case 'result': {
        const entry = this.pending.get(message.id);
        if (!entry) return;
        this.pending.delete(message.id);
        entry.resolve(message.value);
        return;
      }
      case 'error':
        this.settle(message.id, message.error);
        return;
      case 'progress':
        this.pending.get(message.id)?.onProgress?.(message.progress);
        return;
      case 'event':
        this.events.emit({ kind: 'host', event: message.event });
        if (message.event.kind === 'host-crashed' || message.event.kind === 'host-stopped') {
          // The host answers calls that died with it; this catches any it could not answer.
          const code = message.event.kind === 'host-crashed' ? TRANSPORT_ERRORS.hostCrashed : TRANSPORT_ERRORS.hostStopped;
          this.failAll(code, 'The engine stopped while this call was running.');
        }
        return;
      case 'transport-closed':
        this.failAll(CLIENT_ERRORS.disconnected, message.message);
        this.events.emit({ kind: 'disconnected', message: message.message });
        return;
    }
  }

  private settle(id: number, error: { area: string; code: string; message: string }): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    entry.reject(new ClientCallError(error));
  }

  private failAll(code: string, message: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { area: 'transport', code, message });
  }
}
