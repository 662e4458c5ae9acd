/**
 * Heatmap arithmetic without a canvas: the colour ramp, the view transform (zoom about a point, pan, clamping) and
 * hit-testing a pixel back to a layer and a channel range. HeatmapCanvas.tsx draws with these.
 */

export type Rgb = [number, number, number];

/** Viridis at 5 stops: perceptually ordered, readable for common colour-vision deficiencies, on light and dark. */
export const RAMP: readonly Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Colour of a value on a 0..scaleMax scale (values above scaleMax saturate at the top colour). */
export function rampColor(value: number, scaleMax: number): Rgb {
  const t = scaleMax > 0 && Number.isFinite(value) ? Math.max(0, Math.min(1, value / scaleMax)) : 0;
  const position = t * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(position));
  const f = position - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** CSS gradient for the legend, the same ramp as the cells. */
export function rampGradient(direction = 'to right'): string {
  return `linear-gradient(${direction}, ${RAMP.map((c, i) => `${rgbCss(c)} ${(i / (RAMP.length - 1)) * 100}%`).join(', ')})`;
}

/**
 * Fills an RGBA buffer of rows × columns pixels (one pixel per cell); null cells get `empty`.
 * The canvas then scales this image to the view (nearest-neighbour), which is what keeps 2,000 × 64 cheap.
 */
export function fillCells(values: readonly (number | null)[], rows: number, columns: number, scaleMax: number, empty: Rgb, out: Uint8ClampedArray): void {
  for (let i = 0; i < rows * columns; i++) {
    const v = values[i];
    const [r, g, b] = v === null || v === undefined ? empty : rampColor(v, scaleMax);
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = 255;
  }
}

/** Screen = offset + cell index × cellSize × zoom. zoom 1 = the whole matrix fits the viewport. */
export interface HeatmapView {
  zoomX: number;
  zoomY: number;
  offsetX: number;
  offsetY: number;
}

export interface HeatmapGeometry {
  width: number;
  height: number;
  rows: number;
  columns: number;
}

export const FIT_VIEW: HeatmapView = { zoomX: 1, zoomY: 1, offsetX: 0, offsetY: 0 };

/** Largest zoom: at least ~12 rows stay visible and a column is at most 48 px wide. */
export function maxZoom(g: HeatmapGeometry): { x: number; y: number } {
  const cellW = g.width / Math.max(1, g.columns);
  return { x: Math.max(1, 48 / cellW), y: Math.max(1, g.rows / 12) };
}

export function cellSize(view: HeatmapView, g: HeatmapGeometry): { w: number; h: number } {
  return { w: (g.width / Math.max(1, g.columns)) * view.zoomX, h: (g.height / Math.max(1, g.rows)) * view.zoomY };
}

/** Keeps the matrix covering the viewport (no panning past its edges). */
export function clampView(view: HeatmapView, g: HeatmapGeometry): HeatmapView {
  const limits = maxZoom(g);
  const zoomX = Math.max(1, Math.min(limits.x, view.zoomX));
  const zoomY = Math.max(1, Math.min(limits.y, view.zoomY));
  const contentW = g.width * zoomX;
  const contentH = g.height * zoomY;
  return {
    zoomX,
    zoomY,
    offsetX: Math.min(0, Math.max(g.width - contentW, view.offsetX)),
    offsetY: Math.min(0, Math.max(g.height - contentH, view.offsetY)),
  };
}

/**
 * Zoom by `factorX` (channel axis) and `factorY` (layer axis) keeping the content under (px, py) in place. The wheel
 * zooms layers only (the long axis); Shift+wheel zooms channels.
 */
export function zoomAt(view: HeatmapView, factorX: number, factorY: number, px: number, py: number, g: HeatmapGeometry): HeatmapView {
  const limits = maxZoom(g);
  const zoomX = Math.max(1, Math.min(limits.x, view.zoomX * factorX));
  const zoomY = Math.max(1, Math.min(limits.y, view.zoomY * factorY));
  const offsetX = px - ((px - view.offsetX) * zoomX) / view.zoomX;
  const offsetY = py - ((py - view.offsetY) * zoomY) / view.zoomY;
  return clampView({ zoomX, zoomY, offsetX, offsetY }, g);
}

export function panBy(view: HeatmapView, dx: number, dy: number, g: HeatmapGeometry): HeatmapView {
  return clampView({ ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy }, g);
}

/** The cell under a pixel, or null outside the matrix. */
export function cellAt(view: HeatmapView, px: number, py: number, g: HeatmapGeometry): { row: number; column: number } | null {
  const { w, h } = cellSize(view, g);
  const column = Math.floor((px - view.offsetX) / w);
  const row = Math.floor((py - view.offsetY) / h);
  if (row < 0 || row >= g.rows || column < 0 || column >= g.columns) return null;
  return { row, column };
}

/** Rows visible in the viewport (inclusive first, exclusive last), for axis labels. */
export function visibleRows(view: HeatmapView, g: HeatmapGeometry): { first: number; last: number } {
  const { h } = cellSize(view, g);
  const first = Math.max(0, Math.floor(-view.offsetY / h));
  const last = Math.min(g.rows, Math.ceil((g.height - view.offsetY) / h));
  return { first, last };
}

/**
 * The channels bucket `column` holds for a layer with `channels` channels, mirroring heatmapData in
 * app/contract/views.ts (buckets = min(columns, channels), bucket b = [⌊b·n/k⌋, ⌊(b+1)·n/k⌋)). null: no such bucket.
 */
export function channelRange(column: number, channels: number, columns: number): { first: number; last: number } | null {
  const buckets = Math.min(columns, channels);
  if (column < 0 || column >= buckets) return null;
  const first = Math.floor((column * channels) / buckets);
  const end = Math.floor(((column + 1) * channels) / buckets);
  return { first, last: end - 1 };
}
