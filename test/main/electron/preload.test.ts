/**
 * The preload, bundled as it ships (esbuild, like scripts/build-electron.js) and run in a VM with a stubbed
 * `electron`: it exposes exactly one global with exactly { invoke, on }, refuses unknown channels, and turns a
 * dropped file into pwb:openPath + a shell event.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { build } from 'esbuild';
import { SHELL_EVENT_CHANNEL } from '../../../app/contract/shell';
import { repoRoot } from '../../helpers/paths';

/** Objects made inside the VM have the VM's prototypes; compare their JSON shape. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

async function loadPreload() {
  const result = await build({ entryPoints: ['main/preload/preload.ts'], absWorkingDir: repoRoot, bundle: true, platform: 'node', format: 'cjs', external: ['electron'], write: false, logLevel: 'silent' });
  const code = result.outputFiles[0].text;
  const exposed: [string, Record<string, unknown>][] = [];
  const invoked: [string, unknown][] = [];
  const ipcListeners = new Map<string, ((e: unknown, m: unknown) => void)[]>();
  const pageListeners = new Map<string, (e: unknown) => void>();
  const electron = {
    contextBridge: { exposeInMainWorld: (name: string, api: Record<string, unknown>) => exposed.push([name, api]) },
    ipcRenderer: {
      invoke: async (channel: string, payload: { id: number; params: { path: string } }) => {
        invoked.push([channel, payload]);
        return payload.params.path.endsWith('.onnx') ? { type: 'result', id: payload.id, value: { path: payload.params.path, kind: 'model' } } : { type: 'error', id: payload.id, error: { area: 'io', code: 'FILE_KIND_UNKNOWN', message: 'not a model' } };
      },
      on: (channel: string, l: (e: unknown, m: unknown) => void) => ipcListeners.set(channel, [...(ipcListeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: (e: unknown, m: unknown) => void) => ipcListeners.set(channel, (ipcListeners.get(channel) ?? []).filter((x) => x !== l)),
    },
    webUtils: { getPathForFile: (file: { path: string }) => file.path },
  };
  const context = vm.createContext({
    require: (name: string) => {
      if (name === 'electron') return electron;
      throw new Error(`the sandboxed preload may not require '${name}'`);
    },
    module: { exports: {} },
    exports: {},
    addEventListener: (type: string, l: (e: unknown) => void) => pageListeners.set(type, l),
    Promise,
    Error,
    Set,
    Map,
    Array,
  });
  vm.runInContext(code, context);
  return { exposed, invoked, ipcListeners, pageListeners };
}

test('the preload exposes one global, window.pwb, with exactly invoke and on', async () => {
  const { exposed } = await loadPreload();
  assert.equal(exposed.length, 1);
  assert.equal(exposed[0][0], 'pwb');
  assert.deepEqual(Object.keys(exposed[0][1]).sort(), ['invoke', 'on']);
  for (const value of Object.values(exposed[0][1])) assert.equal(typeof value, 'function');
});

test('invoke and on refuse channels outside the allow-lists; on returns an unsubscribe', async () => {
  const { exposed, invoked, ipcListeners } = await loadPreload();
  const api = exposed[0][1] as { invoke(c: string, p: unknown): Promise<unknown>; on(c: string, l: (m: unknown) => void): () => void };
  await assert.rejects(api.invoke('ELECTRON_BROWSER_REQUIRE', {}), /not allowed/);
  await assert.rejects(api.invoke('pwb:event', {}), /not allowed/);
  assert.throws(() => api.on('pwb:openSession', () => undefined), /not allowed/);
  assert.equal(invoked.length, 0);
  await api.invoke('pwb:openPath', { id: 1, params: { path: '/m.onnx' } });
  assert.equal(invoked.length, 1);
  const messages: unknown[] = [];
  const off = api.on('pwb:event', (m) => messages.push(m));
  ipcListeners.get('pwb:event')![0]({ sender: 'hidden' }, { type: 'event' });
  assert.deepEqual(plain(messages), [{ type: 'event' }], 'listeners get the message, never the IPC event object');
  off();
  assert.equal(ipcListeners.get('pwb:event')!.length, 0);
});

test('a dropped file goes to pwb:openPath and comes back to the page as a shell event', async () => {
  const { exposed, invoked, pageListeners } = await loadPreload();
  const api = exposed[0][1] as { on(c: string, l: (m: unknown) => void): () => void };
  const events: unknown[] = [];
  api.on(SHELL_EVENT_CHANNEL, (m) => events.push(m));
  let prevented = 0;
  pageListeners.get('drop')!({ preventDefault: () => prevented++, dataTransfer: { files: [{ path: '/models/a.onnx' }, { path: '/x/evil.desktop' }] } });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(prevented, 1);
  assert.deepEqual(plain(invoked.map(([c, p]) => [c, (p as { params: unknown }).params])), [['pwb:openPath', { path: '/models/a.onnx' }], ['pwb:openPath', { path: '/x/evil.desktop' }]]);
  assert.deepEqual(plain(events), [{ kind: 'open-path', path: '/models/a.onnx', fileKind: 'model' }, { kind: 'open-failed', path: '/x/evil.desktop', message: 'not a model' }]);
});
