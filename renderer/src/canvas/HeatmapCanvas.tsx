/** @jsxRuntime automatic */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { HeatmapData } from '../../../app/contract/views';
import { cellAt, cellSize, channelRange, fillCells, FIT_VIEW, panBy, visibleRows, zoomAt, type HeatmapGeometry, type HeatmapView, type Rgb } from './heatmap-math';
import { useElementSize } from './use-element-size';

export interface HeatmapHover {
  row: number;
  column: number;
  layerId: string;
  channels: { first: number; last: number } | null;
  value: number | null;
  /** Pointer position inside the canvas box (CSS px). */
  x: number;
  y: number;
}

export interface HeatmapCanvasProps {
  data: HeatmapData;
  scaleMax: number;
  /** Row labels (layer names) by row; drawn in the gutter when rows are tall enough. */
  labels: readonly string[];
  emptyColor: Rgb;
  textColor: string;
  onHover: (hover: HeatmapHover | null) => void;
  onOpen: (layerId: string) => void;
  onPainted?: () => void;
}

const GUTTER = 180;
const DRAG_THRESHOLD = 3;

/**
 * Layers × channel buckets on a <canvas>: the matrix is one rows×columns image scaled with nearest-neighbour, so
 * 2,000 × 64 cells cost one drawImage. Wheel zooms about the pointer, drag pans, click opens the layer.
 */
export function HeatmapCanvas(props: HeatmapCanvasProps) {
  const { data, scaleMax } = props;
  const box = useRef<HTMLDivElement>(null);
  const size = useElementSize(box);
  const canvas = useRef<HTMLCanvasElement>(null);
  const image = useRef<HTMLCanvasElement | null>(null);
  const [view, setView] = useState<HeatmapView>(FIT_VIEW);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const painted = useRef(false);
  const rows = data.layerIds.length;
  const geometry: HeatmapGeometry = { width: Math.max(1, size.width - GUTTER), height: Math.max(1, size.height), rows, columns: data.columns };

  // The cell image: rebuilt only when the data, scale or theme change.
  useEffect(() => {
    const offscreen = document.createElement('canvas');
    offscreen.width = Math.max(1, data.columns);
    offscreen.height = Math.max(1, rows);
    const context = offscreen.getContext('2d');
    if (!context) return;
    const pixels = context.createImageData(offscreen.width, offscreen.height);
    fillCells(data.values, rows, data.columns, scaleMax, props.emptyColor, pixels.data);
    context.putImageData(pixels, 0, 0);
    image.current = offscreen;
    setView((v) => ({ ...v }));
  }, [data, scaleMax, props.emptyColor]);

  useEffect(() => {
    const element = canvas.current;
    const cells = image.current;
    if (!element || !cells || size.width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = Math.round(size.width * ratio);
    element.height = Math.round(size.height * ratio);
    const context = element.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, size.width, size.height);
    context.save();
    context.beginPath();
    context.rect(GUTTER, 0, geometry.width, geometry.height);
    context.clip();
    context.imageSmoothingEnabled = false;
    context.drawImage(cells, GUTTER + view.offsetX, view.offsetY, geometry.width * view.zoomX, geometry.height * view.zoomY);
    context.restore();
    drawRowLabels(context, view, geometry, props.labels, props.textColor);
    if (!painted.current) {
      painted.current = true;
      requestAnimationFrame(() => props.onPainted?.());
    }
  }, [view, size, data, scaleMax, props.labels, props.textColor]);

  const locate = (event: { clientX: number; clientY: number }) => {
    const rect = canvas.current?.getBoundingClientRect();
    if (!rect) return null;
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    return { x, y, cell: cellAt(view, x - GUTTER, y, geometry) };
  };

  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const rect = canvas.current?.getBoundingClientRect();
    if (!rect) return;
    const factor = Math.exp(-(event.deltaY || event.deltaX) * 0.0015);
    const px = event.clientX - rect.left - GUTTER;
    const py = event.clientY - rect.top;
    setView((v) => (event.shiftKey ? zoomAt(v, factor, 1, px, py, geometry) : zoomAt(v, 1, factor, px, py, geometry)));
  };
  // React's onWheel is passive; zooming must preventDefault, so attach natively.
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  });

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    drag.current = { x: event.clientX, y: event.clientY, moved: false };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (d) {
      const dx = event.clientX - d.x;
      const dy = event.clientY - d.y;
      if (d.moved || Math.abs(dx) + Math.abs(dy) > DRAG_THRESHOLD) {
        d.moved = true;
        d.x = event.clientX;
        d.y = event.clientY;
        setView((v) => panBy(v, dx, dy, geometry));
        props.onHover(null);
        return;
      }
    }
    const hit = locate(event);
    if (!hit?.cell) return props.onHover(null);
    const { row, column } = hit.cell;
    props.onHover({
      row,
      column,
      layerId: data.layerIds[row],
      channels: channelRange(column, data.channels[row], data.columns),
      value: data.values[row * data.columns + column] ?? null,
      x: hit.x,
      y: hit.y,
    });
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (d?.moved) return;
    const hit = locate(event);
    if (hit?.cell) props.onOpen(data.layerIds[hit.cell.row]);
  };

  return (
    <div className="heatmap-box" ref={box}>
      <canvas
        ref={canvas}
        className="heatmap-canvas"
        style={{ width: size.width || '100%', height: size.height || '100%' }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => props.onHover(null)}
        onDoubleClick={() => setView(FIT_VIEW)}
        aria-label={`Per-channel error heatmap: ${rows} layers × ${data.columns} channel buckets. Wheel zooms layers, Shift+wheel channels, drag pans, click a row to open the layer, double-click to fit.`}
        role="img"
      />
    </div>
  );
}

function drawRowLabels(context: CanvasRenderingContext2D, view: HeatmapView, g: HeatmapGeometry, labels: readonly string[], color: string): void {
  const { h } = cellSize(view, g);
  const { first, last } = visibleRows(view, g);
  context.fillStyle = color;
  context.textBaseline = 'middle';
  if (h >= 11) {
    context.font = `${Math.min(12, Math.floor(h - 2))}px system-ui, sans-serif`;
    for (let row = first; row < last; row++) {
      const text = labels[row] ?? '';
      const y = view.offsetY + (row + 0.5) * h;
      context.fillText(fit(context, `${row} ${text}`, GUTTER - 8), 4, y);
    }
    return;
  }
  // Too dense for names: row-index ticks every ~40 px.
  context.font = '11px system-ui, sans-serif';
  const step = Math.max(1, Math.ceil(40 / h));
  const niceStep = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((s) => s >= step) ?? step;
  for (let row = Math.ceil(first / niceStep) * niceStep; row < last; row += niceStep) {
    const y = view.offsetY + (row + 0.5) * h;
    context.fillText(`layer ${row}`, 4, y);
    context.fillRect(GUTTER - 6, y, 4, 1);
  }
}

function fit(context: CanvasRenderingContext2D, text: string, width: number): string {
  if (context.measureText(text).width <= width) return text;
  let end = text.length;
  while (end > 1 && context.measureText(`${text.slice(0, end)}…`).width > width) end--;
  return `${text.slice(0, end)}…`;
}
