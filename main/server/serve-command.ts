/**
 * `pwb serve [MODEL] [--port N] [--open-example]`: browser mode. Starts the engine host (child process), the
 * loopback server, prints `pwb serve: open http://127.0.0.1:PORT/?token=…` as the FIRST stdout line, and runs until
 * SIGINT/SIGTERM. With MODEL, the page opens it (GET /api/startup): when data flags are given (--random N
 * [--seed S] | --calib-data DIR|FILE.npz|FILE.npy, --precision, --calibrator) as a session, otherwise the model
 * overview and a data picker. A browser is opened only when PWB_OPEN_BROWSER=1.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSpec } from '../../app/contract/service';
import { WorkbenchError } from '../../app/errors';
import type { CalibratorName, Precision } from '../../app/precision/plan';
import { nodeHostSpawner } from '../host/node-spawner';
import { EngineHostSupervisor } from '../host/supervisor';
import { startBrowserServer, type StartupInfo } from './browser-server';
import { exampleStartup as exampleStartupAt } from '../host/example-startup';

/** The bundled example of this checkout. */
export const exampleStartup = (root = REPO_ROOT): Promise<StartupInfo> => exampleStartupAt(root);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIST = path.join(REPO_ROOT, 'renderer', 'dist');

export const SERVE_USAGE = `  pwb serve [MODEL] [--port N] [--open-example] [--random N [--seed S] | --calib-data DIR|FILE] [--precision int8|fp16]
              (browser mode on 127.0.0.1; prints the URL with its access token first)`;

export const SERVE_OPTIONS = {
  port: { type: 'string' },
  'open-example': { type: 'boolean' },
} as const;

export interface ServeFlags {
  port?: string;
  'open-example'?: boolean;
  random?: string;
  seed?: string;
  'calib-data'?: string;
  precision?: string;
  calibrator?: string;
}

type Writer = { write(s: string): unknown };

/** What the page opens for `pwb serve MODEL [data flags]`. */
export function startupFromFlags(modelPath: string | undefined, flags: ServeFlags): StartupInfo {
  if (!modelPath) return { modelPath: null, autoOpen: null };
  const absolute = path.resolve(modelPath);
  let calibration: DataSpec | undefined;
  if (flags.random !== undefined) {
    const count = Number(flags.random);
    if (!Number.isInteger(count) || count < 1) throw new WorkbenchError('cli', 'BAD_FLAG', `--random expects a positive sample count, got '${flags.random}'`);
    calibration = { kind: 'random', count, seed: flags.seed === undefined ? 1 : Number(flags.seed) };
  } else if (flags['calib-data'] !== undefined) {
    const data = path.resolve(flags['calib-data']);
    const ext = path.extname(data).toLowerCase();
    calibration = ext === '.npz' || ext === '.npy' ? { kind: ext.slice(1) as 'npz' | 'npy', path: data } : { kind: 'images', dir: data };
  }
  if (!calibration) return { modelPath: absolute, autoOpen: null };
  const precision = (flags.precision ?? 'int8') as Precision;
  if (!['int8', 'fp16'].includes(precision)) throw new WorkbenchError('cli', 'BAD_FLAG', `--precision must be int8 or fp16, got '${flags.precision}'`);
  return { modelPath: absolute, autoOpen: { modelPath: absolute, precision, calibration, ...(flags.calibrator ? { calibrator: flags.calibrator as CalibratorName } : {}) } };
}

function openBrowser(url: string): void {
  const [command, args] = process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : process.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  spawn(command, args as string[], { detached: true, stdio: 'ignore' }).on('error', () => undefined).unref();
}

export async function serveCommand(modelPath: string | undefined, flags: ServeFlags, out: Writer, err: Writer, stop?: Promise<unknown>): Promise<number> {
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WorkbenchError('cli', 'BAD_FLAG', `--port expects 0–65535, got '${flags.port}'`);
  const startup = flags['open-example'] ? await exampleStartup() : startupFromFlags(modelPath, flags);
  if (startup.modelPath && !existsSync(startup.modelPath)) throw new WorkbenchError('cli', 'MODEL_NOT_FOUND', `model '${startup.modelPath}' does not exist`, { file: startup.modelPath });
  const supervisor = new EngineHostSupervisor({ spawner: nodeHostSpawner() });
  supervisor.on((event) => {
    if (event.kind === 'host-crashed') err.write(`pwb serve: engine host crashed (${JSON.stringify(event.reason)}); ${event.restarting ? 'restarting' : 'not restarting'}\n`);
    if (event.kind === 'host-stopped') err.write(`pwb serve: ${event.message}\n`);
  });
  let server;
  try {
    server = await startBrowserServer({ supervisor, rendererDir: RENDERER_DIST, port, startup });
  } catch (error) {
    supervisor.dispose();
    throw error;
  }
  out.write(`pwb serve: open ${server.url}\n`);
  if (!existsSync(path.join(RENDERER_DIST, 'index.html'))) err.write('pwb serve: renderer/dist is missing — run `npm run build:renderer`; the page says so until then\n');
  if (startup.modelPath) err.write(`pwb serve: the page opens ${startup.modelPath}${startup.autoOpen ? '' : ' (choose data in the page)'}\n`);
  err.write('pwb serve: listening on 127.0.0.1 only; Ctrl+C stops\n');
  if (process.env.PWB_OPEN_BROWSER === '1') openBrowser(server.url);
  void supervisor.start().catch(() => undefined);
  await (stop ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }));
  await server.close();
  supervisor.dispose();
  return 0;
}
