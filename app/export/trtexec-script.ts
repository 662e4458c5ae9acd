/**
 * `trtexec.sh`: the TensorRT builds of an export, for TensorRT 11 and 10, as one POSIX sh script with a case per
 * variant (a machine has one TensorRT installed; `sh trtexec.sh 11|10|10-implicit`). Paths are relative to the
 * export folder (the script cds there) except the original model of the implicit path.
 *
 * Flags (trtexec, TensorRT 10.x samples/common/sampleOptions.cpp; reference/tensorrt.md §3.3, §5):
 *   --stronglyTyped           types come from the graph (11: always; 10: recommended since weak typing is
 *                             deprecated in 10.12) — no --int8/--fp16 then;
 *   --min/opt/maxShapes, --shapes  only for models with dynamic inputs: trtexec rejects explicit shapes for static
 *                             models ("Static model does not take explicit shapes");
 *   --profilingVerbosity=detailed --exportLayerInfo --exportProfile --separateProfileRun
 *                             engine layer information (with the ONNX node names in "Metadata") and per-layer times;
 *   --int8 --calib --fp16 --precisionConstraints=obey --layerPrecisions   the implicit path (10.x only).
 */
import type { Precision } from '../precision/plan';
import { shellCommand, trtexecName } from './shell';

export interface TrtexecScriptInput {
  /** Name of the analysed model, for the header. */
  modelLabel: string;
  /** File the strongly typed builds read (in the export folder). */
  stronglyTypedFile: string;
  /** 'mixed' when that file has real float16 layers, 'qdq' when it is the Q/DQ export. */
  stronglyTypedKind: 'mixed' | 'qdq';
  /** The original FP32 model, for the implicit path. */
  floatModelPath: string;
  /** Calibration cache in the export folder; null when the plan quantizes nothing. */
  cacheFile: string | null;
  /** Prefix of engine, layer-info and profile files. */
  outputPrefix: string;
  /** Analysed shapes; `dynamic` when the exported model leaves a dim of that input open. */
  inputs: { name: string; dims: number[]; dynamic: boolean }[];
  /** Every layer with its TensorRT layer name (the ONNX node name, or node_of_<first output> when unnamed). */
  layers: { trtName: string; precision: Precision }[];
  /** Files the script refers to that this export did not write (--what). */
  notWritten: string[];
  /** Provenance lines for the header (report date, tool version…). */
  provenance: string[];
}

function shapeFlags(inputs: TrtexecScriptInput['inputs']): string[] {
  const dynamic = inputs.filter((i) => i.dynamic);
  if (dynamic.length === 0) return [];
  const spec = dynamic.map((i) => `${trtexecName(i.name)}:${i.dims.join('x')}`).join(',');
  return [`--minShapes=${spec}`, `--optShapes=${spec}`, `--maxShapes=${spec}`, `--shapes=${spec}`];
}

function reportFlags(prefix: string, variant: string): string[] {
  return [
    `--saveEngine=${prefix}.${variant}.engine`,
    '--profilingVerbosity=detailed',
    `--exportLayerInfo=${prefix}.${variant}.layers.json`,
    `--exportProfile=${prefix}.${variant}.profile.json`,
    '--separateProfileRun',
  ];
}

export function trtexecScript(input: TrtexecScriptInput): string {
  const counts: Record<Precision, number> = { int8: 0, fp16: 0, fp32: 0 };
  for (const l of input.layers) counts[l.precision]++;
  const hasInt8 = counts.int8 > 0;
  const hasFp16 = counts.fp16 > 0;
  const shapes = shapeFlags(input.inputs);
  const strongly = ['"$TRTEXEC"', `--onnx=${input.stronglyTypedFile}`, '--stronglyTyped', ...shapes];

  // Implicit path: enable the reduced precisions the plan uses, pin every layer that must not drop lower.
  const implicit = ['"$TRTEXEC"', `--onnx=${input.floatModelPath}`];
  if (hasInt8) implicit.push('--int8', `--calib=${input.cacheFile ?? ''}`);
  if (hasFp16) implicit.push('--fp16');
  const pinned = input.layers.filter((l) => (l.precision === 'fp32' && (hasInt8 || hasFp16)) || (l.precision === 'fp16' && hasInt8));
  if (pinned.length > 0) {
    implicit.push('--precisionConstraints=obey', `--layerPrecisions=${pinned.map((l) => `${trtexecName(l.trtName)}:${l.precision}`).join(',')}`);
  }
  implicit.push(...shapes);
  const unrepresentable = pinned.filter((l) => l.trtName.includes(','));

  const raw = (words: string[]) => {
    // "$TRTEXEC" must stay unquoted-by-us (it is already a quoted expansion).
    const [first, ...rest] = words;
    const command = shellCommand(rest, '');
    return `    ${first} ${command.replace(/\n/g, '\n    ')}`;
  };
  const shapesLine = input.inputs.map((i) => `${i.name} ${i.dims.join('x')}${i.dynamic ? ' (dynamic in the model)' : ''}`).join(', ');
  const lines: string[] = [
    '#!/bin/sh',
    `# TensorRT builds of ${input.modelLabel} exactly as Precision Workbench analysed it.`,
    ...input.provenance.map((p) => `# ${p}`),
    `# Plan: ${counts.int8} int8, ${counts.fp16} fp16, ${counts.fp32} fp32 layers. Analysed input shapes: ${shapesLine || 'none'}.`,
    ...(shapes.length > 0
      ? ['# The optimization profile is fixed at the analysed shapes (the calibration saw only these); widen', '# --minShapes/--maxShapes for other sizes and re-check accuracy at them.']
      : ['# The model has static input shapes, so no shape flags are passed (trtexec rejects them for static models).']),
    '#',
    '# Usage: sh trtexec.sh 11            TensorRT 11 (strongly typed; precision lives in the graph)',
    '#        sh trtexec.sh 10            TensorRT 10, strongly typed explicit quantization (builds what was analysed)',
    '#        sh trtexec.sh 10-implicit   TensorRT 10, implicit INT8/FP16 from builder flags (deprecated; approximate)',
    '# TRTEXEC=/path/to/trtexec overrides the binary. Each build writes the engine, its layer information',
    '# (*.layers.json: engine layers with their ONNX nodes in "Metadata") and a per-layer profile (*.profile.json).',
    ...input.notWritten.map((f) => `# Note: ${f} is referenced below but was not written by this export (see pwb export --what).`),
    ...unrepresentable.map((l) => `# Warning: layer '${l.trtName}' has a ',' in its name, which --layerPrecisions cannot express.`),
    'set -e',
    'cd "$(dirname "$0")"',
    'TRTEXEC="${TRTEXEC:-trtexec}"',
    'case "${1:-}" in',
    '  11)',
    '    # TensorRT 11 has no --int8/--fp16, no calibrators and no per-layer precision: every network is strongly',
    input.stronglyTypedKind === 'mixed'
      ? `    # typed. INT8 comes from the Q/DQ pairs, FP16 from the float16 tensors and Casts of ${input.stronglyTypedFile}.`
      : `    # typed. INT8 comes from the Q/DQ pairs of ${input.stronglyTypedFile}${hasFp16 ? '; its FP16 layers are float32 with float16 rounding Casts (export --what fp16 for real float16)' : ''}.`,
    raw([...strongly, ...reportFlags(input.outputPrefix, 'trt11')]),
    '    ;;',
    '  10)',
    '    # TensorRT 10, strongly typed (--stronglyTyped, 10.0+): the same graph as for 11, built exactly as analysed.',
    '    # Weakly typed alternative on 10.x (deprecated since 10.12): drop --stronglyTyped, add --int8 (Q/DQ graphs',
    '    # need it) and --fp16 — TensorRT may then also run layers the plan keeps in FP32 in FP16.',
    raw([...strongly, ...reportFlags(input.outputPrefix, 'trt10')]),
    '    ;;',
    '  10-implicit)',
    '    # TensorRT 10 implicit quantization (deprecated since 10.1, removed in 11) on the original FP32 model:',
    hasInt8
      ? `    # INT8 ranges from ${input.cacheFile} (the analysed scales), non-INT8 layers pinned with --layerPrecisions.`
      : '    # reduced precision from builder flags, FP32 layers pinned with --layerPrecisions.',
    '    # Approximate: TensorRT chooses its own fusions, and implicit INT8 needs a range for every tensor an INT8',
    '    # layer reads or writes; the cache holds the analysed layer inputs only, so a layer whose output has no range',
    '    # (e.g. Conv → Sigmoid) falls back to FP16/FP32. Prefer "10" to build what was analysed.',
    raw([...implicit, ...reportFlags(input.outputPrefix, 'trt10-implicit')]),
    '    ;;',
    '  *)',
    '    echo "usage: sh trtexec.sh 11 | 10 | 10-implicit" >&2',
    '    exit 2',
    '    ;;',
    'esac',
    '',
  ];
  return lines.join('\n');
}
