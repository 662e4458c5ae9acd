/**
 * `pwb`: the headless command line. Exit codes: 0 ok, 1 a --fail-if threshold was missed, 2 bad input (one
 * clear message on stderr), 3 an internal error (a bug: please report it with the stack trace).
 */
import { parseArgs } from 'node:util';
import { isWorkbenchError } from '../../app/errors';
import { analyzeCommand } from './commands/analyze';
import { EXPORT_OPTIONS, EXPORT_USAGE, exportCommand } from './commands/export';
import { inspectCommand } from './commands/inspect';
import { pinCommand } from './commands/pin';
import { sensitivityCommand } from './commands/sensitivity';
import { TRT_IMPORT_USAGE, trtImportCommand } from './commands/trt-import';
import { SERVE_OPTIONS, SERVE_USAGE, serveCommand } from '../server/serve-command';

const USAGE = `pwb — Precision Workbench (ONNX INT8/FP16 vs FP32, layer by layer)

Usage:
  pwb inspect MODEL [--json]
  pwb sensitivity MODEL --out DIR [data, preprocessing and calibration flags as for analyze]
              [--target 'cosine>=0.999'|'sqnr>=30'|'top1>=0.99'] [--samples 8] [--compare-search] [--all-but-this]
${EXPORT_USAGE}
${SERVE_USAGE}
${TRT_IMPORT_USAGE}
  pwb pin PLAN.json --layer ID [--layer ID…] --precision int8|fp16|fp32 [--model MODEL]   (or --unpin)
  pwb analyze MODEL --out DIR [--precision int8|fp16] [--backend onnxruntime|tensorrt]
              [--fp32-reference onnxruntime|tensorrt]   (tensorrt: compare with an FP32 engine)
              [--calib-data DIR|FILE.npz|FILE.npy | --random N [--seed S]] [--calib-samples N]
              [--eval-data DIR|FILE] [--eval-samples N] [--labels FILE.tsv] [--label-offset K]
              [--calibrator entropy|max|percentile|mse] [--percentile 99.99] [--calib-cache FILE]
              [--plan plan.json] [--input-shape name:1x3x640x640] [--memory-budget MB]
              [--resize N|WxH] [--crop WxH] [--mean a,b,c] [--std a,b,c] [--scale unit|byte] [--bgr]
              [--layout NCHW|NHWC] [--preprocess spec.json]
              [--task auto|classification|none] [--fail-if 'cosine<0.99'] [--json] [--top N] [--quiet]

Exit codes: 0 ok, 1 --fail-if missed, 2 bad input, 3 internal error.
`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  precision: { type: 'string' },
  'calib-data': { type: 'string' },
  'eval-data': { type: 'string' },
  random: { type: 'string' },
  seed: { type: 'string' },
  'calib-samples': { type: 'string' },
  'eval-samples': { type: 'string' },
  labels: { type: 'string' },
  'label-offset': { type: 'string' },
  calibrator: { type: 'string' },
  percentile: { type: 'string' },
  'calib-cache': { type: 'string' },
  plan: { type: 'string' },
  'input-shape': { type: 'string' },
  'memory-budget': { type: 'string' },
  backend: { type: 'string' },
  'fp32-reference': { type: 'string' },
  resize: { type: 'string' },
  crop: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  scale: { type: 'string' },
  bgr: { type: 'boolean' },
  layout: { type: 'string' },
  preprocess: { type: 'string' },
  task: { type: 'string' },
  'fail-if': { type: 'string' },
  out: { type: 'string', short: 'o' },
  top: { type: 'string' },
  threads: { type: 'string' },
  layer: { type: 'string', multiple: true },
  model: { type: 'string' },
  unpin: { type: 'boolean' },
  target: { type: 'string' },
  samples: { type: 'string' },
  'compare-search': { type: 'boolean' },
  'all-but-this': { type: 'boolean' },
  ...EXPORT_OPTIONS,
  ...SERVE_OPTIONS,
} as const;

export async function main(argv: string[], out: { write(s: string): unknown } = process.stdout, err: { write(s: string): unknown } = process.stderr): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      err.write(`pwb: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    const { values, positionals } = parsed;
    const [command, modelPath, ...rest] = positionals;
    if (values.help || !command) {
      (values.help ? out : err).write(USAGE);
      return values.help ? 0 : 2;
    }
    if (!['inspect', 'analyze', 'pin', 'sensitivity', 'export', 'serve', 'trt-import'].includes(command)) {
      err.write(`pwb: unknown command '${command}'\n\n${USAGE}`);
      return 2;
    }
    if (command === 'serve' && rest.length === 0) return await serveCommand(modelPath, values, out, err);
    if (command === 'trt-import') {
      if (!modelPath) {
        err.write('pwb trt-import: expected one or more FILE or DIR paths\n');
        return 2;
      }
      return await trtImportCommand([modelPath, ...rest], values, out);
    }
    if (!modelPath || rest.length > 0) {
      err.write(`pwb ${command}: expected exactly one ${command === 'pin' ? 'PLAN' : 'MODEL'} path${rest.length ? ` (got also: ${rest.join(' ')})` : ''}\n`);
      return 2;
    }
    if (command === 'inspect') return await inspectCommand(modelPath, { json: !!values.json, out });
    if (command === 'pin') return await pinCommand(modelPath, values, out);
    if (command === 'sensitivity') return await sensitivityCommand(modelPath, values, out, err);
    if (command === 'export') return await exportCommand(modelPath, values, out, err);
    return await analyzeCommand(modelPath, values, out, err);
  } catch (error) {
    if (isWorkbenchError(error)) {
      err.write(`pwb: error [${error.code}]: ${error.message}\n`);
      return 2;
    }
    err.write(`pwb: internal error (a bug — please report it): ${(error as Error)?.stack ?? String(error)}\n`);
    return 3;
  }
}
