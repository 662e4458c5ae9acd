/**
 * Where the reduced-precision model runs (ONNX Runtime emulation or a real TensorRT engine) as the UI words it:
 * the backend choice, the TensorRT availability lines, a build's backend and its fused layers. Pure, unit-tested.
 */
import type { AnalysisReport } from '../../../app/contract/report';
import type { InferenceBackend, TensorRtStatus } from '../../../app/contract/service';
import type { LayerRow } from '../../../app/contract/views';

export type BuildBackend = NonNullable<AnalysisReport['settings']['backend']>;
type Settings = Pick<AnalysisReport['settings'], 'backend'>;

/** Longest reason shown inline; the full text goes into the title. */
export const REASON_MAX_CHARS = 160;

export const ORT_CHOICE_LABEL = 'ONNX Runtime — INT8/FP16 emulation (any machine)';

export const FUSED_OUTPUT_TOOLTIP = "TensorRT fused this layer's output away inside an engine layer: the engine has no tensor for it to compare with FP32.";

/** One line (whitespace collapsed), cut at `max` characters with an ellipsis. */
export function clipText(text: string, max = REASON_MAX_CHARS): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** A failed tensorRtStatus call: TensorRT counts as unavailable, the error is the reason. */
export function unavailableStatus(error: { code: string; message: string }): TensorRtStatus {
  return { available: false, version: null, addonFile: null, code: error.code, reason: error.message };
}

export function canUseTensorRt(status: TensorRtStatus | null): boolean {
  return status?.available === true;
}

/** Why TensorRT cannot be used: the addon's reason, else its code (full text; clip for display). */
export function unavailableReason(status: TensorRtStatus): string {
  return status.reason?.trim() || status.code || 'no reason given';
}

export function tensorRtChoiceLabel(status: TensorRtStatus | null): string {
  const version = status?.available && status.version ? ` ${status.version}` : '';
  return `TensorRT${version} — real engine on this GPU`;
}

/** The file name of a path (Windows or POSIX separators). */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** The TensorRT view's first line: what this machine can do with TensorRT. */
export function tensorRtStatusText(status: TensorRtStatus): { text: string; title: string } {
  if (status.available) {
    const addon = status.addonFile ? ` (addon ${fileName(status.addonFile)})` : '';
    return { text: `TensorRT ${status.version ?? '(unknown version)'}${addon}`, title: status.addonFile ?? '' };
  }
  const reason = unavailableReason(status);
  const tail = 'You can still import logs, layer-info/profile JSON and caches produced elsewhere.';
  return {
    text: `TensorRT is not available on this machine (${clipText(reason)}). ${tail}`,
    title: `${status.code ? `${status.code}: ` : ''}${reason}`,
  };
}

/** The backend of a build; reports written before backends existed ran on ONNX Runtime. */
export function buildBackend(settings: Settings): BuildBackend {
  return settings.backend ?? { name: 'onnxruntime', version: '' };
}

export function isTensorRtBuild(settings: Settings): boolean {
  return settings.backend?.name === 'tensorrt';
}

/** The engine a build ran on, when TensorRT built one ("Show this build's engine"); null for ONNX Runtime builds. */
export function tensorRtEngineOf(build: { buildId: number; view: { settings: Settings } } | null): { buildId: number; version: string } | null {
  const backend = build?.view.settings.backend;
  return build && backend?.name === 'tensorrt' ? { buildId: build.buildId, version: backend.version } : null;
}

/** "ONNX Runtime emulation" or "TensorRT 10.16.1 engine". */
export function backendLabel(settings: Settings): string {
  const backend = buildBackend(settings);
  if (backend.name === 'tensorrt') return `TensorRT${backend.version ? ` ${backend.version}` : ''} engine`;
  return 'ONNX Runtime emulation';
}

/** The top bar's short form: "ORT" or "TRT 10.16.1" (the full label is its tooltip). */
export function backendShortLabel(settings: Settings): string {
  const backend = buildBackend(settings);
  return backend.name === 'tensorrt' ? `TRT${backend.version ? ` ${backend.version}` : ''}` : 'ORT';
}

/** For TensorRT builds with layers the engine fused away: how many, in words; else null. */
export function fusedLayersNote(settings: Settings): string | null {
  const n = settings.backend?.name === 'tensorrt' ? settings.backend.layersWithoutOutput ?? 0 : 0;
  if (n <= 0) return null;
  return `${n.toLocaleString('en-US')} layer${n === 1 ? '' : 's'} fused inside engine layers (no output to compare)`;
}

/** The tooltip of a fused layer's empty metric cells, naming the engine layer it lives in when known. */
export function fusedOutputTooltip(row: Pick<LayerRow, 'engineLayer'>): string {
  return row.engineLayer ? `${FUSED_OUTPUT_TOOLTIP}\nComputed inside engine layer "${row.engineLayer}".` : FUSED_OUTPUT_TOOLTIP;
}

/** A row that was not compared at all (no metrics; an exact match has mse 0, not null). */
export function hasNoOutput(row: Pick<LayerRow, 'mse' | 'nonFiniteCount' | 'cosineSimilarity'>): boolean {
  return row.mse === null && row.nonFiniteCount === null && row.cosineSimilarity === null;
}

/** The backend field of an OpenSessionRequest: omitted for ONNX Runtime so existing requests stay identical. */
export function backendField(backend: InferenceBackend): { backend?: InferenceBackend } {
  return backend === 'onnxruntime' ? {} : { backend };
}

/**
 * Plan vs realized: how wide (precise) a precision is, low = narrow. TensorRT's realized precision of an engine
 * layer (app/trt TrtDataType, or the inspector's own spelling: "Int8", "Half", "Float") against the plan's.
 * Types without a place here (int32, int64, bool, unknown) are never compared.
 */
const WIDTH_RANK: Readonly<Record<string, number>> = { fp4: 0, int4: 0, fp8: 1, int8: 1, uint8: 1, fp16: 2, bf16: 2, fp32: 3 };
const PRECISION_ALIASES: Readonly<Record<string, string>> = { half: 'fp16', float16: 'fp16', float: 'fp32', float32: 'fp32', bfloat16: 'bf16' };

/** A realized precision in the TrtDataType spelling ("Half" → "fp16"); null when there is none. */
export function normalizedEnginePrecision(precision: string | null | undefined): string | null {
  if (!precision) return null;
  const p = precision.trim().toLowerCase();
  return PRECISION_ALIASES[p] ?? p;
}

/** "INT8", "FP32", "?" for unknown: how the UI names a realized precision. */
export function enginePrecisionLabel(precision: string | null | undefined): string {
  const p = normalizedEnginePrecision(precision);
  if (p === null) return '–';
  return p === 'unknown' ? '?' : p.toUpperCase();
}

/** Reformat copies change a tensor's layout/type and compute nothing: their precision says nothing about the plan. */
function isReformatLayer(engineLayer: string | null): boolean {
  return engineLayer !== null && /reformat/i.test(engineLayer);
}

/**
 * True when TensorRT ran the layer's engine layer wider than the plan asked: fp16/bf16/fp32 where int8 was asked, fp32
 * where fp16 was asked. Narrower, equal, reformat copies, unknown or non-float types and rows without an engine
 * layer are not flagged.
 */
export function ranWiderThanPlanned(row: Pick<LayerRow, 'precision' | 'engineLayer' | 'enginePrecision'>): boolean {
  const realized = normalizedEnginePrecision(row.enginePrecision);
  if (realized === null || isReformatLayer(row.engineLayer)) return false;
  const ran = WIDTH_RANK[realized];
  const asked = WIDTH_RANK[row.precision];
  return ran !== undefined && asked !== undefined && ran > asked;
}

/** The warning of a layer that ran wider than planned (the "Ran as" cell's and the detail's tooltip); null otherwise. */
export function widerThanPlannedTooltip(row: Pick<LayerRow, 'precision' | 'engineLayer' | 'enginePrecision'>): string | null {
  if (!ranWiderThanPlanned(row)) return null;
  const asked = row.precision.toUpperCase();
  const ran = enginePrecisionLabel(row.enginePrecision);
  const why = row.precision === 'int8' ? 'no INT8 kernel / Q/DQ placement' : `no ${asked} kernel / Cast placement`;
  return `${asked} was asked; TensorRT ran this layer in ${ran} (${why})`;
}

export function widerThanPlannedCount(rows: readonly Pick<LayerRow, 'precision' | 'engineLayer' | 'enginePrecision'>[]): number {
  let n = 0;
  for (const row of rows) if (ranWiderThanPlanned(row)) n++;
  return n;
}

/** "3 layers ran wider than planned". */
export function widerThanPlannedNote(count: number): string {
  return `${count.toLocaleString('en-US')} layer${count === 1 ? '' : 's'} ran wider than planned`;
}

/**
 * Sort key of the "Ran as" column: layers that ran wider than planned first, then by realized precision from narrow
 * to wide, unknown types last; null (no engine layer) sorts after everything.
 */
export function enginePrecisionSortValue(row: Pick<LayerRow, 'precision' | 'engineLayer' | 'enginePrecision'>): number | null {
  const realized = normalizedEnginePrecision(row.enginePrecision);
  if (realized === null) return null;
  const rank = WIDTH_RANK[realized] ?? 9;
  return (ranWiderThanPlanned(row) ? 0 : 10) + rank;
}
