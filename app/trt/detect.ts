/**
 * Which TensorRT artifact a file is, from its content first and its name second (names are often renamed:
 * "model-trained-exportLayerInfo.log" holds JSON, ".profile" files are --exportProfile JSON).
 */
import { parseJsonBounded } from './json-input';
import { findLayerInfoJson } from './layer-info';
import { TEXT_LAYER_LINE } from './layer-text';
import { TRTEXEC_LINE, TRT_LOGGER_DIALECTS } from './log-lines';
import { checkText, trtError, quote } from './trt-errors';
import type { TrtArtifactKind } from './types';

export interface DetectedArtifact {
  kind: TrtArtifactKind;
  /** Why: shown by the CLI when a user wonders. */
  reason: string;
}

/** A build (not just a deserialization) happened in the log. */
const BUILD_LOG_MARKER = /Computing costs for|Engine Layer Information|Autotuning op |Layers [Rr]unning on|\[(?:Gpu|Dla)Layer\]/;

const ORT_TABLE_LINE = /^\S+ [-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export function detectTrtArtifact(name: string, input: string): DetectedArtifact {
  const text = checkText(name, input);
  const head = text.slice(0, 4096);
  const start = head.trimStart();
  const lower = name.toLowerCase();
  if (start.startsWith('[') || start.startsWith('{')) {
    if (/^\[\s*\{\s*"count"\s*:/.test(start) || /^\[\s*\{\s*"name"\s*:\s*"/.test(start) && /"averageMs"/.test(head)) return { kind: 'profile-json', reason: 'JSON list starting with {"count"} / layer rows with averageMs' };
    if (/"startEnqMs"|"latencyMs"/.test(head) && start.startsWith('[')) return { kind: 'times-json', reason: 'JSON list of per-inference timestamps (startEnqMs…latencyMs)' };
    if (/^\{\s*"Layers"\s*:/.test(start)) return { kind: 'layer-info-json', reason: 'JSON object with "Layers"' };
    if (/^\{\s*"Name"\s*:/.test(start) && /"LayerType"\s*:/.test(head)) return { kind: 'layer-info-json', reason: 'layer objects one after another' };
    if (/"performance_summary"|"build_options"|"model_options"/.test(head) || /^\[\s*\{\s*"Name"\s*:[^]*"ComputeCapability"/.test(start)) {
      return { kind: 'trex-metadata-json', reason: 'TREx metadata (build options, performance summary or device)' };
    }
    if (/^\[\s*\{\s*"Name"\s*:/.test(start) && /"(?:LayerType|Inputs|Outputs)"\s*:/.test(head)) {
      return { kind: 'layer-info-json', reason: 'JSON list of layer objects (the "Layers" array without its wrapper)' };
    }
    if (/\.profile(\.json)?$|profile\.json$/.test(lower)) return { kind: 'profile-json', reason: 'JSON named like a profile' };
    if (/\.(graph|layer-?info)\.json$|layer-?info/.test(lower)) return { kind: 'layer-info-json', reason: 'JSON named like a layer-info export' };
    if (/times?\.json$|timing\.json$/.test(lower)) return { kind: 'times-json', reason: 'JSON named like an --exportTimes file' };
    // JSON of no known shape: report a syntax error where there is one (more useful than "unknown kind").
    if (start.startsWith('{') || /\.json$/.test(lower)) parseJsonBounded(name, text);
  }
  const firstLine = start.slice(0, start.indexOf('\n') < 0 ? start.length : start.indexOf('\n')).trim();
  if (/^TRT-\d+-\w+$/.test(firstLine)) return { kind: 'calibration-cache', reason: `calibration cache header ${quote(firstLine)}` };
  // Log signatures are looked for in the first 64 KiB: scripts often print a screenful of their own before TensorRT.
  const logHead = text.slice(0, 65536);
  if (/^&&&& (?:RUNNING|PASSED|FAILED) TensorRT\.trtexec/m.test(logHead) || TRTEXEC_LINE.test(logHead)) {
    return { kind: 'trtexec-log', reason: 'trtexec console output' };
  }
  if (/^\[[IVWE]\] RUNNING \| Command: \S*polygraphy/m.test(logHead) || /^\[[IVWE]\] (?:Loaded Module: polygraphy\b|==== TensorRT (?:Engine|Network) ====)/m.test(logHead) || /polygraphy/.test(lower) && /^\[[IVWE]\] /m.test(head)) {
    return { kind: 'polygraphy-log', reason: 'Polygraphy console output' };
  }
  const inspectorLines = text.split('\n', 2000).some((l) => TEXT_LAYER_LINE.test(l));
  const logger = TRT_LOGGER_DIALECTS.find(([pattern]) => pattern.test(logHead));
  if (logger && !(inspectorLines && !BUILD_LOG_MARKER.test(text.slice(0, 4_000_000)))) {
    return { kind: 'trtexec-log', reason: `${logger[1]} output` };
  }
  if (inspectorLines) return { kind: 'inspector-log', reason: "engine inspector lines 'Name: …, LayerType: …'" };
  if (findLayerInfoJson(head) !== undefined) return { kind: 'layer-info-json', reason: 'text holding a {"Layers": …} JSON object' };
  if (/^\s*\{\s*$/m.test(head) && /"Name"\s*:/.test(head) && /"LayerType"\s*:/.test(head)) {
    return { kind: 'layer-info-json', reason: 'text holding layer JSON objects ("Name", "LayerType")' };
  }
  const firstLines = start.split('\n', 6).map((l) => l.trim()).filter((l) => l !== '');
  if (firstLines.length > 0 && firstLines.every((l) => ORT_TABLE_LINE.test(l)) && /cache|calib|table/.test(lower)) {
    return { kind: 'calibration-cache', reason: "ONNX Runtime calibration table lines 'tensor value'" };
  }
  if (/\.cache$/.test(lower)) return { kind: 'calibration-cache', reason: 'named .cache' };
  throw trtError(
    'TRT_UNKNOWN_KIND',
    name,
    `not a TensorRT artifact this version reads (first line ${quote(firstLine, 60)}); expected a trtexec log, --exportLayerInfo/--exportProfile/--exportTimes JSON, an engine inspector log, a calibration cache or a Polygraphy log`,
  );
}
