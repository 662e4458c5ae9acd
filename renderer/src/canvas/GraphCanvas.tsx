/** @jsxRuntime automatic */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { GraphData } from '../../../app/contract/views';
import type { GraphLayout } from './graph-layout';
import { nodeAt, textOn } from './graph-paint';
import { useElementSize } from './use-element-size';

interface Camera {
  scale: number;
  x: number;
  y: number;
}

export interface GraphCanvasProps {
  graph: GraphData;
  layout: GraphLayout;
  fills: readonly (string | null)[];
  selectedLayerId: string | null;
  colors: { text: string; edge: string; outline: string; selected: string };
  onSelect: (layerId: string) => void;
  /** The node under the pointer (index into graph.nodes) and the pointer position in the box, or null. */
  onHover?: (hover: { index: number; x: number; y: number } | null) => void;
  /** Changes to this number re-centre the camera on the selected layer. */
  focusNonce: number;
}

const PAD = 20;

/** The laid-out graph on a canvas: wheel zooms about the pointer, drag pans, click selects a layer. */
export function GraphCanvas(props: GraphCanvasProps) {
  const { layout, graph } = props;
  const box = useRef<HTMLDivElement>(null);
  const size = useElementSize(box);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [camera, setCamera] = useState<Camera | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  // First view: fit the width (at most 1:1), top of the graph — like reading a model top-down.
  useEffect(() => {
    if (size.width === 0) return;
    const scale = Math.min(1, (size.width - 2 * PAD) / Math.max(1, layout.width));
    setCamera({ scale, x: (size.width - layout.width * scale) / 2, y: PAD });
  }, [layout, size.width === 0]);

  useEffect(() => {
    if (!props.focusNonce || !props.selectedLayerId || size.width === 0) return;
    const index = graph.nodes.findIndex((n) => n.layerId === props.selectedLayerId);
    const node = layout.nodes.find((n) => n.index === index);
    if (!node) return;
    setCamera((c) => {
      const scale = Math.max(c?.scale ?? 1, 0.8);
      return { scale, x: size.width / 2 - (node.x + node.width / 2) * scale, y: size.height / 2 - (node.y + node.height / 2) * scale };
    });
  }, [props.focusNonce]);

  useEffect(() => {
    const element = canvas.current;
    if (!element || !camera || size.width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = Math.round(size.width * ratio);
    element.height = Math.round(size.height * ratio);
    const context = element.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, size.width, size.height);
    context.translate(camera.x, camera.y);
    context.scale(camera.scale, camera.scale);
    const viewLeft = -camera.x / camera.scale;
    const viewTop = -camera.y / camera.scale;
    const viewRight = viewLeft + size.width / camera.scale;
    const viewBottom = viewTop + size.height / camera.scale;
    context.strokeStyle = props.colors.edge;
    context.lineWidth = 1 / Math.max(camera.scale, 0.5);
    context.beginPath();
    for (const edge of layout.edges) {
      const p = edge.points;
      context.moveTo(p[0], p[1]);
      for (let i = 2; i < p.length; i += 2) context.lineTo(p[i], p[i + 1]);
    }
    context.stroke();
    const showText = camera.scale >= 0.45;
    context.font = '12px system-ui, sans-serif';
    context.textBaseline = 'middle';
    context.textAlign = 'center';
    for (const placed of layout.nodes) {
      if (placed.x > viewRight || placed.x + placed.width < viewLeft || placed.y > viewBottom || placed.y + placed.height < viewTop) continue;
      const node = graph.nodes[placed.index];
      const fill = props.fills[placed.index];
      const selected = node.layerId !== null && node.layerId === props.selectedLayerId;
      context.fillStyle = fill ?? 'rgba(128,128,128,0.08)';
      context.fillRect(placed.x, placed.y, placed.width, placed.height);
      context.lineWidth = selected ? 3 : 1;
      context.strokeStyle = selected ? props.colors.selected : props.colors.outline;
      context.strokeRect(placed.x, placed.y, placed.width, placed.height);
      if (showText) {
        context.fillStyle = textOn(fill, props.colors.text);
        context.fillText(node.opType, placed.x + placed.width / 2, placed.y + placed.height / 2, placed.width - 6);
      }
    }
  }, [camera, size, layout, props.fills, props.selectedLayerId, props.colors]);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const py = event.clientY - rect.top;
      setCamera((c) => {
        if (!c) return c;
        const scale = Math.max(0.02, Math.min(4, c.scale * Math.exp(-event.deltaY * 0.0015)));
        return { scale, x: px - ((px - c.x) * scale) / c.scale, y: py - ((py - c.y) * scale) / c.scale };
      });
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    drag.current = { x: event.clientX, y: event.clientY, moved: false };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (!d) {
      if (!camera || !props.onHover) return;
      const rect = event.currentTarget.getBoundingClientRect();
      const bx = event.clientX - rect.left;
      const by = event.clientY - rect.top;
      const hit = nodeAt(layout, (bx - camera.x) / camera.scale, (by - camera.y) / camera.scale);
      props.onHover(hit ? { index: hit.index, x: bx, y: by } : null);
      return;
    }
    props.onHover?.(null);
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) <= 3) return;
    d.moved = true;
    d.x = event.clientX;
    d.y = event.clientY;
    setCamera((c) => (c ? { ...c, x: c.x + dx, y: c.y + dy } : c));
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (d?.moved || !camera) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const x = (event.clientX - rect.left - camera.x) / camera.scale;
    const y = (event.clientY - rect.top - camera.y) / camera.scale;
    const hit = nodeAt(layout, x, y);
    const layerId = hit ? graph.nodes[hit.index].layerId : null;
    if (layerId) props.onSelect(layerId);
  };

  return (
    <div className="graph-box" ref={box}>
      <canvas
        ref={canvas}
        style={{ width: size.width || '100%', height: size.height || '100%' }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => props.onHover?.(null)}
        role="img"
        aria-label={`Model graph: ${graph.nodes.length} nodes. Wheel to zoom, drag to pan, click a layer to open it.`}
      />
    </div>
  );
}
