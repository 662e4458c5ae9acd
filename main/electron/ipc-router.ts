/**
 * Electron IPC router: one handler per allowed channel. Before anything is forwarded: the channel must be in the
 * allow-list, the sender must be the main frame of our window (isTrustedSender), and the payload is validated
 * with the zod schemas (client-session.ts → payload-schemas.ts). Replies are ServerMessages (an Error thrown from
 * ipcMain.handle would lose its code), progress goes to the window on EVENT_CHANNEL.
 *
 * Payloads: method and shell channels take `{ id: number, params }`; CANCEL_CHANNEL takes `{ id }`.
 */
import { z } from 'zod';
import { CANCEL_CHANNEL, CHANNEL_PREFIX, TRANSPORT_ERRORS, type ServerMessage } from '../../app/contract/wire-protocol';
import type { ClientSession } from '../host/client-session';
import { callIdSchema } from '../host/payload-schemas';
import { isAllowedChannel, isTrustedSender, type SenderFrameLike } from './security';

const callPayload = z.strictObject({ id: callIdSchema, params: z.unknown() });
const cancelPayload = z.strictObject({ id: callIdSchema });

export interface IpcEventLike {
  senderFrame: SenderFrameLike | null;
}

export function createIpcHandler(session: ClientSession, options: { origin?: string; onRefused?: (why: string) => void } = {}) {
  return async (channel: string, event: IpcEventLike, payload: unknown): Promise<ServerMessage | { type: 'cancelled'; id: number; cancelled: boolean }> => {
    const refuse = (code: string, message: string): ServerMessage => {
      options.onRefused?.(`${channel}: ${message}`);
      return { type: 'error', id: -1, error: { area: 'transport', code, message } };
    };
    if (!isAllowedChannel(channel)) return refuse(TRANSPORT_ERRORS.unknownMethod, 'channel not allowed');
    if (!isTrustedSender(event.senderFrame, options.origin)) return refuse('UNTRUSTED_SENDER', 'the sender is not the main frame of the workbench window');
    if (channel === CANCEL_CHANNEL) {
      const parsed = cancelPayload.safeParse(payload);
      if (!parsed.success) return refuse(TRANSPORT_ERRORS.badMessage, 'cancel expects { id }');
      return { type: 'cancelled', id: parsed.data.id, cancelled: session.cancel(parsed.data.id) };
    }
    const parsed = callPayload.safeParse(payload);
    if (!parsed.success) return refuse(TRANSPORT_ERRORS.badMessage, 'a call expects { id, params }');
    return session.call(parsed.data.id, channel.slice(CHANNEL_PREFIX.length), parsed.data.params);
  };
}
