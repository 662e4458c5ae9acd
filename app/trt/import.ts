/**
 * `importTrtArtifacts`: the one entry point the CLI and the UI share. Files are parsed, grouped into engines by
 * file-name stem (`x.engine.graph.json` + `x.engine.profile.json`, `detr-layer-info.json` + `detr-profile.json`,
 * `model-exportLayerInfo.log` + `model-exportProfile.json`), mapped to the ONNX model when one is given, checked
 * against the precision plan, and diffed when two or more engines have detailed layer lists.
 */
import { isWorkbenchError } from '../errors';
import { summarizeArtifact } from './artifact-summary';
import { isReformatLayer } from './engine-layer';
import { diffEngineGroups } from './engine-diff';
import { mapEngine } from './mapping';
import { parseTrtArtifact } from './parse-artifact';
import { checkPlan } from './plan-check';
import { precisionMix } from './realized-precision';
import { shortLabels } from './short-labels';
import type { EngineLayer, EngineLayerRow, EngineReport, LayerProfile, OnnxSide, TrtArtifact, TrtImportResult } from './types';

export interface TrtImportOptions {
  /** 'throw' (default): the first bad file throws its WorkbenchError. 'collect': bad files land in `failures`. */
  onError?: 'throw' | 'collect';
}

/**
 * Export-specific endings: `x.engine.graph.json`, TREx's `x.engine.build.log` / `x.engine.profile.log`,
 * `x_layer.json` + `x_profile.json` (NVIDIA's QAT guide),
 * `x-exportLayerInfo.log`; a file named only by the ending (`profile.json`, `layer_info.json`) belongs to its folder.
 */
const SUFFIX = /(?:[._-]|(?<=^|\/))(?:graph|profile|timing|times|build|layers?(?:[-_]?info)?|export(?:LayerInfo|Profile|Times)|(?:build|profile)[._]metadata|metadata)(?:\.(?:json|log|txt))?$/i;

/** Folder + name without the export-specific suffix (the folder alone for a file named only by the suffix). */
export function engineStem(file: string): string {
  const normalized = file.replace(/\\/g, '/');
  const stripped = normalized.replace(SUFFIX, '');
  // `layers_<backend>.json` pairs with `profile_<backend>.json` (the ending is a prefix here).
  const prefixed = stripped === normalized || !/(?:^|\/)$/.test(stripped) ? /^(.*\/)?(?:layers?|profiles?)[_-](.+)\.(?:json|log|txt)$/i.exec(normalized) : null;
  if (prefixed) return `${prefixed[1] ?? ''}${prefixed[2].replace(SUFFIX, '') || prefixed[2]}`;
  if (stripped === normalized) return normalized.replace(/\.[^./]*$/, '');
  return stripped === '' ? '.' : stripped.endsWith('/') ? stripped.slice(0, -1) || '/' : stripped;
}

interface EngineParts {
  stem: string;
  layers?: { layers: EngineLayer[]; file: string; source: 'layerInfo' | 'inspector' | 'log'; detailed: boolean };
  profile?: { profile: LayerProfile; file: string };
  times?: string;
  log?: string;
  trtVersion?: string;
}

function collectEngines(artifacts: TrtArtifact[]): EngineParts[] {
  const groups = new Map<string, EngineParts>();
  const group = (file: string) => {
    const stem = engineStem(file);
    let g = groups.get(stem);
    if (!g) groups.set(stem, (g = { stem }));
    return g;
  };
  const offerLayers = (g: EngineParts, layers: EngineLayer[], file: string, source: 'layerInfo' | 'inspector' | 'log') => {
    if (layers.length === 0) return;
    const detailed = layers.some((l) => l.layerType !== undefined);
    if (!g.layers || (detailed && !g.layers.detailed) || (source === 'layerInfo' && g.layers.source === 'log' && detailed === g.layers.detailed)) g.layers = { layers, file, source, detailed };
  };
  for (const a of artifacts) {
    if (a.kind === 'layer-info-json') offerLayers(group(a.file), a.layerInfo.layers, a.file, 'layerInfo');
    else if (a.kind === 'inspector-log') offerLayers(group(a.file), a.inspector.layers, a.file, 'inspector');
    else if (a.kind === 'polygraphy-log' && a.polygraphy.engineLayers) {
      const g = group(a.file);
      if (a.polygraphy.trtVersion && !g.trtVersion) g.trtVersion = a.polygraphy.trtVersion;
      offerLayers(g, a.polygraphy.engineLayers, a.file, 'inspector');
    }
    else if (a.kind === 'profile-json') group(a.file).profile = { profile: a.profile, file: a.file };
    else if (a.kind === 'times-json') group(a.file).times = a.file;
    else if (a.kind === 'trtexec-log' && (a.log.engineLayers.length > 0 || a.log.profile)) {
      const g = group(a.file);
      g.log = a.file;
      if (a.log.trtVersion) g.trtVersion = a.log.trtVersion;
      offerLayers(g, a.log.engineLayers, a.file, 'log');
      if (a.log.profile && !g.profile) g.profile = { profile: a.log.profile, file: a.file };
    }
  }
  return [...groups.values()].filter((g) => g.layers || g.profile);
}

function buildEngine(parts: EngineParts, label: string, onnx: OnnxSide | undefined): { report: EngineReport; shapes: Map<string, string> } {
  const layers = parts.layers?.layers.filter((l) => l.profileIndex === 0) ?? [];
  const profileRows = parts.profile?.profile.layers ?? [];
  const total = parts.profile?.profile.totalAverageMs;
  const timeByName = new Map<string, number>();
  for (const row of profileRows) timeByName.set(row.name, (timeByName.get(row.name) ?? 0) + row.averageMs);
  let rows: EngineLayerRow[];
  let matchedProfileRows = 0;
  const shapes = new Map<string, string>();
  if (layers.length > 0) {
    rows = layers.map((l) => {
      const row: EngineLayerRow = { name: l.name, precision: l.precision, isReformat: isReformatLayer(l) };
      if (l.layerType !== undefined) row.layerType = l.layerType;
      if (l.tacticName !== undefined) row.tacticName = l.tacticName;
      if (l.tacticValue !== undefined) row.tacticValue = l.tacticValue;
      const t = timeByName.get(l.name);
      if (t !== undefined) {
        row.averageMs = t;
        matchedProfileRows++;
        if (total) row.share = t / total;
      }
      if (l.outputs[0]?.dims) shapes.set(l.name, l.outputs[0].dims.join('x'));
      return row;
    });
  } else {
    rows = profileRows.map((p) => {
      matchedProfileRows++;
      const row: EngineLayerRow = { name: p.name, precision: 'unknown', isReformat: isReformatLayer({ name: p.name }), averageMs: p.averageMs };
      if (total) row.share = p.averageMs / total;
      return row;
    });
  }
  const mappingInput = layers.length > 0 ? layers : rows.map((r, index) => ({ index, name: r.name, inputs: [], outputs: [], metadataNodes: [], profileIndex: 0, precision: r.precision }) as EngineLayer);
  const { mapping, coverage } = mapEngine(mappingInput, onnx);
  const report: EngineReport = {
    id: parts.stem,
    label,
    files: {},
    layers: rows,
    precisionMix: precisionMix(rows),
    unmatchedProfileRows: layers.length > 0 ? Math.max(0, new Set(profileRows.map((r) => r.name)).size - new Set(rows.filter((r) => r.averageMs !== undefined).map((r) => r.name)).size) : 0,
    mapping,
    coverage,
  };
  void matchedProfileRows;
  if (parts.layers) report.files[parts.layers.source === 'log' ? 'log' : parts.layers.source] = parts.layers.file;
  if (parts.profile) report.files.profile = parts.profile.file;
  if (parts.times) report.files.times = parts.times;
  if (parts.log) report.files.log = parts.log;
  if (parts.trtVersion) report.trtVersion = parts.trtVersion;
  if (total !== undefined) report.totalTimeMs = total;
  if (onnx) {
    const check = checkPlan(mappingInput, mapping, onnx);
    if (check) report.planCheck = check;
  }
  return { report, shapes };
}

export function importTrtArtifacts(files: readonly { name: string; text: string }[], onnx?: OnnxSide, options: TrtImportOptions = {}): TrtImportResult {
  const artifacts: TrtArtifact[] = [];
  const failures: TrtImportResult['failures'] = [];
  for (const file of files) {
    try {
      artifacts.push(parseTrtArtifact(file.name, file.text));
    } catch (error) {
      if (options.onError !== 'collect' || !isWorkbenchError(error)) throw error;
      failures.push({ file: file.name, code: error.code, message: error.message });
    }
  }
  const parts = collectEngines(artifacts);
  const names = shortLabels(parts.map((p) => p.stem));
  const built = parts.map((p, i) => buildEngine(p, names[i], onnx));
  const engines = built.map((b) => b.report);
  const diffs = diffEngineGroups(engines, new Map(built.map((b) => [b.report.id, b.shapes])));
  return { schema: 'pwb.trt-import', version: 1, artifacts, summaries: artifacts.map(summarizeArtifact), engines, diffs, failures };
}
