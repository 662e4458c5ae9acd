/**
 * Realized precision: what a Format/Datatype string says a tensor is stored as, and what a layer computes in.
 * Handles the short 10.x spellings ("Float", "Half", "Int8"), the 8.x/inspector descriptions ("Channel major FP16
 * format where channel % 8 == 0", "Thirty-two wide channel vectorized row major Int8 format") and the one-line
 * log's `Half[...]` / `Float(...)` type names.
 */
import type { EngineLayer, PrecisionMix, TrtDataType } from './types';

const RULES: [RegExp, TrtDataType][] = [
  [/\bb(?:float)?16\b|\bbf16\b/i, 'bf16'],
  [/\bfp8\b|\bfloat8|\be4m3\b|\be5m2\b/i, 'fp8'],
  [/\bfp4\b|\bfloat4|\be2m1\b/i, 'fp4'],
  [/\buint8\b/i, 'uint8'],
  [/\bint8\b/i, 'int8'],
  [/\bint4\b/i, 'int4'],
  [/\bint32\b/i, 'int32'],
  [/\bint64\b/i, 'int64'],
  [/\bbool(?:ean)?\b/i, 'bool'],
  [/\bfp16\b|\bhalf\b|\bfloat16\b/i, 'fp16'],
  [/\bfp32\b|\bfloat(?:32)?\b/i, 'fp32'],
];

export function dataTypeOf(format: string | undefined): TrtDataType {
  if (!format) return 'unknown';
  for (const [pattern, type] of RULES) if (pattern.test(format)) return type;
  return 'unknown';
}

/** Lower = less precise; used to pick the compute precision of a layer from its inputs. */
const FLOAT_RANK: Partial<Record<TrtDataType, number>> = { fp4: 0, int4: 0, fp8: 1, int8: 1, uint8: 1, fp16: 2, bf16: 2, fp32: 3 };

/**
 * The precision a layer computes in: its weights type when it has weights; else the least precise
 * floating/int8 input (TensorRT's INT8 convolutions read INT8 and may write FP32); else the first output's type.
 */
export function layerComputePrecision(layer: Pick<EngineLayer, 'weightsType' | 'inputs' | 'outputs'>): TrtDataType {
  const weights = dataTypeOf(layer.weightsType);
  if (FLOAT_RANK[weights] !== undefined) return weights;
  let best: TrtDataType | undefined;
  for (const input of layer.inputs) {
    const rank = FLOAT_RANK[input.dataType];
    if (rank !== undefined && (best === undefined || rank < FLOAT_RANK[best]!)) best = input.dataType;
  }
  if (best) return best;
  for (const output of layer.outputs) if (FLOAT_RANK[output.dataType] !== undefined) return output.dataType;
  return layer.outputs[0]?.dataType ?? layer.inputs[0]?.dataType ?? 'unknown';
}

export function precisionMix(layers: readonly { precision: TrtDataType }[]): PrecisionMix {
  const mix: PrecisionMix = {};
  for (const layer of layers) mix[layer.precision] = (mix[layer.precision] ?? 0) + 1;
  return mix;
}

/** True when `realized` is more precise than `planned` (e.g. fp32 where int8 was asked). */
export function morePrecise(realized: TrtDataType, planned: 'int8' | 'fp16' | 'fp32'): boolean | undefined {
  const r = FLOAT_RANK[realized];
  if (r === undefined) return undefined;
  return r > FLOAT_RANK[planned]!;
}

export function lessPrecise(realized: TrtDataType, planned: 'int8' | 'fp16' | 'fp32'): boolean | undefined {
  const r = FLOAT_RANK[realized];
  if (r === undefined) return undefined;
  return r < FLOAT_RANK[planned]!;
}
