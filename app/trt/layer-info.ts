/**
 * `trtexec --exportLayerInfo` / IEngineInspector::getEngineInformation(kJSON) (TREx `*.graph.json`):
 *   {"Layers": [ {Name, LayerType, Inputs:[{Name, Location, Dimensions, Format/Datatype}], Outputs, TacticName,
 *                 TacticValue, Metadata, …} ], "Bindings": [...]}
 * With kLAYER_NAMES_ONLY (the default verbosity) Layers is a list of names. A bare JSON array of layers (the
 * "Layers" value alone) is read the same way. TensorRT 11 may print the tensor type
 * as separate "Format" and "Datatype"/"DataType" fields; both spellings are read. The TensorRT cookbook writes the
 * export to a `.log` that may carry other text around the JSON: the JSON object is cut out of it.
 */
import { assignProfiles, makeEngineLayer } from './engine-layer';
import { JsonReader, parseJsonBounded } from './json-input';
import { dataTypeOf } from './realized-precision';
import { TRT_LIMITS, trtError } from './trt-errors';
import type { EngineTensor, LayerInfo } from './types';

/** Locates the `{"Layers": …}` object in a text that may hold other lines around it. */
export function findLayerInfoJson(text: string): { json: string; startLine: number } | undefined {
  const match = /\{\s*"Layers"\s*:/.exec(text);
  if (!match) return undefined;
  const end = text.lastIndexOf('}');
  if (end < match.index) return undefined;
  let startLine = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < match.index; i = text.indexOf('\n', i + 1)) startLine++;
  return { json: text.slice(match.index, end + 1), startLine };
}

/**
 * Layer objects printed one after another (`IEngineInspector::getLayerInformation(i, kJSON)` in a loop, often with
 * "--- Layer i ---" lines between them, or as JSON Lines): every top-level `{…}` that parses to an object with a
 * string "Name". Returns undefined when there is none.
 */
export function findLayerObjects(file: string, text: string): { objects: unknown[]; startLine: number } | undefined {
  const objects: unknown[] = [];
  let startLine = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (c !== 123 /* { */) continue;
    // A top-level object: scan to its matching brace, honouring strings.
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (inString) {
        if (d === 92) j++;
        else if (d === 34) inString = false;
        continue;
      }
      if (d === 34) inString = true;
      else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) {
          end = j;
          break;
        }
      }
    }
    if (end < 0) break;
    const chunk = text.slice(i, end + 1);
    let value: unknown;
    try {
      value = parseJsonBounded(file, chunk, line - 1);
    } catch (error) {
      // A fragment that is not JSON (log text with braces) is skipped; a layer object that is broken is reported.
      if (/"LayerType"\s*:/.test(chunk)) throw error;
      value = undefined;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { Name?: unknown }).Name === 'string') {
      if (objects.length === 0) startLine = line;
      if (objects.length >= TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', file, `more than ${TRT_LIMITS.maxItems} layer objects`);
      objects.push(value);
    }
    for (let k = i; k < end; k++) if (text.charCodeAt(k) === 10) line++;
    i = end;
  }
  return objects.length > 0 ? { objects, startLine } : undefined;
}

function readTensor(reader: JsonReader, value: unknown, path: string): EngineTensor {
  const t = reader.object(value, path);
  const name = reader.optionalString(t.Name, `${path}.Name`) ?? '';
  const tensor: EngineTensor = { name, dataType: 'unknown' };
  if (t.Dimensions !== undefined) {
    tensor.dims = reader.array(t.Dimensions, `${path}.Dimensions`).map((d, i) => reader.number(d, `${path}.Dimensions[${i}]`));
  }
  const formatDatatype = reader.optionalString(t['Format/Datatype'], `${path}["Format/Datatype"]`);
  const dataTypeField = reader.optionalString(t.Datatype ?? t.DataType, `${path}.Datatype`);
  const formatField = reader.optionalString(t.Format, `${path}.Format`);
  const format = formatDatatype ?? ([formatField, dataTypeField].filter(Boolean).join(' ') || undefined);
  if (format !== undefined) tensor.format = format;
  tensor.dataType = dataTypeOf(dataTypeField ?? formatDatatype ?? formatField);
  const location = reader.optionalString(t.Location, `${path}.Location`);
  if (location !== undefined) tensor.location = location;
  return tensor;
}

export function parseLayerInfoJson(file: string, text: string): LayerInfo {
  let json = text;
  let lineOffset = 0;
  let embeddedAtLine: number | undefined;
  const trimmed = text.trimStart();
  let parsed: unknown;
  const objectsOf = () => {
    const objects = findLayerObjects(file, text);
    if (!objects) throw trtError('TRT_JSON_SCHEMA', file, 'no {"Layers": …} object found');
    embeddedAtLine = objects.startLine;
    return objects.objects;
  };
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    const found = findLayerInfoJson(text);
    if (found) {
      json = found.json;
      lineOffset = found.startLine - 1;
      embeddedAtLine = found.startLine;
    } else parsed = objectsOf();
  } else if (trimmed.startsWith('{') && !/^\{\s*"Layers"\s*:/.test(trimmed) && /^\{\s*"Name"\s*:/.test(trimmed)) {
    // One layer object after another (JSON Lines).
    parsed = objectsOf();
    embeddedAtLine = undefined;
  }
  const reader = new JsonReader(file);
  parsed ??= parseJsonBounded(file, json, lineOffset);
  // Tools that keep only the inspector's "Layers" array (e.g. layers_<backend>.json next to profile_<backend>.json)
  // write the list itself.
  const root = Array.isArray(parsed) ? { Layers: parsed } : reader.object(parsed, '$');
  const at = Array.isArray(parsed) ? '$' : '$.Layers';
  if (!('Layers' in root)) reader.fail('$.Layers', 'the layer list ("Layers")', undefined);
  const list = reader.array(root.Layers, at);
  const bindings = root.Bindings === undefined ? [] : reader.array(root.Bindings, '$.Bindings').map((b, i) => reader.string(b, `$.Bindings[${i}]`));
  const namesOnly = list.length > 0 && list.every((l) => typeof l === 'string');
  const layers = list.map((value, index) => {
    const path = `${at}[${index}]`;
    if (typeof value === 'string') return makeEngineLayer(index, { name: value });
    const l = reader.object(value, path);
    const weights = l.Weights === undefined || l.Weights === null ? undefined : reader.object(l.Weights, `${path}.Weights`);
    return makeEngineLayer(index, {
      name: reader.string(l.Name, `${path}.Name`),
      layerType: reader.optionalString(l.LayerType, `${path}.LayerType`),
      parameterType: reader.optionalString(l.ParameterType, `${path}.ParameterType`),
      origin: reader.optionalString(l.Origin, `${path}.Origin`),
      inputs: l.Inputs === undefined ? [] : reader.array(l.Inputs, `${path}.Inputs`).map((t, i) => readTensor(reader, t, `${path}.Inputs[${i}]`)),
      outputs: l.Outputs === undefined ? [] : reader.array(l.Outputs, `${path}.Outputs`).map((t, i) => readTensor(reader, t, `${path}.Outputs[${i}]`)),
      weightsType: weights ? reader.optionalString(weights.Type, `${path}.Weights.Type`) : undefined,
      tacticName: reader.optionalString(l.TacticName, `${path}.TacticName`),
      tacticValue: reader.optionalString(l.TacticValue, `${path}.TacticValue`),
      metadata: reader.optionalString(l.Metadata, `${path}.Metadata`),
    });
  });
  const info: LayerInfo = { verbosity: namesOnly ? 'names-only' : 'detailed', layers: assignProfiles(layers), bindings };
  if (embeddedAtLine !== undefined) info.embeddedAtLine = embeddedAtLine;
  return info;
}
