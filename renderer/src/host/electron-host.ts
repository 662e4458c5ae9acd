/** Electron: calls go through the preload bridge (bridge.ts), one IPC channel per method. */
import { CANCEL_CHANNEL, CHANNEL_PREFIX, EVENT_CHANNEL, type ClientMessage, type ServerMessage, type ShellMethod } from '../../../app/contract/wire-protocol';
import { ListenerSet, type Transport, type TransportClosed } from '../client/transport';
import { SHELL_EVENT_CHANNEL, type ShellEvent, type ShellResult } from '../../../app/contract/shell';
import type { BridgeReply, PwbBridge } from './bridge';
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
    // Shapes of app/contract/shell.ts ShellResults, unwrapped for the components.
    openModelDialog: async () => (await shellCall<ShellResult<'openModelDialog'>>(bridge, 'openModelDialog', {})).path,
    openFolderDialog: async (options = {}) => (await shellCall<ShellResult<'openFolderDialog'>>(bridge, 'openFolderDialog', options)).path,
    saveFolderDialog: async (options = {}) => (await shellCall<ShellResult<'saveFolderDialog'>>(bridge, 'saveFolderDialog', options)).path,
    recentFiles: async () => (await shellCall<ShellResult<'recentFiles'>>(bridge, 'recentFiles', {})).files.map((f) => f.path),
    openPath: async (path) => {
      await shellCall<ShellResult<'openPath'>>(bridge, 'openPath', { path });
    },
  };
  return {
    kind: 'electron',
    label: 'desktop',
    transport: new BridgeTransport(bridge),
    shell,
    async startup(): Promise<StartupInfo> {
      try {
        return (await shellCall<StartupInfo>(bridge, 'startup', {})) ?? NO_STARTUP;
      } catch {
        return NO_STARTUP;
      }
    },
    onOpenPath(listener) {
      // Menu "Open model…", recent files, drag and drop and a second `pwb-desktop MODEL` arrive as shell events.
      return bridge.on(SHELL_EVENT_CHANNEL, (event) => {
        const e = event as ShellEvent;
        if (e && e.kind === 'open-path' && e.fileKind === 'model') listener(e.path);
      });
    },
  };
}
