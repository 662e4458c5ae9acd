/**
 * Pure logic of the TensorRT view (no React): which artifacts carry tactics, candidate tables with ratios to the
 * fastest, layer-timing sort and top-N, the ONNX-node → workbench-layer index, engine-diff speed-ups.
 * Times are milliseconds, as in app/trt.
 */
import type {
  BuildTacticCandidate,
  EngineDiff,
  EngineLayerRow,
  EngineReport,
  FormatCombination,
  LayerTactics,
  LogDiagnostic,
  TrtArtifact,
  TrtImportResult,
  TrtexecLog,
} from '../../../app/trt/types';

/** Lists longer than this are virtualized (only visible rows in the DOM). */
export const VIRTUALIZE_ABOVE = 200;

export type TrtSection = 'tactics' | 'timing' | 'precision' | 'diff';

/** Logs the tactic viewer can show: trtexec logs with a tactic search or diagnostics. */
export function tacticLogs(result: TrtImportResult): { file: string; log: TrtexecLog }[] {
  const out: { file: string; log: TrtexecLog }[] = [];
  for (const a of result.artifacts) if (a.kind === 'trtexec-log' && (a.log.tactics.length > 0 || a.log.diagnostics.length > 0)) out.push({ file: a.file, log: a.log });
  return out;
}

/** Diagnostics of any artifact kind that has them (trtexec, inspector, polygraphy logs). */
export function diagnosticsOf(artifact: TrtArtifact): LogDiagnostic[] {
  if (artifact.kind === 'trtexec-log') return artifact.log.diagnostics;
  if (artifact.kind === 'inspector-log') return artifact.inspector.diagnostics;
  if (artifact.kind === 'polygraphy-log') return artifact.polygraphy.diagnostics;
  return [];
}

/** Sections with something to show, in display order. */
export function availableSections(result: TrtImportResult): TrtSection[] {
  const sections: TrtSection[] = [];
  if (tacticLogs(result).length > 0) sections.push('tactics');
  if (result.engines.length > 0) sections.push('timing', 'precision');
  if (result.diffs.length > 0) sections.push('diff');
  return sections;
}

export function fileName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** The last two path parts: enough to tell fp16/x.json from fp32/x.json. */
export function shortFile(file: string): string {
  return file.split(/[\\/]/).slice(-2).join('/');
}

export interface TacticFilter {
  text: string;
  /** null: every builder pass. */
  pass: number | null;
}

/** Tactic searches whose layer name contains the text (case-insensitive), in log order. */
export function filterTactics(tactics: readonly LayerTactics[], filter: TacticFilter): LayerTactics[] {
  const needle = filter.text.trim().toLowerCase();
  return tactics.filter((t) => (filter.pass === null || t.pass === filter.pass) && (!needle || t.name.toLowerCase().includes(needle)));
}

/** The stable key of one tactic search (a layer can be searched once per builder pass). */
export function tacticKey(t: LayerTactics): string {
  return `${t.pass}:${t.line}`;
}

export function candidateCount(t: LayerTactics): number {
  let n = 0;
  for (const c of t.combinations) n += c.candidates.length + c.droppedCandidates;
  return n;
}

/** The tactic TensorRT kept for the layer: the selected one, else the chosen one of the only timed combination. */
export function chosenTactic(t: LayerTactics): { tactic: string; timeMs: number | null; tacticName?: string; runner?: string; formats?: string; cached?: boolean } | null {
  if (t.selected) return t.selected;
  const withChoice = t.combinations.filter((c) => c.chosen);
  if (withChoice.length === 1) return { ...withChoice[0].chosen!, formats: withChoice[0].formats };
  return null;
}

export interface CandidateRow extends BuildTacticCandidate {
  rank: number;
  chosen: boolean;
  /** timeMs ÷ the fastest timed candidate (1 = the fastest); null for skipped candidates. */
  ratio: number | null;
}

/** Candidates sorted by time (skipped ones last), ranked, the chosen one marked, each with its ratio to the fastest. */
export function candidateRows(combination: FormatCombination): CandidateRow[] {
  const timed = combination.candidates.filter((c) => c.timeMs !== null).sort((a, b) => a.timeMs! - b.timeMs!);
  const skipped = combination.candidates.filter((c) => c.timeMs === null);
  const fastest = timed[0]?.timeMs ?? null;
  const chosen = combination.chosen?.tactic;
  let chosenMarked = false;
  return [...timed, ...skipped].map((c, i) => {
    // A tactic id can repeat under two runners; mark the first (fastest) match only.
    const isChosen = !chosenMarked && chosen !== undefined && c.tactic === chosen && (combination.chosen?.runner === undefined || c.runner === undefined || sameRunner(c.runner, combination.chosen.runner));
    if (isChosen) chosenMarked = true;
    return { ...c, rank: i + 1, chosen: isChosen, ratio: c.timeMs !== null && fastest !== null && fastest > 0 ? c.timeMs / fastest : null };
  });
}

function sameRunner(a: string, b: string): boolean {
  const base = (s: string) => s.replace(/\[.*$/, '');
  return base(a) === base(b);
}

/** Does the combination hold anything to show (timed candidates or a cached choice)? */
export function combinationHasData(c: FormatCombination): boolean {
  return c.candidates.length > 0 || c.chosen !== undefined || c.droppedCandidates > 0;
}

export function isSelectedCombination(t: LayerTactics, c: FormatCombination): boolean {
  return t.selected !== undefined && t.selected.formats === c.formats;
}

export type TimingSortKey = 'index' | 'name' | 'layerType' | 'precision' | 'averageMs' | 'tactic';
export interface TimingSort {
  key: TimingSortKey;
  direction: 'asc' | 'desc';
}
export const DEFAULT_TIMING_SORT: TimingSort = { key: 'averageMs', direction: 'desc' };

export interface TimingRow extends EngineLayerRow {
  /** Position in the engine (execution order). */
  index: number;
}

/** Engine layers sorted for the timing table; rows without a time sort last whatever the direction. */
export function sortTimingRows(layers: readonly EngineLayerRow[], sort: TimingSort, limit: number | null = null): TimingRow[] {
  const rows: TimingRow[] = layers.map((l, index) => ({ ...l, index }));
  const sign = sort.direction === 'asc' ? 1 : -1;
  const text = (r: TimingRow): string => {
    switch (sort.key) {
      case 'name': return r.name;
      case 'layerType': return r.layerType ?? '';
      case 'precision': return r.precision;
      case 'tactic': return r.tacticName ?? r.tacticValue ?? '';
      default: return '';
    }
  };
  rows.sort((a, b) => {
    if (sort.key === 'index') return sign * (a.index - b.index);
    if (sort.key === 'averageMs') {
      if (a.averageMs === undefined || b.averageMs === undefined) return a.averageMs === undefined ? (b.averageMs === undefined ? a.index - b.index : 1) : -1;
      return sign * (a.averageMs - b.averageMs) || a.index - b.index;
    }
    return sign * text(a).localeCompare(text(b)) || a.index - b.index;
  });
  return limit === null ? rows : rows.slice(0, limit);
}

export function toggleTimingSort(sort: TimingSort, key: TimingSortKey): TimingSort {
  if (sort.key === key) return { key, direction: sort.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: key === 'averageMs' ? 'desc' : 'asc' };
}

/** Sum of per-layer averages when the engine has no profile total (e.g. a log's profile only). */
export function engineTotalMs(engine: EngineReport): number | null {
  if (engine.totalTimeMs !== undefined) return engine.totalTimeMs;
  let sum = 0;
  let any = false;
  for (const l of engine.layers) if (l.averageMs !== undefined) { sum += l.averageMs; any = true; }
  return any ? sum : null;
}

/**
 * ONNX node name → workbench layer id, for the layers the open session knows: the plan check's rows first (they
 * carry the ids the engine resolved), then the build's layer rows by name.
 */
export function workbenchLayerIndex(engine: EngineReport | undefined, buildLayers: readonly { id: string; name: string }[]): Map<string, string> {
  const known = new Set(buildLayers.map((l) => l.id));
  const index = new Map<string, string>();
  for (const row of engine?.planCheck?.rows ?? []) if (known.size === 0 || known.has(row.layerId)) index.set(row.node, row.layerId);
  for (const l of buildLayers) if (!index.has(l.name)) index.set(l.name, l.id);
  return index;
}

/** reference time ÷ this engine's time (>1 = faster than the reference); null when either is missing. */
export function speedup(referenceMs: number | null | undefined, ms: number | null | undefined): number | null {
  if (referenceMs === null || referenceMs === undefined || ms === null || ms === undefined || ms <= 0) return null;
  return referenceMs / ms;
}

/** Matched rows of a diff summed per engine (rows every engine has), so totals compare like for like. */
export function diffMatchedTotals(diff: EngineDiff): (number | null)[] {
  return diff.engines.map((_, i) => {
    let sum = 0;
    let any = false;
    for (const row of diff.rows) {
      const t = row.cells[i]?.averageMs;
      if (t !== undefined) { sum += t; any = true; }
    }
    return any ? sum : null;
  });
}
