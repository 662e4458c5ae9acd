/**
 * trtexec console output (--verbose build logs of TensorRT 8.x and 10.x, --dumpLayerInfo, --dumpProfile, the
 * performance summary). The tactic search is read as a state machine over the verbose lines
 * (reference/tensorrt.md §5; NVIDIA's ProfilingLogger in sampleEditableTimingCache reads the newer table the same way):
 *   =============== Computing costs for <layer>                  (8.4 prints an empty name: taken from Timing Runner)
 *   *************** Autotuning format combination: <in> -> <out> ***************
 *   --------------- Timing Runner: <layer> (<runner>)
 *   Tactic Name: <kernel> Tactic: 0x… Time: <ms>                 (10.x)
 *   <layer> Set Tactic Name: <kernel> Tactic: 0x…  + Tactic: 0x… Time: <ms>   (8.x)
 *   [… profiling completed in <s> seconds. ]Fastest Tactic: 0x… Time: <ms>
 *   >>>>>>>>>>>>>>> Chose Runner Type: <runner> Tactic: 0x…
 *   Autotuning op <name>(key: …)[: [ONNX Layer: …]] / Sorted table… / The selected tactic is (…):0x…, <ms>   (≥10.8)
 *   (foreignNode) Autotuning op <name>: [ONNX Layer: …] / Sorted table… (Myelin ops inside a ForeignNode; the sorted
 *   table's first row is the tactic Myelin keeps — no "selected" line is printed)
 *   <layer> [<in> -> <out>] got cached result: <runner>, tactic 0x…, <ms> ms   (timing-cache hit, later passes)
 * TensorRT 10 may run several builder passes (backend strategies) in one log; each "Engine generation completed"
 * closes a pass. The engine's own layer list is the last "Engine Layer Information:" or "Layers:" block; without one,
 * the builder's device lists stand in for it (names only):
 *   ---------- Layers Running on DLA ---------- / [DlaLayer] {ForeignNode[a...b]}              (8.2+)
 *   ---------- Layers Running on GPU ---------- / [GpuLayer] CONVOLUTION: a + b  (8.4+; 8.2 omits the type)
 *   --------------- Layers running on GPU: / a + b, c, {d,e},                                 (≤ 8.0: one comma list)
 * Other programs' TensorRT loggers (Python, TensorRT 7, DeepStream, jetson-inference) are read the same way
 * (log-lines.ts strips their prefixes).
 */
import { assignProfiles, makeEngineLayer, metadataNodes } from './engine-layer';
import { splitTopLevel } from './layer-name';
import { DiagnosticCollector, forEachLine, loggerDialect, versionFromTag, type LogLine } from './log-lines';
import { DumpProfileReader, LegacyPerformanceReader, readPerformanceLine } from './perf-summary';
import { ONELINE_LAYER_LINE, TEXT_LAYER_LINE, parseOnelineLayerLine, parseTextLayerLine } from './layer-text';
import { TRT_LIMITS, checkText, trtError } from './trt-errors';
import type { EngineLayer, FormatCombination, LayerTactics, PerformanceSummary, TrtexecLog } from './types';

const TACTIC = '(0x[0-9a-fA-F]+|-?\\d+)';
const TIME = '(-?[0-9.]+(?:[eE][-+]?\\d+)?|inf|nan)';
const RE = {
  computing: /^=============== Computing costs for ?(.*)$/,
  reformatCosts: /^=============== Computing reformatting costs/,
  combination: /^\*{15} Autotuning format combination: (.*?) \*{15}$/,
  reformat: /^\*{15} Autotuning Reformat:/,
  runner: /^-{15} Timing Runner: (.*) \(([^()]*)\)$/,
  tacticName10: new RegExp(`^Tactic Name: (.*) Tactic: ${TACTIC} Time: ${TIME}`),
  setTacticName8: new RegExp(`(?:^| )Set Tactic Name: (.*) Tactic: ${TACTIC}$`),
  tactic: new RegExp(`^Tactic: ${TACTIC}\\s+[Tt]ime:? ${TIME}`),
  fastest: new RegExp(`Fastest Tactic: ${TACTIC} Time: ${TIME}`),
  chose: new RegExp(`^>{15} Chose Runner Type: (.*) Tactic: ${TACTIC}`),
  autotuningOp: /^Autotuning op (.*?)(?:\(key: [^)]*\))?(?::\s*(\[ONNX Layer: .*))?:?$/,
  tableRow: /^\s*\d+, ([0-9.eE+-]+), [0-9.eE+-]+, [0-9.eE+-]+, ([^,]+), (0x[0-9a-fA-F]+),?/,
  selected: /^The selected tactic is \(tactic hash, cost\(in ms\)\):\s*(0x[0-9a-fA-F]+),\s*([0-9.eE+-]+)/,
  foreignMetadata: /^ForeignNode (.*) metadata: (.*)$/,
  cached: new RegExp(`^(.*) \\[(.*)\\] got cached result: ([^,]*), tactic ${TACTIC}, ${TIME} ms`),
  generationDone: /^Engine generation completed in /,
  version: /^TensorRT version:? (\d+\.\d+\.\d+(?:\.\d+)?)/,
  exportVersion: /starting export with TensorRT (\d+\.\d+\.\d+(?:\.\d+)?)/,
  /** The builder resource library's soname carries the version (Python-logger logs have no version line). */
  libraryVersion: /(?:Loaded|Trying to load) shared library libnvinfer_builder_resource(?:_sm\d+)?\.so\.(\d+\.\d+\.\d+)/,
  deviceHeading: /^-{10,} Layers [Rr]unning on (DLA|GPU)(?::| -{10,})\s*$/,
  deviceLayer: /^\[(Dla|Gpu)Layer\] (?:([A-Z][A-Z0-9_]*): )?(.+?),?\s*$/,
  header: /^&&&& (RUNNING|PASSED|FAILED) TensorRT\.trtexec(?: \[TensorRT v(\d+)\])?(?: \[b\d+\])? # (.*)$/,
  precision: /^Precision: (.*)$/,
};

/** A ≤ 8.0 device-list message: comma-separated layer names, not a sentence. */
function looksLikeLayerList(body: string): boolean {
  const trimmed = body.trim();
  return trimmed !== '' && !/^(?:Detected|Total|Engine|Some|Local|\[|Layers|Reading|Generated|To regenerate|Building|Timing|Applying|Tactic|--)/.test(trimmed) && !/[.!?]$/.test(trimmed);
}

function time(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function parseTrtexecLog(file: string, input: string): TrtexecLog {
  const text = checkText(file, input);
  const diagnostics = new DiagnosticCollector();
  const tactics: LayerTactics[] = [];
  const dumpProfile = new DumpProfileReader();
  let log: Omit<TrtexecLog, 'lineCount' | 'diagnostics' | 'warningCount' | 'errorCount' | 'tactics' | 'engineLayers' | 'builderPasses' | 'droppedCandidates'> = {};
  let pass = 0;
  let sawComputingCosts = false;
  let libraryVersion: string | undefined;
  let layer: LayerTactics | undefined;
  let combination: FormatCombination | undefined;
  let runner: string | undefined;
  /** The layer whose Myelin run printed the tagged " (foreignNode) Autotuning op" tables (resumed after them). */
  let foreignParent: { layer: LayerTactics | undefined; combination: FormatCombination | undefined; runner: string | undefined } | undefined;
  let pendingName: { name: string; tactic: string } | undefined;
  let storedCandidates = 0;
  let droppedCandidates = 0;
  let engineLayers: EngineLayer[] = [];
  let engineLayerSource: TrtexecLog['engineLayerSource'];
  let layerBlock: { source: 'oneline' | 'dump-layer-info'; layers: EngineLayer[] } | undefined;
  let performance: PerformanceSummary | undefined;
  let inPerformance = false;
  const legacyPerformance = new LegacyPerformanceReader();
  const foreignMetadata = new Map<string, string[]>();
  /** Builder device lists ("Layers Running on DLA/GPU"): the current heading's device, and the layers listed. */
  let deviceList: 'DLA' | 'GPU' | undefined;
  let deviceLayers: EngineLayer[] = [];
  let deviceLayersOpen = false;

  const startLayer = (name: string, line: number, nodes: string[] = []) => {
    layer = { name, pass, line, metadataNodes: nodes, combinations: [] };
    tactics.push(layer);
    combination = undefined;
    runner = undefined;
  };
  const ensureCombination = (line: number, formats = ''): FormatCombination => {
    if (!combination) {
      combination = { formats, candidates: [], droppedCandidates: 0, line };
      layer!.combinations.push(combination);
    }
    return combination;
  };
  const addCandidate = (line: number, tactic: string, timeMs: number | null, tacticName?: string) => {
    const c = ensureCombination(line);
    if (c.candidates.length >= TRT_LIMITS.maxCandidatesPerCombination || storedCandidates >= TRT_LIMITS.maxCandidatesPerFile) {
      c.droppedCandidates++;
      droppedCandidates++;
      return;
    }
    const candidate: FormatCombination['candidates'][number] = { tactic, timeMs };
    if (runner !== undefined) candidate.runner = runner;
    if (tacticName !== undefined) candidate.tacticName = tacticName;
    c.candidates.push(candidate);
    storedCandidates++;
  };
  const closeLayerBlock = () => {
    if (layerBlock && layerBlock.layers.length > 0) {
      engineLayers = assignProfiles(layerBlock.layers);
      engineLayerSource = layerBlock.source;
    }
    layerBlock = undefined;
  };

  /** "Layers Running on DLA/GPU" headings and their entries; returns true when the line was one of them. */
  const readDeviceList = (line: LogLine): boolean => {
    const body = line.body;
    const heading = RE.deviceHeading.exec(body);
    if (heading) {
      // A new pair of headings starts a new builder pass' list (DLA comes first).
      if (heading[1] === 'DLA' || !deviceLayersOpen) deviceLayers = [];
      deviceList = heading[1] as 'DLA' | 'GPU';
      deviceLayersOpen = true;
      return true;
    }
    const tagged = RE.deviceLayer.exec(body);
    if (tagged) {
      // 8.2+ tags every entry; only ≤ 8.0 lists need the heading to know what follows.
      deviceList = undefined;
      addDeviceLayer(tagged[1] === 'Dla' ? 'DLA' : 'GPU', tagged[3], tagged[2]);
      return true;
    }
    if (deviceList && line.severity !== undefined) {
      // ≤ 8.0: the entries follow as one comma-separated message ("{a,b}, {c}, d + e, "); an empty line ends it.
      const entries = splitTopLevel(body, ', ').map((e) => e.trim().replace(/,$/, '')).filter((e) => e !== '');
      if (entries.length === 0 || !looksLikeLayerList(body)) {
        deviceList = undefined;
        return body.trim() === '';
      }
      for (const entry of entries) addDeviceLayer(deviceList, entry);
      return true;
    }
    return false;
  };
  const addDeviceLayer = (device: 'DLA' | 'GPU', name: string, type?: string) => {
    if (deviceLayers.length >= TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', file, `more than ${TRT_LIMITS.maxItems} engine layers`);
    const layer = makeEngineLayer(deviceLayers.length, { name: name.trim(), layerType: type });
    layer.device = device;
    deviceLayers.push(layer);
  };

  const visit = (line: LogLine) => {
    diagnostics.add(line);
    const body = line.body;
    if (foreignParent && line.tagged === undefined && line.severity !== undefined) {
      // The Myelin sub-log ended: the enclosing ForeignNode's own timing continues.
      ({ layer, combination, runner } = foreignParent);
      foreignParent = undefined;
    }
    // Engine layer lists are printed without a prefix, one layer per line, after their heading.
    if (layerBlock) {
      // trtexec prints the block as one message (no prefixes); TensorRT 7's and DeepStream's loggers prefix each line.
      if ((layerBlock.source === 'oneline' ? ONELINE_LAYER_LINE : TEXT_LAYER_LINE).test(body)) {
        if (layerBlock.layers.length >= TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', file, `line ${line.number}: more than ${TRT_LIMITS.maxItems} engine layers`);
        const parsed = layerBlock.source === 'oneline' ? parseOnelineLayerLine(layerBlock.layers.length, body) : parseTextLayerLine(layerBlock.layers.length, body);
        if (parsed) layerBlock.layers.push(parsed);
        return;
      }
      // Pasted logs often double every newline: blank lines do not end a list of detailed or one-line layers.
      const namesOnly = layerBlock.layers.length > 0 && layerBlock.layers.every((l) => l.layerType === undefined);
      if (line.severity === undefined && body.trim() === '' && !namesOnly) return;
      // Built without detailed profiling verbosity, the inspector lists bare layer names until an empty line.
      if (layerBlock.source === 'dump-layer-info' && line.severity === undefined && body.trim() !== '' && body !== 'Bindings:' && layerBlock.layers.every((l) => l.layerType === undefined)) {
        if (layerBlock.layers.length >= TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', file, `line ${line.number}: more than ${TRT_LIMITS.maxItems} engine layers`);
        layerBlock.layers.push(makeEngineLayer(layerBlock.layers.length, { name: body }));
        return;
      }
      closeLayerBlock();
    }
    if (body === 'Engine Layer Information:') {
      layerBlock = { source: 'oneline', layers: [] };
      return;
    }
    if (body === 'Layers:') {
      layerBlock = { source: 'dump-layer-info', layers: [] };
      return;
    }
    if (line.severity === undefined) {
      const exported = RE.exportVersion.exec(body);
      if (exported && !log.trtVersion) log.trtVersion = exported[1];
      if (!body.startsWith('&&&&') && !/^\s*\d+, /.test(body) && !/^(The selected|Sorted table|tactic_id|Autotuning op|Writing the best)/.test(body)) {
        // ≤ 8.0 device lists continue on unprefixed lines only when a paste wrapped them; real logs keep one line.
        return;
      }
    }
    if (readDeviceList(line)) return;

    if (dumpProfile.read(body)) return;
    let m: RegExpExecArray | null;
    if ((m = RE.header.exec(body))) {
      if (m[1] === 'RUNNING') log.command = m[3];
      else log.status = m[1];
      if (m[2] && !log.trtVersion) log.trtVersion = versionFromTag(m[2]);
      return;
    }
    if ((m = RE.version.exec(body))) {
      log.trtVersion = m[1];
      return;
    }
    if (!libraryVersion && (m = RE.libraryVersion.exec(body))) {
      libraryVersion = m[1];
      return;
    }
    if (!log.precisionFlags && (m = RE.precision.exec(body))) {
      log.precisionFlags = m[1];
      return;
    }
    if (body === '=== Performance summary ===') {
      inPerformance = true;
      performance = {};
      return;
    }
    if (!inPerformance && line.severity === 'info' && legacyPerformance.read(body, () => (performance ??= {}))) return;
    if (inPerformance && line.severity === 'info') {
      if (readPerformanceLine(body, performance!)) return;
      if (body.trim() === '' || body.startsWith('===')) inPerformance = body.trim() === '';
    }
    if ((m = RE.computing.exec(body))) {
      sawComputingCosts = true;
      startLayer(m[1].trim(), line.number, foreignMetadata.get(m[1].trim()) ?? []);
      return;
    }
    if (RE.reformatCosts.test(body) || RE.reformat.test(body)) {
      layer = undefined;
      combination = undefined;
      return;
    }
    if ((m = RE.autotuningOp.exec(body))) {
      if (line.tagged !== undefined && !foreignParent) foreignParent = { layer, combination, runner };
      startLayer(m[1].trim(), line.number, metadataNodes(m[2]));
      ensureCombination(line.number, '');
      return;
    }
    if (/^Sorted table of all evaluated tactics/.test(body)) return;
    if ((m = RE.foreignMetadata.exec(body))) {
      const nodes = metadataNodes(m[2]);
      foreignMetadata.set(m[1], nodes);
      if (layer && layer.name === m[1]) layer.metadataNodes = nodes;
      return;
    }
    if (RE.generationDone.test(body)) {
      pass++;
      layer = undefined;
      combination = undefined;
      return;
    }
    // TensorRT 7 prints no "Computing costs for" line: a layer's search starts with its first format combination
    // and is named by its Timing Runner lines.
    if (!layer && !sawComputingCosts && RE.combination.test(body)) startLayer('', line.number);
    if (!layer) return;
    if ((m = RE.combination.exec(body))) {
      combination = { formats: m[1], candidates: [], droppedCandidates: 0, line: line.number };
      layer.combinations.push(combination);
      runner = undefined;
      return;
    }
    if ((m = RE.runner.exec(body))) {
      if (!sawComputingCosts && layer.name !== '' && m[1] !== layer.name && !/^(?:<reformat>|Optimizer Reformat)/.test(m[1])) {
        // TensorRT 7: the combination just opened belongs to the next layer, whose runner is timed now.
        const opened = combination && combination.candidates.length === 0 && !combination.chosen && !combination.fastest ? combination : undefined;
        if (opened) layer.combinations.pop();
        startLayer(m[1], line.number);
        if (opened) {
          layer!.combinations.push(opened);
          combination = opened;
        }
      }
      if (layer!.name === '') layer!.name = m[1];
      runner = m[2];
      pendingName = undefined;
      return;
    }
    if ((m = RE.cached.exec(body))) {
      // Timing-cache hit (TensorRT 10: later builder passes): one combination, its runner and tactic, no search.
      if (layer.name === '') layer.name = m[1];
      combination = { formats: m[2], candidates: [], droppedCandidates: 0, line: line.number, chosen: { runner: m[3], tactic: m[4], timeMs: time(m[5]), cached: true } };
      layer.combinations.push(combination);
      return;
    }
    if ((m = RE.tacticName10.exec(body))) {
      addCandidate(line.number, m[2], time(m[3]), m[1]);
      return;
    }
    if ((m = RE.setTacticName8.exec(body))) {
      pendingName = { name: m[1], tactic: m[2] };
      return;
    }
    if ((m = RE.tactic.exec(body))) {
      addCandidate(line.number, m[1], time(m[2]), pendingName?.tactic === m[1] ? pendingName.name : undefined);
      pendingName = undefined;
      return;
    }
    if ((m = RE.fastest.exec(body))) {
      ensureCombination(line.number).fastest = { tactic: m[1], timeMs: time(m[2]) };
      return;
    }
    if ((m = RE.chose.exec(body))) {
      const c = ensureCombination(line.number);
      const found = c.candidates.find((x) => x.tactic === m![2] && (x.runner === undefined || x.runner.split('[')[0] === m![1]));
      c.chosen = { runner: m[1], tactic: m[2], timeMs: found?.timeMs ?? (c.fastest?.tactic === m[2] ? c.fastest.timeMs : null) };
      if (found?.tacticName) c.chosen.tacticName = found.tacticName;
      return;
    }
    if ((m = RE.tableRow.exec(body))) {
      const c = ensureCombination(line.number);
      const first = c.candidates.length === 0 && c.droppedCandidates === 0;
      addCandidate(line.number, m[3], time(m[1]), m[2].trim());
      // The table is sorted by cost: its first row is the tactic kept unless a "selected" line says otherwise.
      if (first && !c.chosen) {
        c.fastest = { tactic: m[3], timeMs: time(m[1]) };
        c.chosen = { tactic: m[3], timeMs: time(m[1]), tacticName: m[2].trim() };
      }
      return;
    }
    if ((m = RE.selected.exec(body))) {
      const c = ensureCombination(line.number);
      const found = c.candidates.find((x) => x.tactic === m![1]);
      c.chosen = { tactic: m[1], timeMs: time(m[2]) };
      if (found?.tacticName) c.chosen.tacticName = found.tacticName;
      c.fastest = { tactic: m[1], timeMs: time(m[2]) };
    }
  };

  const lineCount = forEachLine(text, visit);
  if (!log.trtVersion && libraryVersion) log.trtVersion = libraryVersion;
  closeLayerBlock();
  if (engineLayers.length === 0 && deviceLayers.length > 0) {
    engineLayers = assignProfiles(deviceLayers);
    engineLayerSource = 'device-lists';
  }
  const result: TrtexecLog = {
    ...log,
    lineCount,
    diagnostics: diagnostics.diagnostics,
    warningCount: diagnostics.warningCount,
    errorCount: diagnostics.errorCount,
    builderPasses: pass,
    tactics,
    engineLayers,
    droppedCandidates,
  };
  if (engineLayerSource) result.engineLayerSource = engineLayerSource;
  const dialect = loggerDialect(text);
  if (dialect) result.logger = dialect;
  if (dumpProfile.profile && dumpProfile.profile.layers.length > 0) result.profile = dumpProfile.profile;
  if (performance && Object.keys(performance).length > 0) result.performance = performance;
  selectEngineTactics(result);
  return result;
}

/**
 * Marks per layer block the format combination TensorRT kept: the one whose chosen tactic is the tactic of the
 * same-named layer in the final engine's layer list (then `inFinalEngine` is set on the latest such block — the
 * engine TensorRT keeps is not always from the last builder pass: "Skip backend strategy … not faster"); without a
 * match, the combination with the fastest chosen tactic.
 */
function selectEngineTactics(log: TrtexecLog): void {
  const engineTactic = new Map<string, string>();
  for (const layer of log.engineLayers) if (layer.tacticValue) engineTactic.set(layer.name, layer.tacticValue);
  const latestInEngine = new Map<string, LayerTactics>();
  for (const t of log.tactics) {
    const chosen = t.combinations.filter((c) => c.chosen);
    if (chosen.length === 0) continue;
    const wanted = engineTactic.get(t.name);
    let pick = wanted === undefined ? undefined : chosen.find((c) => c.chosen!.tactic === wanted);
    if (pick) latestInEngine.set(t.name, t);
    else pick = chosen.reduce((best, c) => ((c.chosen!.timeMs ?? Infinity) < (best.chosen!.timeMs ?? Infinity) ? c : best));
    const selected: NonNullable<LayerTactics['selected']> = { formats: pick.formats, tactic: pick.chosen!.tactic, timeMs: pick.chosen!.timeMs };
    if (pick.chosen!.runner !== undefined) selected.runner = pick.chosen!.runner;
    if (pick.chosen!.tacticName !== undefined) selected.tacticName = pick.chosen!.tacticName;
    t.selected = selected;
  }
  for (const t of latestInEngine.values()) t.inFinalEngine = true;
}
