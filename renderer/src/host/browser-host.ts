/**
 * Browser mode (`pwb serve`): the page is served from 127.0.0.1 with `?token=…` in its URL; calls travel as
 * ClientMessage/ServerMessage JSON over ws://<host>/ws?token=…, and GET /api/startup?token=… says what to open.
 * No desktop shell: the UI shows path text fields.
 */
import type { ClientMessage, ServerMessage } from '../../../app/contract/wire-protocol';
import { ListenerSet, type Transport, type TransportClosed } from '../client/transport';
import { NO_STARTUP, type Host, type StartupInfo } from './host';

export function tokenFromSearch(search: string): string {
  return new URLSearchParams(search).get('token') ?? '';
}

export function webSocketUrl(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}

class WebSocketTransport implements Transport {
  private readonly listeners = new ListenerSet<ServerMessage | TransportClosed>();
  private readonly queue: string[] = [];
  private readonly socket: WebSocket;
  private closedByUs = false;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.addEventListener('open', () => {
      for (const text of this.queue.splice(0)) this.socket.send(text);
    });
    this.socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      try {
        this.listeners.emit(JSON.parse(event.data) as ServerMessage);
      } catch {
        console.error('pwb: unreadable message from the server');
      }
    });
    this.socket.addEventListener('close', (event) => {
      if (this.closedByUs) return;
      const why = event.code === 1008 ? 'the server refused the token' : `code ${event.code}${event.reason ? `, ${event.reason}` : ''}`;
      this.listeners.emit({ type: 'transport-closed', message: `The connection to the workbench server closed (${why}). Restart \`pwb serve\` and reload.` });
    });
  }

  send(message: ClientMessage): void {
    const text = JSON.stringify(message);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
    else if (this.socket.readyState === WebSocket.CONNECTING) this.queue.push(text);
    else throw new Error('the connection to the workbench server is closed');
  }

  subscribe(listener: (message: ServerMessage | TransportClosed) => void): () => void {
    return this.listeners.add(listener);
  }

  close(): void {
    this.closedByUs = true;
    this.socket.close();
  }
}

export function createBrowserHost(location: Location): Host {
  const token = tokenFromSearch(location.search);
  return {
    kind: 'browser',
    label: `browser · ${location.host}`,
    transport: new WebSocketTransport(webSocketUrl(location, token)),
    shell: null,
    async startup(): Promise<StartupInfo> {
      try {
        const response = await fetch(`/api/startup?token=${encodeURIComponent(token)}`, { cache: 'no-store' });
        if (!response.ok) return NO_STARTUP;
        const body = (await response.json()) as Partial<StartupInfo>;
        return { modelPath: typeof body.modelPath === 'string' ? body.modelPath : null, autoOpen: body.autoOpen ?? null };
      } catch {
        return NO_STARTUP;
      }
    },
  };
}
