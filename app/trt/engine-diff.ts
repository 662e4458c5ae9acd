/**
 * Diff of engines built from one network in different precisions (e.g. TREx ResNet18 FP32 / FP16 / INT8-QAT).
 * Compute layers are aligned to the reference engine (the one with the most FP32 layers, i.e. the baseline) by
 * identical engine-layer name, then identical ONNX node set, then — for a QAT export whose node names all differ —
 * by a longest common subsequence over (operation, output shape). Reformat copies, Q/DQ conversions and no-ops are
 * not aligned: they are summed per engine as overhead.
 */
import { shortLabels } from './short-labels';
import type { EngineDiff, EngineDiffCell, EngineDiffRow, EngineReport, EngineLayerRow } from './types';

const MAX_LCS_CELLS = 16_000_000;

interface ComputeLayer {
  row: EngineLayerRow;
  nodesKey: string;
  signature: string;
}

function family(type: string | undefined): string {
  return (type ?? '').replace(/^(Cask|Cuda|Tiled|Cudnn|Cublas|Fused|Myelin)+/, '') || '?';
}

function computeLayers(engine: EngineReport, shapes: Map<string, string>): ComputeLayer[] {
  const nodes = new Map(engine.mapping.map((m) => [m.engineLayer, [...m.onnxNodes].sort().join('\u0000')]));
  return engine.layers
    .filter((l) => !l.isReformat && l.layerType !== 'NoOp' && !isQdq(l))
    .map((row) => ({ row, nodesKey: nodes.get(row.name) ?? '', signature: `${family(row.layerType)}:${shapes.get(row.name) ?? ''}` }));
}

function isQdq(row: EngineLayerRow): boolean {
  return row.layerType === 'Reformat' || /^(Quantize|Dequantize)Linear_\d+$/.test(row.name);
}

function lcsPairs(a: string[], b: string[]): [number, number][] {
  if (a.length * b.length > MAX_LCS_CELLS) return [];
  const n = a.length;
  const m = b.length;
  const table = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] = a[i] === b[j] ? table[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1]) i++;
    else j++;
  }
  return pairs;
}

function cell(row: EngineLayerRow): EngineDiffCell {
  const c: EngineDiffCell = { layer: row.name, precision: row.precision };
  if (row.averageMs !== undefined) c.averageMs = row.averageMs;
  return c;
}

/**
 * `shapesByEngine`: per engine, engine-layer name → first output's dims as text (from the layer info), used for
 * the op-and-shape alignment.
 */
export function diffEngines(engines: readonly EngineReport[], shapesByEngine: Map<string, Map<string, string>>): EngineDiff | undefined {
  const withLayers = engines.filter((e) => e.layers.length > 0 && e.layers.some((l) => l.layerType !== undefined));
  if (withLayers.length < 2) return undefined;
  return alignEngines(withLayers, shapesByEngine);
}

/** Shares of the smaller and of the larger engine's compute layers that align with the other engine (0…1). */
export function alignmentShares(a: EngineReport, b: EngineReport, shapesByEngine: Map<string, Map<string, string>>): { smaller: number; larger: number } {
  const diff = alignEngines([a, b], shapesByEngine);
  const both = diff.rows.filter((r) => r.cells[0] !== null && r.cells[1] !== null).length;
  const counts = [0, 1].map((k) => diff.rows.filter((r) => r.cells[k] !== null).length);
  const smaller = Math.min(...counts);
  const larger = Math.max(...counts);
  return { smaller: smaller === 0 ? 0 : both / smaller, larger: larger === 0 ? 0 : both / larger };
}

/** Share of the smaller engine's compute layers that align with the other engine (0…1). */
export function alignmentShare(a: EngineReport, b: EngineReport, shapesByEngine: Map<string, Map<string, string>>): number {
  return alignmentShares(a, b, shapesByEngine).smaller;
}

/**
 * Groups engines of the same network and diffs each group of two or more. Same network: ≥ `minShare` of the smaller
 * engine's compute layers align, and ≥ `minLargerShare` of the larger one's — a ResNet18's convolutions all find
 * look-alikes (op and output shape) in a ResNet50, but they cover only a third of it.
 */
export function diffEngineGroups(engines: readonly EngineReport[], shapesByEngine: Map<string, Map<string, string>>, minShare = 0.6, minLargerShare = 0.5): EngineDiff[] {
  const candidates = engines.filter((e) => e.layers.length > 0 && e.layers.some((l) => l.layerType !== undefined));
  const groups: EngineReport[][] = [];
  for (const engine of candidates) {
    const group = groups.find((g) => {
      const shares = alignmentShares(g[0], engine, shapesByEngine);
      return shares.smaller >= minShare && shares.larger >= minLargerShare;
    });
    if (group) group.push(engine);
    else groups.push([engine]);
  }
  return groups.filter((g) => g.length >= 2).map((g) => alignEngines(g, shapesByEngine));
}

function alignEngines(withLayers: readonly EngineReport[], shapesByEngine: Map<string, Map<string, string>>): EngineDiff {
  const fp32Share = (e: EngineReport) => (e.precisionMix.fp32 ?? 0) / Math.max(1, e.layers.length);
  const reference = withLayers.reduce((best, e) => (fp32Share(e) > fp32Share(best) ? e : best));
  const ordered = [reference, ...withLayers.filter((e) => e !== reference)];
  const compute = ordered.map((e) => computeLayers(e, shapesByEngine.get(e.id) ?? new Map()));
  const rows: EngineDiffRow[] = compute[0].map((c) => ({ key: c.row.name, alignedBy: 'name', cells: [cell(c.row), ...ordered.slice(1).map(() => null)] }));
  // The compute layer that opened each row (its name, ONNX nodes and signature are what later engines align to).
  const rowOwner: ComputeLayer[] = [...compute[0]];
  for (let k = 1; k < ordered.length; k++) {
    const other = compute[k];
    const used = new Set<number>();
    const refIndexByName = new Map(rowOwner.map((c, i) => [c.row.name, i]));
    const refIndexByNodes = new Map<string, number>();
    rowOwner.forEach((c, i) => {
      if (c.nodesKey !== '' && !refIndexByNodes.has(c.nodesKey)) refIndexByNodes.set(c.nodesKey, i);
    });
    other.forEach((c, j) => {
      const i = refIndexByName.get(c.row.name);
      if (i !== undefined && rows[i].cells[k] === null) {
        rows[i].cells[k] = cell(c.row);
        used.add(j);
      }
    });
    other.forEach((c, j) => {
      if (used.has(j) || c.nodesKey === '') return;
      const i = refIndexByNodes.get(c.nodesKey);
      if (i !== undefined && rows[i].cells[k] === null) {
        rows[i].cells[k] = cell(c.row);
        rows[i].alignedBy = 'onnx-nodes';
        used.add(j);
      }
    });
    const freeRef = rows.map((r, i) => i).filter((i) => rows[i].cells[k] === null);
    const freeOther = other.map((_, j) => j).filter((j) => !used.has(j));
    const pairs = lcsPairs(freeRef.map((i) => rowOwner[i].signature), freeOther.map((j) => other[j].signature));
    for (const [a, b] of pairs) {
      const i = freeRef[a];
      rows[i].cells[k] = cell(other[freeOther[b]].row);
      rows[i].alignedBy = 'op-and-shape';
      used.add(freeOther[b]);
    }
    other.forEach((c, j) => {
      if (used.has(j)) return;
      rows.push({ key: c.row.name, alignedBy: 'name', cells: ordered.map((_, x) => (x === k ? cell(c.row) : null)) });
      rowOwner.push(c);
    });
  }
  return {
    engines: ordered.map((e) => e.id),
    labels: shortLabels(ordered.map((e) => e.id)),
    rows,
    overhead: ordered.map((e) => {
      const rest = e.layers.filter((l) => l.isReformat || l.layerType === 'NoOp' || isQdq(l));
      return { layers: rest.length, averageMs: rest.reduce((s, l) => s + (l.averageMs ?? 0), 0) };
    }),
    totalsMs: ordered.map((e) => e.totalTimeMs ?? null),
  };
}

