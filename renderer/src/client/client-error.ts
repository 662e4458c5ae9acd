import type { WireError } from '../../../app/contract/wire-protocol';

/** Codes the client adds to the transport's own (TRANSPORT_ERRORS in wire-protocol.ts). */
export const CLIENT_ERRORS = {
  disconnected: 'HOST_DISCONNECTED',
  unavailable: 'NOT_AVAILABLE',
} as const;

/** A failed call as the UI shows it: the engine's area and stable code, and its message. */
export class ClientCallError extends Error {
  readonly code: string;
  readonly area: string;

  constructor(error: WireError) {
    super(error.message);
    this.name = 'ClientCallError';
    this.code = error.code;
    this.area = error.area;
  }
}

/** Any thrown value as { code, message } for display. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ClientCallError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'UI_ERROR', message: error.message };
  return { code: 'UI_ERROR', message: String(error) };
}
