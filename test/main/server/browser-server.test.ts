/**
 * Browser mode against a real server on an ephemeral port and a real engine host child process: token, Origin and
 * Host checks, static-file confinement, CSP, a real call over the WebSocket, progress, the message-size cap.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../app/contract/wire-protocol';
import { MAX_MESSAGE_BYTES } from '../../../app/contract/wire-protocol';
import { RecentFiles } from '../../../main/host/recent-files';
import { nodeHostSpawner } from '../../../main/host/node-spawner';
import { EngineHostSupervisor } from '../../../main/host/supervisor';
import { startBrowserServer, type BrowserServer } from '../../../main/server/browser-server';
import { fixtureModel, repoRoot } from '../../helpers/paths';

const modelPath = fixtureModel('outlier-convnet.onnx');
let tmp: string;
let server: BrowserServer;
let supervisor: EngineHostSupervisor;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pwb-server-'));
  const dist = path.join(tmp, 'dist');
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>pwb</title><script type="module" src="/assets/main.js"></script>');
  await writeFile(path.join(dist, 'assets', 'main.js'), 'console.log(1)');
  await writeFile(path.join(dist, 'assets', 'style.css'), 'body{}');
  await writeFile(path.join(tmp, 'secret.txt'), 'SECRET');
  await symlink(path.join(tmp, 'secret.txt'), path.join(dist, 'assets', 'link.txt'));
  supervisor = new EngineHostSupervisor({ spawner: nodeHostSpawner({ forwardOutput: null }) });
  server = await startBrowserServer({
    supervisor,
    rendererDir: dist,
    startup: { modelPath, autoOpen: null },
    recentFiles: new RecentFiles(path.join(tmp, 'config', 'recent-files.json')),
  });
});

after(async () => {
  await server.close();
  supervisor.dispose();
  await rm(tmp, { recursive: true, force: true });
});

/** A raw GET (no client-side path normalization), with chosen headers. */
function get(target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: target, method: 'GET', headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, headers: Record<string, string> = { origin: server.origin }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

const statusOf = (p: Promise<unknown>) => p.then(() => 101, (e: { status?: number }) => e.status ?? -1);

test('the printed URL carries a 64-hex-digit token; /api/startup needs it', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  assert.equal((await get('/api/startup')).status, 401);
  assert.equal((await get('/api/startup?token=' + '0'.repeat(64))).status, 401);
  const ok = await get(`/api/startup?token=${server.token}`);
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { modelPath, autoOpen: null });
  assert.equal((await get(`/api/startup?token=${server.token}`, { origin: 'http://evil.example' })).status, 403);
});

test('static files: content types, CSP and nosniff; traversal, encoded dots, absolute paths and symlinks out are refused', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.match(index.headers['content-type']!, /^text\/html/);
  const csp = String(index.headers['content-security-policy']);
  for (const directive of ["default-src 'self'", "script-src 'self'", `connect-src 'self' ws://127.0.0.1:${server.port}`, "img-src 'self' data: blob:", "worker-src 'self' blob:", "object-src 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), directive);
  assert.ok(!csp.includes('unsafe-eval'));
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.equal(index.headers['referrer-policy'], 'no-referrer');
  assert.match((await get('/assets/main.js')).headers['content-type']!, /^text\/javascript/);
  assert.match((await get('/assets/style.css')).headers['content-type']!, /^text\/css/);
  assert.equal((await get('/assets/missing.js')).status, 404);
  const hostile = ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', `/${path.join(repoRoot, 'package.json')}`, `/%2F${encodeURIComponent(path.join(repoRoot, 'package.json').slice(1))}`, '/..%5cpackage.json', '/%00', '/%zz', '/C:/Windows/win.ini', '/assets/link.txt'];
  for (const target of hostile) {
    const res = await get(target);
    assert.ok(res.status === 403 || res.status === 404 || res.status === 400, `${target} → ${res.status}`);
    assert.ok(!res.body.includes('"name"') && !res.body.includes('SECRET'), `${target} leaked content`);
  }
  assert.equal((await get('/../package.json')).status, 403);
  assert.equal((await get('/assets/link.txt')).status, 403, 'symlink out of the folder');
});

test('Host header other than 127.0.0.1:PORT / localhost:PORT → 403 (DNS rebinding)', async () => {
  assert.equal((await get('/', { host: `evil.example:${server.port}` })).status, 403);
  assert.equal((await get('/', { host: '127.0.0.1:1' })).status, 403);
  assert.equal((await get('/', { host: `localhost:${server.port}` })).status, 200);
  assert.equal(await statusOf(connect(`?token=${server.token}`, { origin: server.origin, host: `rebind.example:${server.port}` })), 403);
});

test('WebSocket: no or wrong token → 401, wrong or missing Origin → 403', async () => {
  assert.equal(await statusOf(connect('')), 401);
  assert.equal(await statusOf(connect('?token=abc')), 401);
  assert.equal(await statusOf(connect(`?token=${server.token}`, { origin: 'http://evil.example' })), 403);
  assert.equal(await statusOf(connect(`?token=${server.token}`, { origin: `http://127.0.0.1:${server.port + 1}` })), 403);
  assert.equal(await statusOf(connect(`?token=${server.token}`, {})), 403);
});

test('a real call over the WebSocket returns the model overview; bad params, bad JSON and shell methods answer typed', async () => {
  const ws = await connect(`?token=${server.token}`);
  const replies = new Map<number, ServerMessage>();
  const waiters = new Map<number, (m: ServerMessage) => void>();
  const progress: ServerMessage[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type === 'progress') return void progress.push(message);
    if (message.type === 'event') return;
    replies.set(message.id, message);
    waiters.get(message.id)?.(message);
  });
  const call = (id: number, method: string, params: unknown) =>
    new Promise<ServerMessage>((resolve) => {
      waiters.set(id, resolve);
      ws.send(JSON.stringify({ type: 'call', id, method, params }));
    });
  const overview = await call(1, 'inspectModel', { modelPath });
  assert.equal(overview.type, 'result');
  assert.equal((overview as { value: { modelPath: string } }).value.modelPath, modelPath);
  assert.ok((overview as { value: { layers: unknown[] } }).value.layers.length > 0);
  const bad = await call(2, 'inspectModel', { modelPath: 7 });
  assert.deepEqual(bad.type === 'error' && [bad.error.area, bad.error.code], ['transport', 'BAD_PARAMS']);
  const unknown = await call(3, 'process.exit', {});
  assert.equal(unknown.type === 'error' && unknown.error.code, 'UNKNOWN_METHOD');
  const dialog = await call(4, 'openModelDialog', {});
  assert.equal(dialog.type === 'error' && dialog.error.code, 'SHELL_UNSUPPORTED');
  const recent = await call(5, 'recentFiles', {});
  assert.deepEqual(recent.type === 'result' && (recent.value as { files: { path: string }[] }).files.map((f) => f.path), [modelPath], 'inspectModel recorded the model');
  const opened = await call(6, 'openSession', { modelPath, precision: 'int8', calibration: { kind: 'random', count: 16, seed: 1 } });
  assert.equal(opened.type, 'result');
  assert.ok(progress.some((p) => p.type === 'progress' && p.id === 6), 'progress of the call reached its client');
  const garbage = new Promise<ServerMessage>((resolve) => waiters.set(-1, resolve));
  ws.send('{not json');
  assert.equal((await garbage).type === 'error' && (await garbage as { error: { code: string } }).error.code, 'BAD_MESSAGE');
  ws.close();
});

test(`a message over MAX_MESSAGE_BYTES (${MAX_MESSAGE_BYTES}) closes the connection with 1009`, async () => {
  const ws = await connect(`?token=${server.token}`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(JSON.stringify({ type: 'call', id: 1, method: 'inspectModel', params: { modelPath: 'x'.repeat(MAX_MESSAGE_BYTES + 10) } }));
  assert.equal(await closed, 1009);
});
