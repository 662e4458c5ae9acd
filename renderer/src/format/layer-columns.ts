/** The layer table's columns: label, width, alignment and how a row's value prints (with units). */
import type { LayerRow } from '../../../app/contract/views';
import type { ColumnKey } from '../state/table-logic';
import { formatCosine, formatCount, formatDb, formatNumber, formatPercent } from './units';

export interface LayerColumn {
  key: ColumnKey;
  label: string;
  title: string;
  width: string;
  numeric: boolean;
  format: (row: LayerRow) => string;
}

export const LAYER_COLUMNS: readonly LayerColumn[] = [
  { key: 'index', label: '#', title: 'Position in the model (topological)', width: '52px', numeric: true, format: (r) => String(r.index) },
  { key: 'name', label: 'Layer', title: 'ONNX node name', width: 'minmax(220px, 1fr)', numeric: false, format: (r) => r.name },
  { key: 'opType', label: 'Op', title: 'ONNX op type', width: '110px', numeric: false, format: (r) => r.opType },
  { key: 'precision', label: 'Precision', title: 'Precision in this build; click to stage a change', width: '150px', numeric: false, format: (r) => r.precision },
  { key: 'sqnrDb', label: 'SQNR', title: 'Signal-to-quantization-noise ratio of the layer output vs FP32 (dB, higher is better)', width: '86px', numeric: true, format: (r) => formatDb(r.sqnrDb, { exact: r.mse === 0 }) },
  { key: 'cosineSimilarity', label: 'Cosine', title: 'Cosine similarity of the layer output vs FP32', width: '86px', numeric: true, format: (r) => formatCosine(r.cosineSimilarity) },
  { key: 'relL2Error', label: 'Rel. L2', title: '‖ref−out‖₂ / ‖ref‖₂', width: '80px', numeric: true, format: (r) => formatPercent(r.relL2Error, 2) },
  { key: 'maxAbsError', label: 'Max |err|', title: 'Largest absolute error', width: '86px', numeric: true, format: (r) => formatNumber(r.maxAbsError, 3) },
  { key: 'p99AbsError', label: 'p99 |err|', title: '99th percentile of the absolute error', width: '86px', numeric: true, format: (r) => formatNumber(r.p99AbsError, 3) },
  { key: 'saturationRate', label: 'Saturated', title: 'Share of input values clipped to the int8 limits (worst quantized input)', width: '84px', numeric: true, format: (r) => formatPercent(r.saturationRate, 2) },
  { key: 'amax', label: 'amax', title: 'Calibrated clip range of the activation input (largest)', width: '76px', numeric: true, format: (r) => formatNumber(r.amax, 3) },
  { key: 'isolatedCosine', label: 'Isolated', title: 'Final-output cosine with only this layer reduced (sensitivity run)', width: '86px', numeric: true, format: (r) => formatCosine(r.isolatedCosine) },
  { key: 'sensitivityRank', label: 'Rank', title: 'Sensitivity rank (1 = most harmful alone)', width: '56px', numeric: true, format: (r) => (r.sensitivityRank === null ? '–' : String(r.sensitivityRank)) },
  { key: 'nonFiniteCount', label: 'NaN/Inf', title: 'Non-finite values in the reduced-precision output', width: '70px', numeric: true, format: (r) => formatCount(r.nonFiniteCount) },
];

/** Columns measured on the layer's output (empty when the output could not be compared, e.g. fused by TensorRT). */
export const OUTPUT_METRIC_KEYS: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['sqnrDb', 'cosineSimilarity', 'relL2Error', 'maxAbsError', 'p99AbsError', 'nonFiniteCount']);

/** The selection checkbox column plus the data columns. */
export const GRID_TEMPLATE = ['30px', ...LAYER_COLUMNS.map((c) => c.width)].join(' ');
