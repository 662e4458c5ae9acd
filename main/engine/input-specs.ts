/** Turning the model's declared inputs (possibly dynamic) into concrete specs the data loaders fill. */
import { WorkbenchError } from '../../app/errors';
import type { Graph } from '../../app/model/graph';
import { dataTypeName } from '../../app/onnx/data-types';
import type { InputDataType, ModelInputSpec } from '../data/types';

const SUPPORTED: InputDataType[] = ['float32', 'float16', 'float64', 'uint8', 'int8', 'int16', 'uint16', 'int32', 'int64', 'bool'];

/** Default for dynamic H/W of 4-D image inputs when the user gives no shape. */
export const DEFAULT_SPATIAL_SIZE = 640;

/** Parses "name:1x3x640x640,other:1x64" (or a bare "1x3x640x640" for single-input models). */
export function parseInputShapes(text: string): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const cut = part.lastIndexOf(':');
    const name = cut >= 0 ? part.slice(0, cut) : '';
    const dims = (cut >= 0 ? part.slice(cut + 1) : part).split(/[x×]/).map((d) => Number(d));
    if (dims.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new WorkbenchError('cli', 'INPUT_SHAPE_INVALID', `--input-shape '${part}': dims must be positive integers like 1x3x640x640`);
    }
    shapes[name] = dims;
  }
  return shapes;
}

export function resolveInputSpecs(graph: Graph, given: Record<string, number[]> = {}, notes: string[] = []): ModelInputSpec[] {
  const inputs = graph.feedInputs();
  return inputs.map((input) => {
    const dataType = dataTypeName(input.elemType ?? 0) as InputDataType;
    if (!SUPPORTED.includes(dataType)) {
      throw new WorkbenchError('model', 'INPUT_TYPE_UNSUPPORTED', `model input '${input.name}' has type ${dataType}, which this tool cannot feed`);
    }
    const explicit = given[input.name] ?? (inputs.length === 1 ? given[''] : undefined);
    const declared = input.shape;
    if (explicit) {
      if (declared && declared.length !== explicit.length) {
        throw new WorkbenchError('model', 'INPUT_SHAPE_MISMATCH', `--input-shape for '${input.name}' has rank ${explicit.length}, the model declares rank ${declared.length} [${declared.map((d) => d ?? '?').join(',')}]`);
      }
      declared?.forEach((d, i) => {
        if (typeof d === 'number' && d > 0 && d !== explicit[i]) {
          throw new WorkbenchError('model', 'INPUT_SHAPE_MISMATCH', `--input-shape for '${input.name}' sets dim ${i} to ${explicit[i]}, the model fixes it at ${d}`);
        }
      });
      return { name: input.name, dataType, dims: explicit };
    }
    if (!declared) {
      throw new WorkbenchError('model', 'INPUT_SHAPE_UNKNOWN', `model input '${input.name}' declares no shape; pass --input-shape ${input.name}:<dims>`);
    }
    const dims = declared.map((d, i) => {
      if (typeof d === 'number' && d > 0) return d;
      if (i === 0) return 1; // dynamic batch
      const imageLike = declared.length === 4 && (declared[1] === 3 || declared[1] === 1) && i >= 2;
      if (imageLike) return DEFAULT_SPATIAL_SIZE;
      throw new WorkbenchError(
        'model',
        'INPUT_SHAPE_UNKNOWN',
        `model input '${input.name}' has dynamic dim ${i} ('${d ?? '?'}') in [${declared.map((x) => x ?? '?').join(',')}]; pass --input-shape ${input.name}:<dims>`,
      );
    });
    if (declared.some((d, i) => i > 0 && !(typeof d === 'number' && d > 0))) {
      notes.push(`input '${input.name}' has dynamic spatial dims; using ${dims.join('x')} (set --input-shape to change)`);
    }
    return { name: input.name, dataType, dims };
  });
}
