/** The per-file facts `pwb trt-import` prints and the TensorRT panel lists. */
import { decodeTrtVersion } from '../calibration/calibration-cache';
import { precisionMix } from './realized-precision';
import type { ArtifactSummary, EngineLayer, LatencyStats, LayerProfile, TrtArtifact } from './types';

const TOP = 10;

function slowest(profile: LayerProfile): ArtifactSummary['slowestLayers'] {
  const total = profile.totalAverageMs;
  return [...profile.layers]
    .sort((a, b) => b.averageMs - a.averageMs)
    .slice(0, TOP)
    .map((l) => ({ name: l.name, averageMs: l.averageMs, share: total > 0 ? l.averageMs / total : 0 }));
}

function ms(value: number | undefined): string {
  return value === undefined ? '?' : `${Number(value.toPrecision(4))} ms`;
}

function latencyNote(label: string, stats: LatencyStats | undefined): string | undefined {
  if (!stats) return undefined;
  const p99 = stats.percentilesMs['99'];
  return `${label}: mean ${ms(stats.meanMs)}, median ${ms(stats.medianMs)}${p99 === undefined ? '' : `, p99 ${ms(p99)}`}`;
}

function layersPart(layers: EngineLayer[], summary: ArtifactSummary): void {
  const main = layers.filter((l) => l.profileIndex === 0);
  summary.layerCount = main.length;
  const dla = main.filter((l) => l.device === 'DLA').length;
  if (dla > 0 || main.some((l) => l.device === 'GPU')) {
    summary.notes.push(`${dla} layer${dla === 1 ? '' : 's'} on DLA, ${main.filter((l) => l.device === 'GPU').length} on GPU`);
  }
  if (main.some((l) => l.precision !== 'unknown')) summary.precisionMix = precisionMix(main);
  const profiles = new Set(layers.map((l) => l.profileIndex)).size;
  if (profiles > 1) summary.notes.push(`${profiles} optimization profiles (layers counted for profile 0; ${layers.length} in all)`);
}

function profilePart(profile: LayerProfile, summary: ArtifactSummary): void {
  summary.totalTimeMs = profile.totalAverageMs;
  summary.slowestLayers = slowest(profile);
  if (profile.iterations !== undefined) summary.notes.push(`profile over ${profile.iterations} iteration${profile.iterations === 1 ? '' : 's'}`);
  if (profile.format === 'trtexec-json-legacy') summary.notes.push('older --exportProfile format (no medians)');
  if (profile.recoveredFromInvalidJson) summary.notes.push(profile.nonFiniteRows ? `invalid JSON (nan/inf numbers in ${profile.nonFiniteRows} row${profile.nonFiniteRows === 1 ? '' : 's'}, read as 0 ms): read line by line` : 'invalid JSON (unescaped layer names): read line by line');
}

export function summarizeArtifact(artifact: TrtArtifact): ArtifactSummary {
  const summary: ArtifactSummary = { file: artifact.file, kind: artifact.kind, warningCount: 0, errorCount: 0, notes: [] };
  switch (artifact.kind) {
    case 'trtexec-log': {
      const log = artifact.log;
      if (log.trtVersion) summary.trtVersion = log.trtVersion;
      if (log.logger) summary.notes.push(`${log.logger} output (read like a trtexec log)`);
      summary.warningCount = log.warningCount;
      summary.errorCount = log.errorCount;
      if (log.engineLayers.length > 0) {
        layersPart(log.engineLayers, summary);
        summary.notes.push(
          log.engineLayerSource === 'oneline'
            ? 'engine layers from the build log\'s "Engine Layer Information"'
            : log.engineLayerSource === 'device-lists'
              ? 'engine layers from the builder\'s "Layers Running on DLA/GPU" lists (names only: no precisions or tactics)'
              : log.engineLayers.every((l) => l.layerType === undefined)
                ? 'engine layers from --dumpLayerInfo (names only: built without --profilingVerbosity=detailed)'
                : 'engine layers from --dumpLayerInfo',
        );
      }
      if (log.profile) profilePart(log.profile, summary);
      if (log.tactics.length > 0) {
        summary.tacticSearches = log.tactics.length;
        summary.chosenTactics = log.tactics.filter((t) => t.selected).length;
        summary.tacticCandidates = log.tactics.reduce((s, t) => s + t.combinations.reduce((c, x) => c + x.candidates.length + x.droppedCandidates, 0), 0);
        if (log.builderPasses > 1) summary.notes.push(`${log.builderPasses} builder passes (tactic search repeated per pass)`);
      }
      if (log.precisionFlags) summary.notes.push(`precision flags: ${log.precisionFlags}`);
      if (log.performance?.throughputQps !== undefined) summary.notes.push(`throughput ${log.performance.throughputQps} qps`);
      const latency = latencyNote('latency', log.performance?.latency);
      if (latency) summary.notes.push(latency);
      const gpu = latencyNote('GPU compute', log.performance?.gpuCompute);
      if (gpu) summary.notes.push(gpu);
      if (log.status) summary.notes.push(`trtexec ${log.status}`);
      break;
    }
    case 'inspector-log':
      layersPart(artifact.inspector.layers, summary);
      summary.warningCount = artifact.inspector.diagnostics.filter((d) => d.severity === 'warning').length;
      summary.errorCount = artifact.inspector.diagnostics.filter((d) => d.severity === 'error').length;
      break;
    case 'layer-info-json':
      layersPart(artifact.layerInfo.layers, summary);
      if (artifact.layerInfo.verbosity === 'names-only') summary.notes.push('names-only export (built without --profilingVerbosity=detailed): no types, tactics or metadata');
      if (artifact.layerInfo.embeddedAtLine !== undefined) summary.notes.push(`JSON found at line ${artifact.layerInfo.embeddedAtLine}`);
      if (artifact.layerInfo.bindings.length > 0) summary.notes.push(`bindings: ${artifact.layerInfo.bindings.join(', ')}`);
      break;
    case 'profile-json':
      summary.layerCount = artifact.profile.layers.length;
      profilePart(artifact.profile, summary);
      break;
    case 'times-json': {
      const t = artifact.times;
      summary.notes.push(`${t.inferences} inferences`);
      const latency = latencyNote('latency', t.latencyMs);
      if (latency) summary.notes.push(latency);
      break;
    }
    case 'trex-metadata-json': {
      const m = artifact.trex;
      if (m.type === 'device' && m.device) summary.notes.push(`device ${m.device.name}${m.device.computeCapability ? ` (SM ${m.device.computeCapability})` : ''}`);
      if (m.precisionFlags) summary.notes.push(`precision flags: ${m.precisionFlags}`);
      if (m.model) summary.notes.push(`model ${m.model}`);
      if (m.performance?.throughputQps !== undefined) summary.notes.push(`throughput ${m.performance.throughputQps} qps`);
      const latency = latencyNote('latency', m.performance?.latency);
      if (latency) summary.notes.push(latency);
      break;
    }
    case 'calibration-cache': {
      const c = artifact.cache;
      const v = c.trtVersion ? decodeTrtVersion(c.trtVersion) : undefined;
      if (v) summary.trtVersion = `${v.major}.${v.minor}.${v.patch}`;
      summary.layerCount = undefined;
      summary.notes.push(`${c.entries.length} tensor scales${c.algorithm ? `, ${c.algorithm}` : ''}${c.format === 'ort-trt-ep-table' ? ' (ONNX Runtime TRT-EP table)' : ''}`);
      summary.warningCount = c.warnings.length;
      break;
    }
    case 'polygraphy-log': {
      const p = artifact.polygraphy;
      if (p.trtVersion) summary.trtVersion = p.trtVersion;
      summary.warningCount = p.diagnostics.filter((d) => d.severity === 'warning').length;
      summary.errorCount = p.diagnostics.filter((d) => d.severity === 'error').length;
      if (p.engineLayers && p.engineLayers.length > 0) {
        layersPart(p.engineLayers, summary);
        summary.notes.push("engine layers from 'polygraphy inspect model --show layers'");
      }
      const failed = p.commands.filter((c) => c.status === 'FAILED').length;
      const running = p.commands.filter((c) => c.status === 'RUNNING').length;
      if (p.commands.length > 0) {
        const outcome = failed ? `, ${failed} FAILED` : running === p.commands.length ? ' (no PASSED/FAILED line: log cut short?)' : running ? `, ${running} without a result` : ', all PASSED';
        summary.notes.push(`${p.commands.length} polygraphy command${p.commands.length === 1 ? '' : 's'}${outcome}`);
      }
      if (p.comparisons.length > 0) {
        const bad = p.comparisons.filter((c) => !c.passed);
        const worst = p.comparisons.reduce((m, c) => Math.max(m, c.maxAbsError ?? 0), 0);
        summary.notes.push(`${p.comparisons.length} output comparisons, ${bad.length} failed${bad.length ? ` (${bad.map((c) => c.output).slice(0, 5).join(', ')})` : ''}, max abs error ${worst}`);
      }
      break;
    }
  }
  if (summary.layerCount === undefined) delete summary.layerCount;
  return summary;
}
