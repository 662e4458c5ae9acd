import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientCallError } from '../../renderer/src/client/client-error';
import { WorkbenchClient } from '../../renderer/src/client/workbench-client';
import { tokenFromSearch, webSocketUrl } from '../../renderer/src/host/browser-host';
import { createElectronHost } from '../../renderer/src/host/electron-host';
import type { BridgeReply, PwbBridge } from '../../renderer/src/host/bridge';
import { FakeTransport } from './fixtures/fake-clients';

describe('WorkbenchClient', () => {
  test('sends calls with increasing ids and resolves the matching result', async () => {
    const transport = new FakeTransport();
    const client = new WorkbenchClient(transport);
    const a = client.inspectModel({ modelPath: '/m.onnx' });
    const b = client.graph({ sessionId: 's1' });
    assert.deepEqual(transport.sent, [
      { type: 'call', id: 1, method: 'inspectModel', params: { modelPath: '/m.onnx' } },
      { type: 'call', id: 2, method: 'graph', params: { sessionId: 's1' } },
    ]);
    assert.equal(a.callId, 1);
    transport.deliver({ type: 'result', id: 2, value: { nodes: [] } });
    transport.deliver({ type: 'result', id: 1, value: { modelPath: '/m.onnx' } });
    assert.deepEqual(await b, { nodes: [] });
    assert.deepEqual(await a, { modelPath: '/m.onnx' });
    assert.equal(client.pendingCount, 0);
  });

  test('errors keep their area and code; progress reaches only its own call', async () => {
    const transport = new FakeTransport();
    const client = new WorkbenchClient(transport);
    const seen: number[] = [];
    const call = client.build({ sessionId: 's' }, { onProgress: (p) => seen.push(p.done) });
    transport.deliver({ type: 'progress', id: call.callId, progress: { phase: 'compare', done: 1, total: 3 } });
    transport.deliver({ type: 'progress', id: 99, progress: { phase: 'compare', done: 7, total: 9 } });
    transport.deliver({ type: 'error', id: call.callId, error: { area: 'runtime', code: 'ORT_FAILED', message: 'boom' } });
    await assert.rejects(call, (e: unknown) => e instanceof ClientCallError && e.code === 'ORT_FAILED' && e.area === 'runtime' && e.message === 'boom');
    assert.deepEqual(seen, [1]);
  });

  test('cancel sends a cancel message for a pending call only', () => {
    const transport = new FakeTransport();
    const client = new WorkbenchClient(transport);
    const call = client.openSession({ modelPath: '/m.onnx', precision: 'int8' });
    call.catch(() => undefined);
    client.cancel(call.callId);
    client.cancel(12345);
    assert.deepEqual(transport.sent.at(-1), { type: 'cancel', id: call.callId });
    assert.equal(transport.sent.length, 2);
  });

  test('a host crash event is forwarded and fails calls still pending', async () => {
    const transport = new FakeTransport();
    const client = new WorkbenchClient(transport);
    const events: string[] = [];
    client.onEvent((e) => events.push(e.kind === 'host' ? e.event.kind : e.kind));
    const call = client.build({ sessionId: 's' });
    transport.deliver({ type: 'event', event: { kind: 'host-crashed', reason: { kind: 'killed', signal: 'SIGKILL' }, restarting: true, crashesInWindow: 1 } });
    await assert.rejects(call, (e: unknown) => e instanceof ClientCallError && e.code === 'HOST_CRASHED');
    assert.deepEqual(events, ['host-crashed']);
    const later = client.graph({ sessionId: 's' });
    transport.deliver({ type: 'transport-closed', message: 'gone' });
    await assert.rejects(later, (e: unknown) => e instanceof ClientCallError && e.code === 'HOST_DISCONNECTED');
    assert.deepEqual(events, ['host-crashed', 'disconnected']);
  });
});

describe('hosts', () => {
  test('browser host: token from the page URL, ws URL on the same host', () => {
    assert.equal(tokenFromSearch('?token=a%2Bb&x=1'), 'a+b');
    assert.equal(tokenFromSearch(''), '');
    assert.equal(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8731' }, 'a+b'), 'ws://127.0.0.1:8731/ws?token=a%2Bb');
  });

  test('electron host: one invoke per call on pwb:<method> with { id, params }; events from pwb:event', async () => {
    const invoked: [string, unknown][] = [];
    let push: ((m: unknown) => void) | null = null;
    const bridge: PwbBridge = {
      async invoke(channel, payload): Promise<BridgeReply> {
        invoked.push([channel, payload]);
        const { id } = payload as { id: number };
        if (channel === 'pwb:startup') return { type: 'result', id: 0, value: { modelPath: '/x.onnx', autoOpen: null } };
        if (channel === 'pwb:openModelDialog') return { type: 'result', id, value: { path: '/picked.onnx' } };
        if (channel === 'pwb:build') {
          push?.({ type: 'progress', id, progress: { phase: 'compare', done: 1, total: 2 } });
          return { type: 'error', id, error: { area: 'precision', code: 'PLAN_INVALID', message: 'bad plan' } };
        }
        return { type: 'result', id, value: 'ok' };
      },
      on(channel, listener) {
        assert.equal(channel, 'pwb:event');
        push = listener;
        return () => { push = null; };
      },
    };
    const host = createElectronHost(bridge);
    const client = new WorkbenchClient(host.transport);
    const progress: number[] = [];
    await assert.rejects(client.build({ sessionId: 's' }, { onProgress: (p) => progress.push(p.done) }), (e: unknown) => e instanceof ClientCallError && e.code === 'PLAN_INVALID');
    assert.deepEqual(progress, [1]);
    assert.deepEqual(invoked[0], ['pwb:build', { id: 1, params: { sessionId: 's' } }]);
    assert.deepEqual(await host.startup(), { modelPath: '/x.onnx', autoOpen: null });
    assert.equal(await host.shell!.openModelDialog(), '/picked.onnx');
    client.cancel(client.closeSession({ sessionId: 's' }).callId);
  });
});
