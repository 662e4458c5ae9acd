/** CLI flags → sample-source options (calibration and evaluation data, preprocessing). */
import { statSync, readdirSync } from 'node:fs';
import { WorkbenchError } from '../../app/errors';
import type { SampleSourceOptions } from '../data/sample-sources';
import type { PreprocessSpec } from '../data/preprocess';

export interface DataFlags {
  'calib-data'?: string;
  'eval-data'?: string;
  random?: string;
  seed?: string;
  'calib-samples'?: string;
  'eval-samples'?: string;
  labels?: string;
  preprocess?: string;
  resize?: string;
  crop?: string;
  mean?: string;
  std?: string;
  scale?: string;
  bgr?: boolean;
  layout?: string;
}

function numberList(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map(Number);
  if (values.some((v) => !Number.isFinite(v))) throw new WorkbenchError('cli', 'FLAG_INVALID', `--${flag} '${text}': expected comma-separated numbers`);
  return values;
}

function size(flag: string, text: string | undefined): { width: number; height: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(?:x(\d+))?$/.exec(text);
  if (!match) throw new WorkbenchError('cli', 'FLAG_INVALID', `--${flag} '${text}': expected N or WxH`);
  const width = Number(match[1]);
  return { width, height: match[2] ? Number(match[2]) : width };
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new WorkbenchError('cli', 'FLAG_INVALID', `--${flag} '${text}': expected a positive integer`);
  return value;
}

export function preprocessFromFlags(flags: DataFlags): Partial<PreprocessSpec> {
  const spec: Partial<PreprocessSpec> = {};
  if (flags.resize !== undefined) {
    const s = size('resize', flags.resize)!;
    spec.resize = /x/.test(flags.resize) ? { width: s.width, height: s.height } : { shorterSide: s.width };
  }
  const crop = size('crop', flags.crop);
  if (crop) spec.centerCrop = crop;
  const mean = numberList('mean', flags.mean);
  if (mean) spec.mean = mean;
  const std = numberList('std', flags.std);
  if (std) spec.std = std;
  if (flags.scale !== undefined) {
    if (flags.scale !== 'unit' && flags.scale !== 'byte') throw new WorkbenchError('cli', 'FLAG_INVALID', `--scale '${flags.scale}': expected unit (0–1) or byte (0–255)`);
    spec.scale = flags.scale;
  }
  if (flags.bgr) spec.channelOrder = 'BGR';
  if (flags.layout !== undefined) {
    if (flags.layout !== 'NCHW' && flags.layout !== 'NHWC') throw new WorkbenchError('cli', 'FLAG_INVALID', `--layout '${flags.layout}': expected NCHW or NHWC`);
    spec.layout = flags.layout;
  }
  return spec;
}

function sourceFor(pathText: string, flags: DataFlags, limit: number | undefined, flag: string, labels?: string): SampleSourceOptions {
  let stat;
  try {
    stat = statSync(pathText);
  } catch {
    throw new WorkbenchError('data', 'DATA_NOT_FOUND', `--${flag} ${pathText}: no such file or folder`, { file: pathText });
  }
  if (stat.isFile()) {
    if (pathText.endsWith('.npz')) return { kind: 'npz', path: pathText, limit };
    if (pathText.endsWith('.npy')) return { kind: 'npy', path: pathText, limit };
    throw new WorkbenchError('data', 'DATA_FORMAT_UNKNOWN', `--${flag} ${pathText}: expected a folder of images, a folder of .npz/.npy files, or a .npz/.npy file`, { file: pathText });
  }
  const names = readdirSync(pathText);
  if (names.some((n) => n.endsWith('.npz'))) return { kind: 'npz', path: pathText, limit };
  if (names.some((n) => n.endsWith('.npy'))) return { kind: 'npy', path: pathText, limit };
  return { kind: 'images', dir: pathText, limit, labels, preprocess: preprocessFromFlags(flags), preprocessFile: flags.preprocess };
}

export function dataSourcesFromFlags(flags: DataFlags): { calibration?: SampleSourceOptions; evaluation?: SampleSourceOptions } {
  const calibLimit = positiveInt('calib-samples', flags['calib-samples']);
  const evalLimit = positiveInt('eval-samples', flags['eval-samples']);
  let calibration: SampleSourceOptions | undefined;
  if (flags['calib-data'] && flags.random) throw new WorkbenchError('cli', 'FLAG_CONFLICT', 'give either --calib-data or --random, not both');
  if (flags['calib-data']) calibration = sourceFor(flags['calib-data'], flags, calibLimit, 'calib-data');
  else if (flags.random) {
    const count = positiveInt('random', flags.random)!;
    calibration = { kind: 'random', count, seed: flags.seed !== undefined ? Number(flags.seed) : 0 };
  }
  // Labels belong to the data the models are compared on: --eval-data, or the calibration data when it doubles as it.
  let evaluation: SampleSourceOptions | undefined;
  if (flags['eval-data']) evaluation = sourceFor(flags['eval-data'], flags, evalLimit, 'eval-data', flags.labels);
  else if (calibration && (evalLimit || flags.labels)) {
    evaluation = calibration.kind === 'images' ? { ...calibration, labels: flags.labels, limit: evalLimit ?? calibration.limit } : { ...calibration, limit: evalLimit ?? calibration.limit };
  }
  return { calibration, evaluation };
}
