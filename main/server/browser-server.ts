/**
 * Browser mode: an HTTP server on 127.0.0.1 ONLY that serves the built renderer (renderer/dist) and carries the
 * wire protocol over a WebSocket at /ws. The engine runs in a child process behind an EngineHostSupervisor.
 *
 * Who may talk to it (every check on every request):
 * - Host header must be 127.0.0.1:PORT or localhost:PORT (DNS rebinding) → else 403.
 * - WebSocket and /api: Origin must be this server's own origin (http://127.0.0.1:PORT or http://localhost:PORT)
 *   → else 403; and `token` (32 random bytes, hex, printed in the start URL) must match → else 401.
 * - Static files: confined to the renderer folder (static-files.ts); strict CSP + nosniff on every response.
 * - Messages: text frames of at most MAX_MESSAGE_BYTES (larger → connection closed with 1009).
 *
 * Protocol: the page opens `ws://HOST:PORT/ws?token=TOKEN`, sends ClientMessage JSON ({type:'call', id, method,
 * params} | {type:'cancel', id}) and receives ServerMessage JSON (result / error / progress for its own calls,
 * event for host events, broadcast). Shell methods: recentFiles and openPath work; dialogs answer
 * SHELL_UNSUPPORTED (the page shows a path field). GET /api/startup?token=… → { modelPath, autoOpen }.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { OpenSessionRequest } from '../../app/contract/service';
import { MAX_MESSAGE_BYTES, TRANSPORT_ERRORS, type ServerMessage } from '../../app/contract/wire-protocol';
import { WorkbenchError } from '../../app/errors';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../electron/content-security-policy';
import { ClientSession, unsupportedShell, wireErrorOf, type ShellHandlers } from '../host/client-session';
import { parseClientEnvelope } from '../host/payload-schemas';
import { checkOpenablePath, RecentFiles } from '../host/recent-files';
import type { StartupInfo } from '../../app/contract/shell';
import type { EngineHostSupervisor } from '../host/supervisor';
import { resolveStaticPath } from './static-files';

export const WEBSOCKET_PATH = '/ws';
export const STARTUP_PATH = '/api/startup';
const LOOPBACK = '127.0.0.1';

export type { StartupInfo };

export interface BrowserServerOptions {
  supervisor: EngineHostSupervisor;
  /** The renderer build (renderer/dist). It may be missing: pages then say how to build it. */
  rendererDir: string;
  /** 0 (default) = an ephemeral port. */
  port?: number;
  token?: string;
  startup?: StartupInfo;
  recentFiles?: RecentFiles;
}

export interface BrowserServer {
  readonly port: number;
  readonly token: string;
  readonly origin: string;
  /** The URL to open: http://127.0.0.1:PORT/?token=… */
  readonly url: string;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Splits a raw request target without normalizing it (URL() would resolve '..' and '%2e%2e' away). */
export function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  return { pathname: q < 0 ? target : target.slice(0, q), query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}

const MISSING_BUILD_PAGE = `<!doctype html><meta charset="utf-8"><title>Precision Workbench — renderer not built</title>
<body><h1>The renderer is not built yet</h1>
<p>Run <code>npm run build:renderer</code> in the project folder, then reload this page.</p></body>`;

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? newToken();
  const recentFiles = options.recentFiles ?? new RecentFiles();
  const startup: StartupInfo = options.startup ?? { modelPath: null, autoOpen: null };
  const clients = new Set<WebSocket>();
  let port = 0;
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${LOOPBACK}:${port}`, `http://localhost:${port}`]);
  const csp = () => contentSecurityPolicy({ webSocketOrigins: [`ws://${LOOPBACK}:${port}`, `ws://localhost:${port}`] });

  const shell: ShellHandlers = {
    openModelDialog: async () => unsupportedShell('openModelDialog'),
    openFolderDialog: async () => unsupportedShell('openFolderDialog'),
    saveFolderDialog: async () => unsupportedShell('saveFolderDialog'),
    recentFiles: async () => ({ files: await recentFiles.list() }),
    openPath: async (request: { path: string }) => {
      const checked = await checkOpenablePath(request.path);
      await recentFiles.add(checked.path, checked.kind);
      return checked;
    },
    startup: async () => startup,
  };

  const baseHeaders = (): Record<string, string> => ({ 'Content-Security-Policy': csp(), ...SECURITY_HEADERS });
  const reply = (res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...baseHeaders(), 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };

  const server = http.createServer(async (req, res) => {
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) return reply(res, 403, 'forbidden: unexpected Host header');
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed', undefined, { Allow: 'GET, HEAD' });
      const { pathname, query } = splitTarget(req.url ?? '/');
      if (pathname.startsWith('/api/')) {
        if (req.headers.origin !== undefined && !allowedOrigins().has(req.headers.origin)) return reply(res, 403, 'forbidden: cross-origin request');
        if (!tokenMatches(token, query.get('token'))) return reply(res, 401, 'unauthorized: missing or wrong token');
        if (pathname === STARTUP_PATH) return reply(res, 200, JSON.stringify(startup), 'application/json; charset=utf-8');
        return reply(res, 404, 'not found');
      }
      const hasBuild = await access(path.join(options.rendererDir, 'index.html')).then(() => true, () => false);
      if (!hasBuild) return reply(res, 503, MISSING_BUILD_PAGE, 'text/html; charset=utf-8');
      const resolved = await resolveStaticPath(options.rendererDir, pathname);
      if (resolved.kind === 'refused') return reply(res, 403, `forbidden: ${resolved.why}`);
      if (resolved.kind === 'missing') return reply(res, 404, 'not found');
      res.writeHead(200, {
        ...baseHeaders(),
        'Content-Type': resolved.contentType,
        'Content-Length': resolved.bytes,
        'Cache-Control': resolved.contentType.startsWith('text/html') ? 'no-store' : 'no-cache',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(resolved.file).on('error', () => res.destroy()).pipe(res);
    } catch (error) {
      if (!res.headersSent) reply(res, 500, 'internal error');
      else res.destroy();
      process.stderr.write(`pwb serve: ${(error as Error)?.stack ?? error}\n`);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const { pathname, query } = splitTarget(req.url ?? '/');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse('403 Forbidden');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse('403 Forbidden');
    if (pathname !== WEBSOCKET_PATH) return refuse('404 Not Found');
    if (!tokenMatches(token, query.get('token'))) return refuse('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const session = new ClientSession(options.supervisor, shell, send, recentFiles);
    ws.on('message', (data, isBinary) => {
      let envelope;
      try {
        if (isBinary) throw new WorkbenchError('transport', TRANSPORT_ERRORS.badMessage, 'binary frames are not accepted; send JSON text');
        envelope = parseClientEnvelope(JSON.parse(data.toString()));
      } catch (error) {
        const wire = error instanceof SyntaxError ? { area: 'transport', code: TRANSPORT_ERRORS.badMessage, message: 'message is not valid JSON' } : wireErrorOf(error);
        return send({ type: 'error', id: -1, error: wire });
      }
      if (envelope.type === 'cancel') return void session.cancel(envelope.id);
      void session.call(envelope.id, envelope.method, envelope.params).then(send);
    });
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
  });

  const offEvents = options.supervisor.on((event) => {
    const text = JSON.stringify({ type: 'event', event } satisfies ServerMessage);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new WorkbenchError('cli', 'PORT_IN_USE', `port ${options.port} on ${LOOPBACK} is in use; choose another with --port`) : error);
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;
  return {
    port,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    close: async () => {
      offEvents();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
