/**
 * ONNX Runtime (CPU) runner. `run()` blocks a native thread pool and cannot be cancelled; callers that need
 * cancellation run it in the engine host process and kill that process.
 */
import * as ort from 'onnxruntime-node';
import { WorkbenchError } from '../../app/errors';
import { encodeModel } from '../../app/onnx/encode';
import { float16BitsToFloat32 } from '../../app/onnx/float16';
import type { ModelProto } from '../../app/onnx/proto';
import type { TensorData } from '../data/types';

export interface RunnerOutput {
  dims: number[];
  data: Float32Array;
}

function classifySessionError(message: string): string {
  if (/Could not find an implementation|not implemented|Unsupported op|No Op registered/i.test(message)) return 'RUNTIME_OP_UNSUPPORTED';
  if (/opset|Opset|domain_version/.test(message)) return 'RUNTIME_OPSET_UNSUPPORTED';
  if (/protobuf|Protobuf|parsing/i.test(message)) return 'RUNTIME_MODEL_INVALID';
  return 'RUNTIME_SESSION_FAILED';
}

export interface RunnerOptions {
  threads?: number;
  /**
   * 'all' (ORT's default) or 'extended'. Sessions that return many intermediate tensors run faster at 'extended':
   * at 'all' every captured tensor of an NCHWc-blocked conv needs a reorder back to NCHW (ppocrv4_det at 640×640
   * with its 85 layer outputs captured: 305 ms per run at 'all', 144 ms at 'extended').
   */
  optimization?: 'all' | 'extended';
}

export class OrtRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly label: string,
  ) {}

  static async create(model: ModelProto | Uint8Array, label: string, options: RunnerOptions = {}): Promise<OrtRunner> {
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    try {
      const session = await ort.InferenceSession.create(bytes, {
        graphOptimizationLevel: options.optimization ?? 'all',
        executionMode: 'sequential',
        intraOpNumThreads: options.threads ?? 0,
        logSeverityLevel: 3,
        // Keep Q/DQ as written: no QDQ→integer-kernel fusion and no int32 bias quantization (WeightBiasQuantization
        // emits Round/axis nodes that are invalid at opsets < 11 and with com.microsoft Q/DQ). The emulation is then
        // exactly "dequantize, compute in float32", the semantics TensorRT's Q/DQ model documents.
        extra: { session: { disable_quant_qdq: '1' } },
      });
      return new OrtRunner(session, label);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new WorkbenchError('runtime', classifySessionError(message), `${label}: ONNX Runtime cannot load this model: ${message.split('\n')[0]}`, {
        file: label,
      });
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs once. Float outputs come back as Float32Array; other types are converted to float32. */
  async run(feeds: Record<string, TensorData>, fetch: readonly string[]): Promise<Map<string, RunnerOutput>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      ortFeeds[name] = new ort.Tensor(tensor.dataType as ort.Tensor.Type, tensor.data as ort.Tensor.DataType, tensor.dims);
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(ortFeeds, fetch as string[]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = /dimension|shape|Got invalid dimensions|data type|type \(/i.test(message) ? 'RUNTIME_INPUT_MISMATCH' : 'RUNTIME_RUN_FAILED';
      throw new WorkbenchError('runtime', code, `${this.label}: inference failed: ${message.split('\n')[0]}`);
    }
    const out = new Map<string, RunnerOutput>();
    for (const name of fetch) {
      const tensor = results[name];
      if (!tensor) continue;
      const dims = tensor.dims.map(Number);
      const data = tensor.data;
      let floats: Float32Array;
      if (data instanceof Float32Array) floats = data;
      else if (tensor.type === 'float16' && data instanceof Uint16Array) floats = Float32Array.from(data, float16BitsToFloat32);
      else if (data instanceof BigInt64Array || data instanceof BigUint64Array) floats = Float32Array.from(data, Number);
      else if (ArrayBuffer.isView(data)) floats = Float32Array.from(data as unknown as ArrayLike<number>);
      else floats = new Float32Array(0);
      out.set(name, { dims, data: floats });
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
