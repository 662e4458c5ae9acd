/**
 * Text written around IEngineInspector output (e.g. the TensorRT cookbook's engine-inspector script): the
 * `Name: …, LayerType: …` lines (one per layer and optimization profile), a "Bindings:" list, and logger lines
 * (`[TRT] [W] …`) that are collected as warnings/errors.
 */
import { assignProfiles } from './engine-layer';
import { DiagnosticCollector, forEachLine } from './log-lines';
import { TEXT_LAYER_LINE, parseTextLayerLine } from './layer-text';
import { TRT_LIMITS, checkText, trtError } from './trt-errors';
import type { EngineLayer, InspectorLog } from './types';

export function parseInspectorLog(file: string, input: string): InspectorLog {
  const text = checkText(file, input);
  const diagnostics = new DiagnosticCollector();
  const layers: EngineLayer[] = [];
  const bindings: string[] = [];
  let inBindings = false;
  forEachLine(text, (line) => {
    diagnostics.add(line);
    const body = line.body;
    if (TEXT_LAYER_LINE.test(body)) {
      if (layers.length >= TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', file, `line ${line.number}: more than ${TRT_LIMITS.maxItems} layers`);
      const layer = parseTextLayerLine(layers.length, body);
      if (layer) layers.push(layer);
      inBindings = false;
      return;
    }
    if (body === 'Bindings:') {
      inBindings = true;
      return;
    }
    if (inBindings) {
      if (/^\S+$/.test(body)) bindings.push(body);
      else inBindings = false;
    }
  });
  if (layers.length === 0) throw trtError('TRT_LOG_MALFORMED', file, "holds no engine inspector layer lines ('Name: …, LayerType: …')");
  return { layers: assignProfiles(layers), bindings, diagnostics: diagnostics.diagnostics };
}
