/**
 * HostSpawner for the desktop: the engine host as an Electron utilityProcess (a Chromium-launched Node process;
 * unaffected by the RunAsNode fuse, unlike child_process.fork). Cancel kills it with SIGKILL via its pid.
 * Out-of-memory is taken from app 'child-process-gone' (reason 'oom') when Electron reports it.
 */
import { app, utilityProcess } from 'electron';
import type { ClientMessage } from '../../app/contract/wire-protocol';
import type { HostExit, HostProcess, HostSpawner } from '../host/supervisor';

export const HOST_SERVICE_NAME = 'pwb-engine-host';

export function utilityHostSpawner(hostModulePath: string): HostSpawner {
  // One host runs at a time, so an 'oom' report for our service name belongs to the host that exits next.
  let oomReported = false;
  app.on('child-process-gone', (_event, details) => {
    if (details.type === 'Utility' && details.serviceName === HOST_SERVICE_NAME && details.reason === 'oom') oomReported = true;
  });
  return () => {
    const child = utilityProcess.fork(hostModulePath, [], { serviceName: HOST_SERVICE_NAME, stdio: 'pipe' });
    const exitListeners: ((exit: HostExit) => void)[] = [];
    const stderrListeners: ((text: string) => void)[] = [];
    let done = false;
    let killedBySignal: string | null = null;
    const finish = (exit: HostExit) => {
      if (done) return;
      done = true;
      for (const l of exitListeners) l(exit);
    };
    child.on('exit', (code) => {
      const outOfMemory = oomReported;
      oomReported = false;
      finish({ code: killedBySignal ? null : code, signal: killedBySignal, outOfMemory });
    });
    child.on('error', (type, location) => finish({ code: null, signal: null, spawnError: `${type} at ${location}` }));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      for (const l of stderrListeners) l(text);
      process.stderr.write(text.replace(/^(?=.)/gm, '[engine host] '));
    });
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(`[engine host] ${chunk}`));
    const host: HostProcess = {
      get pid() {
        return child.pid;
      },
      send(message: ClientMessage) {
        child.postMessage(message);
      },
      kill() {
        killedBySignal = 'SIGKILL';
        if (child.pid !== undefined) {
          try {
            process.kill(child.pid, 'SIGKILL');
            return;
          } catch {
            // already gone
          }
        }
        child.kill();
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        exitListeners.push(listener);
      },
      onStderr(listener) {
        stderrListeners.push(listener);
      },
    };
    return host;
  };
}
