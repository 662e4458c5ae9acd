/**
 * ModelOpt/AutoCast-style exclusion lists: the nodes a plan keeps above its reduced precision, for users who run
 * NVIDIA ModelOpt themselves on the FP32 model.
 *   - with INT8 layers: every layer NOT in INT8 → `python -m modelopt.onnx.quantization --nodes_to_exclude …`
 *   - FP16 plans: every FP32 layer → `python -m modelopt.onnx.autocast --nodes_to_exclude …` (kept in FP32)
 * `nodes_to_exclude.txt` holds one node name per line (no comments, no escaping) for the plan's main reduced
 * precision; `modelopt.sh` has the command-line form, where ModelOpt reads each entry as a Python regular
 * expression (re.match), so names are escaped and anchored there.
 * Unnamed nodes cannot be named in either tool; they are listed as a comment.
 */
import type { Precision } from '../precision/plan';
import { pythonRegexLiteral, shellCommand } from './shell';

export interface ExcludeLayer {
  name: string;
  /** First output, to identify unnamed nodes in messages. */
  output: string;
  precision: Precision;
  graphPath: string;
}

export interface ExcludeListInput {
  layers: readonly ExcludeLayer[];
  floatModelPath: string;
  cacheFile: string | null;
  outputPrefix: string;
}

/** Names kept above INT8 (when the plan has INT8 layers), else kept above FP16. */
export function nodesToExclude(layers: readonly ExcludeLayer[]): { names: string[]; unnamed: ExcludeLayer[]; above: 'int8' | 'fp16' } {
  const above = layers.some((l) => l.precision === 'int8') ? 'int8' : 'fp16';
  const kept = layers.filter((l) => (above === 'int8' ? l.precision !== 'int8' : l.precision === 'fp32'));
  const names = [...new Set(kept.filter((l) => l.name !== '').map((l) => l.name))];
  return { names, unnamed: kept.filter((l) => l.name === ''), above };
}

export function nodesToExcludeText(layers: readonly ExcludeLayer[]): string {
  const { names } = nodesToExclude(layers);
  return names.map((n) => `${n}\n`).join('');
}

export function modeloptScript(input: ExcludeListInput): string {
  const hasInt8 = input.layers.some((l) => l.precision === 'int8');
  const hasFp16 = input.layers.some((l) => l.precision === 'fp16');
  const named = (keep: (l: ExcludeLayer) => boolean) => [...new Set(input.layers.filter((l) => keep(l) && l.name !== '').map((l) => l.name))];
  const unnamed = input.layers.filter((l) => l.name === '' && l.precision !== 'int8');
  const lines = [
    '#!/bin/sh',
    '# NVIDIA ModelOpt commands that apply this plan\'s precision choices to the original FP32 model, for pipelines',
    '# built around ModelOpt. The exported Q/DQ model already IS the analysed result; ModelOpt places Q/DQ by its',
    '# own rules (and may skip layers itself), so its output can differ from what was analysed.',
    '# --nodes_to_exclude entries are Python regular expressions matched with re.match: names are escaped, anchored.',
    ...(unnamed.length > 0 ? [`# ${unnamed.length} excluded layers have no node name and cannot be listed (outputs: ${unnamed.slice(0, 5).map((l) => `'${l.output}'`).join(', ')}${unnamed.length > 5 ? ', …' : ''}).`] : []),
    'set -e',
    'cd "$(dirname "$0")"',
  ];
  if (hasInt8) {
    const exclude = named((l) => l.precision !== 'int8');
    lines.push(
      '',
      `# INT8 with the analysed activation scales (${input.cacheFile ?? 'calibration cache'}); the ${exclude.length} named layers the plan keeps in FP16/FP32 excluded.`,
      shellCommand([
        'python', '-m', 'modelopt.onnx.quantization', `--onnx_path=${input.floatModelPath}`, '--quantize_mode=int8',
        ...(input.cacheFile ? [`--calibration_cache_path=${input.cacheFile}`] : []), `--output_path=${input.outputPrefix}.modelopt.int8.onnx`,
        ...(exclude.length > 0 ? ['--nodes_to_exclude', ...exclude.map(pythonRegexLiteral)] : []),
      ]),
    );
  }
  if (hasFp16 || !hasInt8) {
    const exclude = named((l) => l.precision === 'fp32');
    lines.push(
      '',
      `# FP16 with AutoCast (converts every op, not only the plan's layers); the ${exclude.length} named FP32 layers kept in FP32.`,
      shellCommand([
        'python', '-m', 'modelopt.onnx.autocast', `--onnx_path=${input.floatModelPath}`, '--low_precision_type=fp16', `--output_path=${input.outputPrefix}.modelopt.fp16.onnx`,
        ...(exclude.length > 0 ? ['--nodes_to_exclude', ...exclude.map(pythonRegexLiteral)] : []),
      ]),
    );
  }
  lines.push('');
  return lines.join('\n');
}
