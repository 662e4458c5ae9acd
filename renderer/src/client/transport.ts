/**
 * A transport carries ClientMessage out and ServerMessage in, exactly as app/contract/wire-protocol.ts defines
 * them. Hosts (browser WebSocket, Electron bridge, demo data) implement it; WorkbenchClient sits on top.
 */
import type { ClientMessage, ServerMessage } from '../../../app/contract/wire-protocol';

/** Something the transport itself noticed (not sent by the engine): the connection to the host is gone. */
export interface TransportClosed {
  type: 'transport-closed';
  message: string;
}

export type TransportListener = (message: ServerMessage | TransportClosed) => void;

export interface Transport {
  send(message: ClientMessage): void;
  /** Returns an unsubscribe function. */
  subscribe(listener: TransportListener): () => void;
  close(): void;
}

/** Fan-out helper for transports: one list of listeners, errors in one listener do not stop the others. */
export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        console.error('pwb: listener failed', error);
      }
    }
  }
}
