/**
 * EngineHostSupervisor against a REAL engine host child process (host-entry.ts through tsx): calls, SIGKILL mid-call,
 * cancel, restart, lost sessions, the crash-loop breaker. Only the crash-window timing test uses a fake spawner.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { ClientMessage } from '../../../app/contract/wire-protocol';
import { nodeHostSpawner } from '../../../main/host/node-spawner';
import { classifyExit, EngineHostSupervisor, HostCallError, type HostExit, type HostProcess, type SupervisorEvent } from '../../../main/host/supervisor';
import { fixtureModel } from '../../helpers/paths';

const modelPath = fixtureModel('outlier-convnet.onnx');
const slowOpen = { modelPath, precision: 'int8' as const, calibration: { kind: 'random' as const, count: 64, seed: 1 } };

function realSupervisor(options: { maxCrashes?: number } = {}) {
  const supervisor = new EngineHostSupervisor({ spawner: nodeHostSpawner({ forwardOutput: null }), ...options });
  const events: SupervisorEvent[] = [];
  supervisor.on((e) => events.push(e));
  return { supervisor, events };
}

function nextEvent(supervisor: EngineHostSupervisor, kind: SupervisorEvent['kind']): Promise<SupervisorEvent> {
  return new Promise((resolve) => {
    const off = supervisor.on((e) => {
      if (e.kind === kind) {
        off();
        resolve(e);
      }
    });
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<HostCallError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HostCallError || (error as { code?: string }).code, `not a typed error: ${error}`);
    assert.equal((error as HostCallError).code, code, (error as Error).message);
    return error as HostCallError;
  }
  assert.fail(`expected a rejection with ${code}`);
}

/** Starts a slow openSession and SIGKILLs the host as soon as its first progress event arrives. */
async function killDuringOpen(supervisor: EngineHostSupervisor): Promise<HostCallError> {
  const pid = supervisor.pid;
  assert.ok(pid);
  let killed = false;
  const call = supervisor.call('openSession', slowOpen, () => {
    if (!killed) {
      killed = true;
      process.kill(pid, 'SIGKILL');
    }
  });
  const error = await rejectsWith(call, 'HOST_CRASHED');
  assert.ok(killed, 'the kill happened mid-call (after progress began)');
  return error;
}

test('a real host answers inspectModel; engine errors pass through with their own code; bad params never reach it', async () => {
  const { supervisor, events } = realSupervisor();
  try {
    const overview = await supervisor.call('inspectModel', { modelPath });
    assert.equal(overview.modelPath, modelPath);
    assert.ok(overview.layers.length > 0);
    assert.equal(events[0].kind, 'host-ready');
    const missing: HostCallError = await supervisor.call('inspectModel', { modelPath: '/nonexistent/model.onnx' }).then(() => assert.fail('no error'), (e) => e);
    assert.ok(missing instanceof HostCallError);
    assert.ok(missing.code.length > 0 && missing.code !== 'INTERNAL', `a missing file is a typed engine error, not a bug (got ${missing.code})`);
    await rejectsWith(supervisor.call('inspectModel', { modelPath: 42 }), 'BAD_PARAMS');
    await rejectsWith(supervisor.call('inspectModel', { modelPath, extra: true }), 'BAD_PARAMS');
    await rejectsWith(supervisor.call('rm -rf' as 'inspectModel', {}), 'UNKNOWN_METHOD');
  } finally {
    supervisor.dispose();
  }
});

test('SIGKILL mid-openSession → HOST_CRASHED with a typed reason, the host restarts, lost sessions are reported, the next call works', async () => {
  const { supervisor } = realSupervisor();
  try {
    await supervisor.start();
    const opened = await supervisor.call('openSession', { ...slowOpen, calibration: { kind: 'random', count: 4, seed: 2 } });
    const firstPid = supervisor.pid;
    const crashed = nextEvent(supervisor, 'host-crashed');
    const ready = new Promise<void>((resolve) => {
      const off = supervisor.on((e) => e.kind === 'host-ready' && (off(), resolve()));
    });
    const error = await killDuringOpen(supervisor);
    assert.deepEqual(error.reason, { kind: 'killed', signal: 'SIGKILL' });
    const event = await crashed;
    assert.equal(event.kind, 'host-crashed');
    if (event.kind !== 'host-crashed') return;
    assert.equal(event.restarting, true);
    assert.equal(event.crashesInWindow, 1);
    assert.deepEqual(event.lostSessions.map((s) => s.sessionId), [opened.sessionId]);
    assert.equal(event.lostSessions[0].request.calibration?.kind, 'random');
    await ready;
    assert.notEqual(supervisor.pid, firstPid);
    const overview = await supervisor.call('inspectModel', { modelPath });
    assert.ok(overview.layers.length > 0);
    // The UI's "reopen": the remembered request opens a fresh session in the new host.
    const reopened = await supervisor.reopenSession(opened.sessionId);
    assert.notEqual(reopened.sessionId, opened.sessionId);
    assert.equal(supervisor.lostSessions().length, 0);
    assert.ok(await supervisor.call('graph', { sessionId: reopened.sessionId }));
  } finally {
    supervisor.dispose();
  }
});

test('cancel of a long call → CANCELLED, the host is killed and restarted, other calls in flight end with HOST_CRASHED', async () => {
  const { supervisor } = realSupervisor();
  try {
    await supervisor.start();
    const firstPid = supervisor.pid;
    let started!: () => void;
    const progressed = new Promise<void>((resolve) => (started = resolve));
    const call = supervisor.call('openSession', slowOpen, () => started());
    const other = supervisor.call('openSession', slowOpen);
    const crashed = nextEvent(supervisor, 'host-crashed');
    await progressed;
    assert.equal(supervisor.cancel(call.callId), true);
    const error = await rejectsWith(call, 'CANCELLED');
    assert.deepEqual(error.reason, { kind: 'cancelled' });
    const otherError = await rejectsWith(other, 'HOST_CRASHED');
    assert.deepEqual(otherError.reason, { kind: 'cancelled' });
    const event = await crashed;
    assert.deepEqual(event.kind === 'host-crashed' && event.reason, { kind: 'cancelled' });
    assert.equal(event.kind === 'host-crashed' && event.crashesInWindow, 0, 'a cancel is not a crash');
    const overview = await supervisor.call('inspectModel', { modelPath });
    assert.ok(overview.layers.length > 0);
    assert.notEqual(supervisor.pid, firstPid);
    assert.equal(supervisor.cancel(call.callId), false, 'a finished call cannot be cancelled twice');
  } finally {
    supervisor.dispose();
  }
});

test('crash-loop breaker on a real host: the 3rd kill → host-stopped, no restart, HOST_STOPPED until restart()', async () => {
  const { supervisor, events } = realSupervisor();
  try {
    await supervisor.start();
    for (let i = 1; i <= 2; i++) {
      const ready = nextEvent(supervisor, 'host-ready');
      await killDuringOpen(supervisor);
      await ready;
    }
    const stopped = nextEvent(supervisor, 'host-stopped');
    await killDuringOpen(supervisor);
    const event = await stopped;
    assert.equal(event.kind, 'host-stopped');
    assert.deepEqual(event.kind === 'host-stopped' && event.reason, { kind: 'killed', signal: 'SIGKILL' });
    assert.equal(supervisor.stopped, true);
    assert.equal(supervisor.pid, undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(events.filter((e) => e.kind === 'host-ready').length, 3, 'no 4th host was started');
    await rejectsWith(supervisor.call('inspectModel', { modelPath }), 'HOST_STOPPED');
    await supervisor.restart();
    assert.equal(supervisor.stopped, false);
    assert.ok((await supervisor.call('inspectModel', { modelPath })).layers.length > 0);
  } finally {
    supervisor.dispose();
  }
});

/** A host that is "ready" at once and dies when told to; exits are driven by the test. */
class FakeHost extends EventEmitter implements HostProcess {
  static count = 0;
  readonly pid = 1000 + FakeHost.count++;
  sent: ClientMessage[] = [];
  send(message: ClientMessage) {
    this.sent.push(message);
  }
  kill() {
    this.die({ code: null, signal: 'SIGKILL' });
  }
  die(exit: HostExit, stderr = '') {
    if (stderr) this.emit('stderr', stderr);
    queueMicrotask(() => this.emit('exit', exit));
  }
  onMessage(listener: (m: unknown) => void) {
    this.on('message', listener);
    queueMicrotask(() => this.emit('message', { type: 'event', event: { kind: 'host-ready', pid: this.pid } }));
  }
  onExit(listener: (e: HostExit) => void) {
    this.on('exit', listener);
  }
  onStderr(listener: (t: string) => void) {
    this.on('stderr', listener);
  }
}

test('crash window (fake spawner, fake clock): crashes older than 5 minutes do not count; 3 within the window stop the host', async () => {
  let now = 0;
  const hosts: FakeHost[] = [];
  const supervisor = new EngineHostSupervisor({
    spawner: () => {
      const h = new FakeHost();
      hosts.push(h);
      return h;
    },
    now: () => now,
  });
  const events: SupervisorEvent[] = [];
  supervisor.on((e) => events.push(e));
  const crashAt = async (minutes: number, exit: HostExit = { code: 1, signal: null }, stderr = '') => {
    now = minutes * 60_000;
    const next = new Promise<SupervisorEvent>((resolve) => {
      const off = supervisor.on((e) => e.kind !== 'host-ready' && (off(), resolve(e)));
    });
    hosts.at(-1)!.die(exit, stderr);
    const event = await next;
    await new Promise((r) => setImmediate(r));
    return event;
  };
  await supervisor.start();
  const e1 = await crashAt(0);
  assert.deepEqual(e1.kind === 'host-crashed' && [e1.crashesInWindow, e1.reason], [1, { kind: 'exited', exitCode: 1 }]);
  const e2 = await crashAt(4, { code: 134, signal: 'SIGABRT' }, '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n');
  assert.deepEqual(e2.kind === 'host-crashed' && [e2.crashesInWindow, e2.reason], [2, { kind: 'out-of-memory' }]);
  // 6 min: the crash at 0 left the 5-minute window → still 2, restart.
  const e3 = await crashAt(6);
  assert.deepEqual(e3.kind === 'host-crashed' && [e3.crashesInWindow, e3.restarting], [2, true]);
  const e4 = await crashAt(8.9);
  assert.equal(e4.kind, 'host-stopped');
  const spawned = hosts.length;
  await assert.rejects(supervisor.call('graph', { sessionId: 's' }), (e: HostCallError) => e.code === 'HOST_STOPPED');
  assert.equal(hosts.length, spawned, 'a call on a stopped supervisor spawns nothing');
  // A call in flight when the host dies rejects with HOST_CRASHED; while starting, calls queue until ready.
  await supervisor.restart();
  const pending = supervisor.call('graph', { sessionId: 's' });
  await new Promise((r) => setImmediate(r));
  assert.equal(hosts.at(-1)!.sent.length, 1);
  now = 100 * 60_000;
  hosts.at(-1)!.die({ code: null, signal: 'SIGSEGV' });
  const crash = await rejectsWith(pending, 'HOST_CRASHED');
  assert.deepEqual(crash.reason, { kind: 'killed', signal: 'SIGSEGV' });
  supervisor.dispose();
});

test('classifyExit: signal, exit code, OOM by stderr or by Windows exit code, spawn failure', () => {
  assert.deepEqual(classifyExit({ code: null, signal: 'SIGKILL' }), { kind: 'killed', signal: 'SIGKILL' });
  assert.deepEqual(classifyExit({ code: 3, signal: null }), { kind: 'exited', exitCode: 3 });
  assert.deepEqual(classifyExit({ code: null, signal: 'SIGABRT' }, 'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory'), { kind: 'out-of-memory' });
  assert.deepEqual(classifyExit({ code: 0xe0000008, signal: null }), { kind: 'out-of-memory' });
  assert.deepEqual(classifyExit({ code: null, signal: null, outOfMemory: true }), { kind: 'out-of-memory' });
  assert.deepEqual(classifyExit({ code: null, signal: null, spawnError: 'ENOENT' }), { kind: 'spawn-failed', message: 'ENOENT' });
});
