/** Shared shapes of the data layer: what a model input expects and what a sample feeds it. */

export type InputDataType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'bool';

export interface ModelInputSpec {
  name: string;
  dataType: InputDataType;
  /** concrete dims, already resolved (no dynamic dims) */
  dims: number[];
}

export interface TensorData {
  dataType: InputDataType;
  dims: number[];
  data:
    | Float32Array
    | Uint8Array
    | Int8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | BigInt64Array
    | Float64Array
    | Uint16Array /* float16 as raw bits */;
}

export interface Sample {
  /** file name or index */
  id: string;
  label?: number;
  feeds: Record<string, TensorData>;
}

export interface SampleSource {
  readonly count: number;
  readonly description: string;
  samples(): AsyncIterable<Sample>;
}
