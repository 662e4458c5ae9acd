/** Colours and hit-testing of graph nodes (pure helpers for GraphCanvas). */
import type { GraphData, LayerRow } from '../../../app/contract/views';
import { badness, metricScale, type ColumnKey } from '../state/table-logic';
import { rampColor, rgbCss } from './heatmap-math';
import type { GraphLayout, PlacedNode } from './graph-layout';

export type GraphColorBy = 'precision' | 'sqnrDb' | 'cosineSimilarity' | 'relL2Error' | 'saturationRate' | 'isolatedCosine';

export const PRECISION_COLORS = { int8: '#e0692b', fp16: '#3b6fd8', fp32: '#7c8594' } as const;

/** Fill per node index: layers by metric/precision; non-layer nodes get null (drawn as outlines). */
export function nodeFills(graph: GraphData, rows: readonly LayerRow[], colorBy: GraphColorBy, staged: Readonly<Record<string, string>> = {}): (string | null)[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const scale = colorBy === 'precision' ? null : metricScale(rows, colorBy as ColumnKey);
  return graph.nodes.map((node) => {
    const row = node.layerId ? byId.get(node.layerId) : undefined;
    if (!row) return null;
    if (colorBy === 'precision') return PRECISION_COLORS[(staged[row.id] as keyof typeof PRECISION_COLORS) ?? row.precision];
    const b = scale ? badness(scale, row) : null;
    return b === null ? '#9aa1ab' : rgbCss(rampColor(b, 1));
  });
}

/** The node under a point in layout coordinates, or null. */
export function nodeAt(layout: GraphLayout, x: number, y: number): PlacedNode | null {
  for (let i = layout.nodes.length - 1; i >= 0; i--) {
    const n = layout.nodes[i];
    if (x >= n.x && x <= n.x + n.width && y >= n.y && y <= n.y + n.height) return n;
  }
  return null;
}

/** Text colour readable on a fill ("rgb(r, g, b)" or "#rrggbb"), by luminance. */
export function textOn(fill: string | null, fallback: string): string {
  if (!fill) return fallback;
  let rgb: number[] | null = null;
  const css = /^rgb\((\d+), ?(\d+), ?(\d+)\)$/.exec(fill);
  if (css) rgb = css.slice(1, 4).map(Number);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill);
  if (hex) rgb = hex.slice(1, 4).map((h) => parseInt(h, 16));
  if (!rgb) return fallback;
  return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 150 ? '#111' : '#fff';
}
