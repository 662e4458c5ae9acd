/**
 * Conversions between the workbench's TensorData and the bytes a TensorRT engine binds: feeds are converted to the
 * engine's input type (float32 -> float16 when the engine takes half, int64 -> int32, ...), results come back as
 * float32 (RunnerOutput), like OrtRunner's.
 */
import { WorkbenchError } from '../../app/errors';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToFloat16Bits } from '../../app/onnx/float16';
import type { TrtDataType, TrtHostTensor } from '../../native/index';
import type { TensorData } from '../data/types';
import type { RunnerOutput } from './runner';

type NumericArray = ArrayLike<number> | BigInt64Array;

function toNumbers(tensor: TensorData): ArrayLike<number> {
  if (tensor.dataType === 'float16') return Float32Array.from(tensor.data as Uint16Array, float16BitsToFloat32);
  if (tensor.data instanceof BigInt64Array) return Float64Array.from(tensor.data, Number);
  return tensor.data as ArrayLike<number>;
}

function checkIntegers(values: NumericArray, name: string, target: TrtDataType): void {
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isInteger(v) || (target === 'int32' && (v < -2147483648 || v > 2147483647))) {
      throw new WorkbenchError('trt', 'TRT_INPUT_MISMATCH', `Input '${name}' value ${v} at index ${i} does not fit the engine's ${target} input.`);
    }
  }
}

/** The feed as bytes of the engine's type `target`. Throws TRT_INPUT_MISMATCH when the values cannot be represented. */
export function feedToEngineType(name: string, tensor: TensorData, target: TrtDataType): ArrayBufferView {
  if (tensor.dataType === target) return tensor.data;
  if (tensor.dataType === 'float16' && target === 'float16') return tensor.data;
  switch (target) {
    case 'float32':
      return Float32Array.from(toNumbers(tensor));
    case 'float16':
      return Uint16Array.from(toNumbers(tensor), float32ToFloat16Bits);
    case 'int32': {
      const values = tensor.data instanceof BigInt64Array ? tensor.data : toNumbers(tensor);
      checkIntegers(values, name, target);
      return Int32Array.from(values as ArrayLike<number>, Number);
    }
    case 'int64': {
      const values = toNumbers(tensor);
      checkIntegers(values, name, target);
      return BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    }
    case 'uint8':
      if (tensor.dataType === 'bool') return tensor.data;
      break;
    case 'bool':
      if (tensor.dataType === 'uint8') return Uint8Array.from(tensor.data as Uint8Array, (v) => (v ? 1 : 0));
      break;
    case 'int8':
      break;
    default:
      break;
  }
  throw new WorkbenchError('trt', 'TRT_INPUT_MISMATCH', `Input '${name}' is ${tensor.dataType}; the engine expects ${target}, and the runner does not convert between them.`);
}

/** A host copy from the addon as float32 (what the passes compare). Sub-byte and fp8 types cannot be converted. */
export function hostTensorToFloat32(tensor: TrtHostTensor): RunnerOutput {
  const buffer = tensor.data;
  let data: Float32Array;
  switch (tensor.dataType) {
    case 'float32':
      data = new Float32Array(buffer.slice(0));
      break;
    case 'float16':
      data = Float32Array.from(new Uint16Array(buffer), float16BitsToFloat32);
      break;
    case 'bfloat16':
      data = Float32Array.from(new Uint16Array(buffer), bfloat16BitsToFloat32);
      break;
    case 'int8':
      data = Float32Array.from(new Int8Array(buffer));
      break;
    case 'uint8':
    case 'bool':
      data = Float32Array.from(new Uint8Array(buffer));
      break;
    case 'int32':
      data = Float32Array.from(new Int32Array(buffer));
      break;
    case 'int64':
      data = Float32Array.from(new BigInt64Array(buffer), Number);
      break;
    default:
      throw new WorkbenchError('trt', 'TRT_RUN_FAILED', `Tensor '${tensor.name}' is ${tensor.dataType}, which the runner cannot convert to float32.`);
  }
  return { dims: [...tensor.dims], data };
}
