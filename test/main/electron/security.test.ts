/**
 * The security decisions of Electron main as pure functions (Electron itself cannot run here): webPreferences,
 * CSP, channel allow-list, sender check, navigation / new-window / permission denial, external links, and the IPC
 * router's refusal order (channel → sender → payload schema) before anything reaches the supervisor.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICE_METHODS } from '../../../app/contract/service';
import { CANCEL_CHANNEL, EVENT_CHANNEL, SHELL_METHODS } from '../../../app/contract/wire-protocol';
import { SHELL_EVENT_CHANNEL } from '../../../app/contract/shell';
import { contentSecurityPolicy } from '../../../main/electron/content-security-policy';
import { createIpcHandler } from '../../../main/electron/ipc-router';
import { menuTemplate } from '../../../main/electron/menu';
import {
  APP_INDEX_URL,
  fileArgument,
  INVOKE_CHANNELS,
  isAllowedChannel,
  isAllowedEventChannel,
  isSafeExternalUrl,
  isTrustedSender,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  windowOpenHandler,
  windowOptions,
} from '../../../main/electron/security';
import type { ClientSession } from '../../../main/host/client-session';

test('window webPreferences: sandboxed, isolated, no Node, web security on, no webview, devtools off when packaged', () => {
  const options = windowOptions('/app/preload.cjs', { packaged: true });
  const web = options.webPreferences;
  assert.equal(web.sandbox, true);
  assert.equal(web.contextIsolation, true);
  assert.equal(web.nodeIntegration, false);
  assert.equal(web.nodeIntegrationInWorker, false);
  assert.equal(web.nodeIntegrationInSubFrames, false);
  assert.equal(web.webSecurity, true);
  assert.equal(web.allowRunningInsecureContent, false);
  assert.equal(web.experimentalFeatures, false);
  assert.equal(web.webviewTag, false);
  assert.equal(web.navigateOnDragDrop, false);
  assert.equal(web.devTools, false);
  assert.equal(web.preload, '/app/preload.cjs');
  assert.equal(windowOptions('/p').webPreferences.devTools, true, 'devtools only in development');
});

test('CSP: self-only scripts, no eval, no inline script, no objects or framing; ws origin only when given', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('style-src'), ["'self'"]);
  assert.deepEqual(directives.get('connect-src'), ["'self'"]);
  assert.deepEqual(directives.get('img-src'), ["'self'", 'data:', 'blob:']);
  assert.deepEqual(directives.get('worker-src'), ["'self'", 'blob:']);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
  assert.ok(!csp.includes('unsafe-eval') && !csp.includes('unsafe-inline') && !csp.includes('*'));
  assert.match(contentSecurityPolicy({ webSocketOrigins: ['ws://127.0.0.1:5000'] }), /connect-src 'self' ws:\/\/127\.0\.0\.1:5000;/);
});

test('channel allow-list: exactly the method channels, cancel and the shell channels', () => {
  assert.equal(INVOKE_CHANNELS.size, SERVICE_METHODS.length + 1 + SHELL_METHODS.length);
  for (const m of SERVICE_METHODS) assert.ok(isAllowedChannel(`pwb:${m}`));
  for (const m of SHELL_METHODS) assert.ok(isAllowedChannel(`pwb:${m}`));
  assert.ok(isAllowedChannel(CANCEL_CHANNEL));
  for (const bad of ['pwb:event', 'pwb:', 'openSession', 'pwb:openSession ', 'PWB:openSession', 'pwb:__proto__', 'ELECTRON_BROWSER_REQUIRE', null, 42]) assert.equal(isAllowedChannel(bad), false, String(bad));
  assert.ok(isAllowedEventChannel(EVENT_CHANNEL) && isAllowedEventChannel(SHELL_EVENT_CHANNEL));
  assert.equal(isAllowedEventChannel('pwb:openSession'), false);
});

test('sender check: only the main frame of a page from our own origin', () => {
  assert.equal(isTrustedSender({ url: APP_INDEX_URL, parent: null }), true);
  assert.equal(isTrustedSender({ url: 'pwb-app://app/some/route?x=1', parent: null }), true);
  const untrusted = [
    { url: APP_INDEX_URL, parent: {} },
    { url: 'pwb-app://app.evil/index.html', parent: null },
    { url: 'pwb-app://evil/index.html', parent: null },
    { url: 'pwb-app://user:pw@app/index.html', parent: null },
    { url: 'https://app/index.html', parent: null },
    { url: 'file:///index.html', parent: null },
    { url: 'about:blank', parent: null },
    { url: 'not a url', parent: null },
  ];
  for (const frame of untrusted) assert.equal(isTrustedSender(frame), false, JSON.stringify(frame));
  assert.equal(isTrustedSender(null), false);
});

test('navigation, new windows and permissions are denied; only https links go to the OS browser', () => {
  let prevented = 0;
  navigationGuard({ preventDefault: () => prevented++ }, 'https://example.com');
  navigationGuard({ preventDefault: () => prevented++ }, APP_INDEX_URL);
  assert.equal(prevented, 2);
  const opened: string[] = [];
  const handler = windowOpenHandler((url) => opened.push(url));
  for (const url of ['https://docs.nvidia.com/deeplearning/tensorrt/', 'http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', '\\\\host\\share', 'ms-settings:', 'https://user:pw@example.com/']) {
    assert.deepEqual(handler({ url }), { action: 'deny' }, url);
  }
  assert.deepEqual(opened, ['https://docs.nvidia.com/deeplearning/tensorrt/']);
  assert.equal(isSafeExternalUrl('vscode://x'), false);
  const answers: boolean[] = [];
  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) permissionRequestHandler(null, p, (g) => answers.push(g));
  assert.deepEqual(answers, [false, false, false, false, false]);
  assert.equal(permissionCheckHandler(), false);
});

test('IPC router: refuses unknown channels, foreign senders and malformed payloads before the engine sees anything', async () => {
  const seen: [number, string, unknown][] = [];
  const cancels: number[] = [];
  const fakeSession = {
    call: async (id: number, method: string, params: unknown) => (seen.push([id, method, params]), { type: 'result', id, value: 'ok' }),
    cancel: (id: number) => (cancels.push(id), true),
  } as unknown as ClientSession;
  const handle = createIpcHandler(fakeSession);
  const main = { senderFrame: { url: APP_INDEX_URL, parent: null } };
  const code = (r: unknown) => (r as { error?: { code: string } }).error?.code;
  assert.equal(code(await handle('pwb:exec', main, { id: 1, params: {} })), 'UNKNOWN_METHOD');
  assert.equal(code(await handle('pwb:inspectModel', { senderFrame: { url: 'https://evil.example/', parent: null } }, { id: 1, params: {} })), 'UNTRUSTED_SENDER');
  assert.equal(code(await handle('pwb:inspectModel', { senderFrame: { url: APP_INDEX_URL, parent: {} } }, { id: 1, params: {} })), 'UNTRUSTED_SENDER');
  assert.equal(code(await handle('pwb:inspectModel', { senderFrame: null }, { id: 1, params: {} })), 'UNTRUSTED_SENDER');
  assert.equal(code(await handle('pwb:inspectModel', main, { modelPath: '/m.onnx' })), 'BAD_MESSAGE');
  assert.equal(code(await handle('pwb:inspectModel', main, { id: '1', params: {} })), 'BAD_MESSAGE');
  assert.equal(seen.length, 0);
  assert.deepEqual(await handle('pwb:inspectModel', main, { id: 3, params: { modelPath: '/m.onnx' } }), { type: 'result', id: 3, value: 'ok' });
  assert.deepEqual(seen, [[3, 'inspectModel', { modelPath: '/m.onnx' }]]);
  await handle(CANCEL_CHANNEL, main, { id: 3 });
  assert.deepEqual(cancels, [3]);
});

test('menu has Open Model…, Open Recent, Export…, Quit, Toggle Theme and About; file argument parsing', () => {
  const labels: string[] = [];
  const walk = (items: unknown[]) => {
    for (const item of items as { label?: string; submenu?: unknown[] }[]) {
      if (item.label) labels.push(item.label);
      if (Array.isArray(item.submenu)) walk(item.submenu);
    }
  };
  const noop = () => undefined;
  walk(menuTemplate({ openModel: noop, openRecent: noop, exportBuild: noop, toggleTheme: noop, about: noop }, [{ path: '/a.onnx', kind: 'model', openedAt: '' }], 'linux'));
  for (const label of ['Open Model…', 'Open Recent', '/a.onnx', 'Export…', 'Quit', 'Toggle Theme', 'About Precision Workbench']) assert.ok(labels.includes(label), label);
  assert.equal(fileArgument(['electron', '.', '--flag', 'model.onnx']), 'model.onnx');
  assert.equal(fileArgument(['electron', '.']), null);
});
