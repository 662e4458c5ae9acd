/** Electron: calls go through the preload bridge (bridge.ts), one IPC channel per method. */
import { CANCEL_CHANNEL, CHANNEL_PREFIX, EVENT_CHANNEL, type ClientMessage, type ServerMessage, type ShellMethod } from '../../../app/contract/wire-protocol';
import { ListenerSet, type Transport, type TransportClosed } from '../client/transport';
import { STARTUP_CHANNEL, type BridgeReply, type PwbBridge } from './bridge';
import { NO_STARTUP, type Host, type ShellApi, type StartupInfo } from './host';

function isServerMessage(value: unknown): value is ServerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

class BridgeTransport implements Transport {
  private readonly listeners = new ListenerSet<ServerMessage | TransportClosed>();
  private readonly offEvents: () => void;

  constructor(private readonly bridge: PwbBridge) {
    this.offEvents = bridge.on(EVENT_CHANNEL, (message) => {
      if (isServerMessage(message)) this.listeners.emit(message);
    });
  }

  send(message: ClientMessage): void {
    if (message.type === 'cancel') {
      void this.bridge.invoke(CANCEL_CHANNEL, { id: message.id }).catch(() => undefined);
      return;
    }
    const { id } = message;
    this.bridge.invoke(`${CHANNEL_PREFIX}${message.method}`, { id, params: message.params }).then(
      (reply: BridgeReply) => this.listeners.emit(reply),
      (error: unknown) => this.listeners.emit({ type: 'error', id, error: { area: 'transport', code: 'HOST_DISCONNECTED', message: String(error) } }),
    );
  }

  subscribe(listener: (message: ServerMessage | TransportClosed) => void): () => void {
    return this.listeners.add(listener);
  }

  close(): void {
    this.offEvents();
  }
}

let shellCallId = 1_000_000_000;

function shellCall<T>(bridge: PwbBridge, method: ShellMethod, params: unknown): Promise<T> {
  const id = shellCallId++;
  return bridge.invoke(`${CHANNEL_PREFIX}${method}`, { id, params }).then((reply) => {
    if (reply.type === 'error') throw new Error(`${reply.error.code}: ${reply.error.message}`);
    return reply.value as T;
  });
}

export function createElectronHost(bridge: PwbBridge): Host {
  const shell: ShellApi = {
    openModelDialog: () => shellCall(bridge, 'openModelDialog', {}),
    openFolderDialog: (options = {}) => shellCall(bridge, 'openFolderDialog', options),
    saveFolderDialog: (options = {}) => shellCall(bridge, 'saveFolderDialog', options),
    recentFiles: () => shellCall(bridge, 'recentFiles', {}),
    openPath: (path) => shellCall(bridge, 'openPath', { path }),
  };
  return {
    kind: 'electron',
    label: 'desktop',
    transport: new BridgeTransport(bridge),
    shell,
    async startup(): Promise<StartupInfo> {
      try {
        const reply = await bridge.invoke(STARTUP_CHANNEL, {});
        return reply.type === 'result' && reply.value ? (reply.value as StartupInfo) : NO_STARTUP;
      } catch {
        return NO_STARTUP;
      }
    },
  };
}
