import { dataError } from './data-error';
import { elementCount, formatDims } from './tensor-data';
import type { ModelInputSpec, TensorData } from './types';

/**
 * Checks an array against a model input: the data type must be identical (no silent conversion — a float64 array
 * for a float32 input is refused with a hint) and the dims must be identical (no silent reshape, no added batch
 * axis, no NHWC↔NCHW transpose). With `allowBatchSplit`, an array [N·B, …rest] for an input [B, …rest] is split into
 * N samples; the slices are views that share the array's buffer (no copy).
 */
export function matchTensorToInput(
  tensor: TensorData,
  input: ModelInputSpec,
  where: string,
  file: string | undefined,
  allowBatchSplit: boolean,
): TensorData[] {
  if (tensor.dataType !== input.dataType) {
    throw dataError(
      'INPUT_DTYPE_MISMATCH',
      `${where}: input '${input.name}' expects ${input.dataType} but the array is ${tensor.dataType}. Convert it before saving, e.g. np.save(path, x.astype(np.${numpyName(input.dataType)})).`,
      file,
    );
  }
  const dims = tensor.dims;
  const expected = input.dims;
  if (sameDims(dims, expected)) return [tensor];
  if (allowBatchSplit && expected.length >= 1 && dims.length === expected.length && expected[0] >= 1) {
    const batch = expected[0];
    if (sameDims(dims.slice(1), expected.slice(1)) && dims[0] % batch === 0 && dims[0] > 0) {
      const per = elementCount(expected) ?? 0;
      const slices: TensorData[] = [];
      for (let start = 0; start < dims[0] / batch; start++) {
        slices.push({ dataType: tensor.dataType, dims: [...expected], data: tensor.data.subarray(start * per, (start + 1) * per) as TensorData['data'] });
      }
      return slices;
    }
  }
  throw dataError(
    'INPUT_SHAPE_MISMATCH',
    `${where}: input '${input.name}' expects shape ${formatDims(expected)} but the array has shape ${formatDims(dims)}.${shapeHint(dims, expected, allowBatchSplit)}`,
    file,
  );
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function shapeHint(dims: readonly number[], expected: readonly number[], allowBatchSplit: boolean): string {
  if (dims.length + 1 === expected.length && sameDims(dims, expected.slice(1))) {
    return ' It lacks the batch dimension; save it with np.expand_dims(x, 0).';
  }
  if (dims.length === 4 && expected.length === 4 && sameDims([dims[0], dims[3], dims[1], dims[2]], expected)) {
    return ' It looks like NHWC data for an NCHW input; transpose it with x.transpose(0, 3, 1, 2).';
  }
  if (dims.length === 4 && expected.length === 4 && sameDims([dims[0], dims[2], dims[3], dims[1]], expected)) {
    return ' It looks like NCHW data for an NHWC input; transpose it with x.transpose(0, 2, 3, 1).';
  }
  if (!allowBatchSplit && dims.length === expected.length && sameDims(dims.slice(1), expected.slice(1))) {
    return ' In a folder each file holds exactly one sample; save a batch as a single file to have it split.';
  }
  return '';
}

function numpyName(dataType: string): string {
  return dataType === 'bool' ? 'bool_' : dataType;
}
