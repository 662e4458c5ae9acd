/**
 * HostSpawner for plain Node (CLI, browser mode, tests): child_process.fork of host-entry.ts through tsx.
 * The host's stdout/stderr are piped: stderr is scanned by the supervisor (out-of-memory detection) and forwarded
 * to this process's stderr, prefixed, so engine warnings stay visible.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostExit, HostProcess, HostSpawner } from './supervisor';

export const HOST_ENTRY_PATH = fileURLToPath(new URL('./host-entry.ts', import.meta.url));

export interface NodeSpawnerOptions {
  /** Module to fork (default: host-entry.ts, run through tsx). */
  entry?: string;
  /** Extra Node flags for the host, e.g. ['--max-old-space-size=4096']. */
  execArgv?: string[];
  /** Where the host's own output goes (default: this process's stderr; null = discard). */
  forwardOutput?: NodeJS.WritableStream | null;
  env?: NodeJS.ProcessEnv;
}

export function nodeHostSpawner(options: NodeSpawnerOptions = {}): HostSpawner {
  const entry = options.entry ?? HOST_ENTRY_PATH;
  const forward = options.forwardOutput === undefined ? process.stderr : options.forwardOutput;
  return () => {
    // An absolute loader URL: `--import tsx` alone would resolve from the child's cwd.
    const tsxLoader = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
    const child = fork(entry, [], {
      execArgv: [...tsxLoader, ...(options.execArgv ?? [])],
      serialization: 'json',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: options.env ?? process.env,
    });
    const exitListeners: ((exit: HostExit) => void)[] = [];
    const stderrListeners: ((text: string) => void)[] = [];
    let exited = false;
    const finish = (exit: HostExit) => {
      if (exited) return;
      exited = true;
      for (const l of exitListeners) l(exit);
    };
    child.on('exit', (code, signal) => finish({ code, signal }));
    child.on('error', (error) => {
      // 'error' without a pid = the spawn itself failed; otherwise a send failed and 'exit' follows.
      if (child.pid === undefined) finish({ code: null, signal: null, spawnError: error.message });
    });
    child.stdout?.on('data', (chunk: Buffer) => forward?.write(`[engine host] ${chunk}`));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      for (const l of stderrListeners) l(text);
      forward?.write(text.replace(/^(?=.)/gm, '[engine host] '));
    });
    const host: HostProcess = {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (child.connected) child.send(message);
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
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
