import { float32ToFloat16Bits } from '../../app/onnx/float16';
import { dataError } from './data-error';
import { SeededRandom } from './seeded-random';
import { allocateTensorArray, elementCount, formatTensorType, setFeed } from './tensor-data';
import type { InputDataType, ModelInputSpec, Sample, SampleSource, TensorData } from './types';

export interface RandomSourceOptions {
  kind: 'random';
  count: number;
  seed: number;
  /** float inputs only: 'normal' = standard normal (default), 'uniform' = [0, 1) */
  distribution?: 'normal' | 'uniform';
  /** at most this many of the `count` samples (sample i is the same either way) */
  limit?: number;
  /**
   * Inclusive range for integer inputs. Without it: uint8 0..255, int8 −128..127, bool 0/1; int16/uint16/int32/int64
   * inputs (token ids, indices, masks, shapes) have no meaningful random default and are refused.
   */
  intRange?: [number, number];
}

const DEFAULT_INT_RANGES: Partial<Record<InputDataType, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  bool: [0, 1],
};
const TYPE_RANGES: Record<string, [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  bool: [0, 1],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * Deterministic random samples: sample i of seed s is drawn from its own PRNG stream (s, i), so it is the same
 * whatever the count, limit or iteration order. Inputs are filled in the order given.
 */
export function openRandomSource(options: RandomSourceOptions, inputs: ModelInputSpec[]): SampleSource {
  const invalid = (problem: string) => dataError('DATA_OPTIONS_INVALID', `Random data: ${problem}.`);
  if (!Number.isSafeInteger(options.count) || options.count < 1 || options.count > 1_000_000) {
    throw invalid(`count must be an integer from 1 to 1,000,000, got ${options.count}`);
  }
  if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) throw invalid(`seed must be a finite number, got ${options.seed}`);
  const distribution = options.distribution ?? 'normal';
  if (distribution !== 'normal' && distribution !== 'uniform') throw invalid(`distribution must be 'normal' or 'uniform', got '${distribution}'`);
  if (inputs.length === 0) throw invalid('the model has no inputs to fill');

  const plans = inputs.map((input) => {
    const length = elementCount(input.dims);
    if (length === undefined) throw invalid(`input '${input.name}' has dims [${input.dims.join(', ')}], which are not concrete`);
    const isFloat = input.dataType === 'float32' || input.dataType === 'float64' || input.dataType === 'float16';
    let range: [number, number] | undefined;
    if (!isFloat) {
      range = options.intRange ?? DEFAULT_INT_RANGES[input.dataType];
      if (!range) {
        throw dataError(
          'RANDOM_INPUT_UNSUPPORTED',
          `Random data cannot fill input '${input.name}' (${formatTensorType(input.dataType, input.dims)}): integer inputs like token ids or indices have no meaningful random values. Give intRange [min, max] or use an .npy/.npz source.`,
        );
      }
      const [low, high] = TYPE_RANGES[input.dataType];
      if (!Number.isSafeInteger(range[0]) || !Number.isSafeInteger(range[1]) || range[0] > range[1] || range[0] < low || range[1] > high) {
        throw invalid(`intRange [${range.join(', ')}] is not a valid integer range for ${input.dataType} input '${input.name}'`);
      }
    }
    return { input, length, isFloat, range };
  });

  const makeSample = (index: number): Sample => {
    const random = new SeededRandom(options.seed, index);
    const feeds: Record<string, TensorData> = {};
    for (const { input, length, isFloat, range } of plans) {
      const data = allocateTensorArray(input.dataType, length);
      if (isFloat) {
        const draw = distribution === 'normal' ? () => random.nextNormal() : () => random.nextFloat();
        if (input.dataType === 'float16') {
          const bits = data as Uint16Array;
          for (let i = 0; i < length; i++) bits[i] = float32ToFloat16Bits(draw());
        } else {
          const values = data as Float32Array | Float64Array;
          for (let i = 0; i < length; i++) values[i] = draw();
        }
      } else if (range) {
        if (input.dataType === 'int64') {
          const values = data as BigInt64Array;
          for (let i = 0; i < length; i++) values[i] = BigInt(random.nextInt(range[0], range[1]));
        } else {
          const values = data as Uint8Array;
          for (let i = 0; i < length; i++) values[i] = random.nextInt(range[0], range[1]);
        }
      }
      setFeed(feeds, input.name, { dataType: input.dataType, dims: [...input.dims], data });
    }
    return { id: `random-${index}`, feeds };
  };

  const count = options.limit !== undefined ? Math.min(options.count, options.limit) : options.count;
  return {
    count,
    description:
      `${count} random samples (seed ${options.seed}; float inputs ${distribution === 'normal' ? 'standard normal' : 'uniform [0, 1)'}` +
      `${plans.some((plan) => plan.range) ? ', integer inputs uniform over their range' : ''}) for ${inputs.map((i) => `'${i.name}'`).join(', ')}`,
    async *samples() {
      for (let index = 0; index < count; index++) yield makeSample(index);
    },
  };
}
