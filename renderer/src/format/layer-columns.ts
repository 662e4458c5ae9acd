/** The layer table's columns: label, width, alignment and how a row's value prints (with units). */
import type { LayerRow } from '../../../app/contract/views';
import type { ColumnKey } from '../state/table-logic';
import { enginePrecisionLabel } from '../state/backend-logic';
import { formatCosine, formatCount, formatDb, formatLayerTime, formatNumber, formatPercent } from './units';

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
  { key: 'saturationRate', label: 'Saturated', title: 'Share of input values clipped to the int8 limits (worst quantized input)', width: '92px', numeric: true, format: (r) => formatPercent(r.saturationRate, 2) },
  { key: 'amax', label: 'amax', title: 'Calibrated clip range of the activation input (largest)', width: '76px', numeric: true, format: (r) => formatNumber(r.amax, 3) },
  { key: 'isolatedCosine', label: 'Isolated', title: 'Final-output cosine with only this layer reduced (sensitivity run)', width: '86px', numeric: true, format: (r) => formatCosine(r.isolatedCosine) },
  { key: 'sensitivityRank', label: 'Rank', title: 'Sensitivity rank (1 = most harmful alone)', width: '56px', numeric: true, format: (r) => (r.sensitivityRank === null ? '–' : String(r.sensitivityRank)) },
  { key: 'nonFiniteCount', label: 'NaN/Inf', title: 'Non-finite values in the reduced-precision output', width: '70px', numeric: true, format: (r) => formatCount(r.nonFiniteCount) },
];

/** TensorRT builds: the precision TensorRT realized ("Ran as", shown as a badge with the mismatch mark by LayerTable). */
const RAN_AS_COLUMN: LayerColumn = {
  key: 'enginePrecision', label: 'Ran as', title: "Precision TensorRT realized for this layer's engine layer (⚠ = wider than planned); – = no engine layer maps to it", width: '76px', numeric: false,
  format: (r) => enginePrecisionLabel(r.enginePrecision),
};
const ENGINE_COLUMNS: readonly LayerColumn[] = [
  { key: 'engineLayer', label: 'Engine layer', title: 'The TensorRT engine layer computing this layer (fused layers share one); – = none maps to it (e.g. inside a Myelin region)', width: '260px', numeric: false, format: (r) => r.engineLayer ?? '–' },
  { key: 'engineMs', label: 'Engine ms', title: "Average time of the engine layer per inference (TensorRT profile)", width: '92px', numeric: true, format: (r) => formatLayerTime(r.engineMs) },
];

/**
 * The layer table's columns; for builds that ran as a TensorRT engine also the three engine columns: "Ran as" right
 * after the plan's precision (the two read side by side), the engine layer and its time last.
 */
export function layerColumns(tensorRt: boolean): readonly LayerColumn[] {
  if (!tensorRt) return LAYER_COLUMNS;
  const at = LAYER_COLUMNS.findIndex((c) => c.key === 'precision') + 1;
  return [...LAYER_COLUMNS.slice(0, at), RAN_AS_COLUMN, ...LAYER_COLUMNS.slice(at), ...ENGINE_COLUMNS];
}

/** The selection checkbox column plus the data columns. */
export function gridTemplate(columns: readonly LayerColumn[]): string {
  return ['30px', ...columns.map((c) => c.width)].join(' ');
}

/** The width below which the table scrolls sideways: every fixed width plus the minimum of flexible ones. */
export function minTableWidth(columns: readonly LayerColumn[]): number {
  const px = (width: string) => Number(/(\d+)px/.exec(width)?.[1] ?? 0);
  return 30 + columns.reduce((sum, c) => sum + px(c.width), 0) + 6;
}

/** Columns measured on the layer's output (empty when the output could not be compared, e.g. fused by TensorRT). */
export const OUTPUT_METRIC_KEYS: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['sqnrDb', 'cosineSimilarity', 'relL2Error', 'maxAbsError', 'p99AbsError', 'nonFiniteCount']);

/** The selection checkbox column plus the data columns. */
export const GRID_TEMPLATE = gridTemplate(LAYER_COLUMNS);
