/** @jsxRuntime automatic */
import { useEffect, useMemo, useState } from 'react';
import type { GraphData, LayerRow } from '../../../app/contract/views';
import { GraphCanvas } from '../canvas/GraphCanvas';
import { layoutGraph, type GraphLayout } from '../canvas/graph-layout';
import { nodeFills, PRECISION_COLORS, type GraphColorBy } from '../canvas/graph-paint';
import { rampGradient } from '../canvas/heatmap-math';
import { describeError } from '../client/client-error';
import { formatCosine, formatCount, formatDb } from '../format/units';
import { loadGraph, openDetail } from '../state/actions';
import { currentBuild, useWorkbench, type ThemeName } from '../state/store';
import { EmptyState, ErrorState, LoadingState } from './EmptyState';

const COLOR_BY: { value: GraphColorBy; label: string }[] = [
  { value: 'sqnrDb', label: 'SQNR (dB)' },
  { value: 'cosineSimilarity', label: 'Cosine' },
  { value: 'relL2Error', label: 'Rel. L2 error' },
  { value: 'saturationRate', label: 'Saturation' },
  { value: 'isolatedCosine', label: 'Isolated cosine (sensitivity)' },
  { value: 'precision', label: 'Precision' },
];

const COLORS: Record<ThemeName, { text: string; edge: string; outline: string; selected: string }> = {
  light: { text: '#222831', edge: 'rgba(60,70,85,0.45)', outline: 'rgba(40,45,55,0.55)', selected: '#d81b60' },
  dark: { text: '#e6e9ee', edge: 'rgba(200,210,225,0.35)', outline: 'rgba(220,225,235,0.5)', selected: '#ff4f93' },
};

export function GraphLegend({ colorBy }: { colorBy: GraphColorBy }) {
  if (colorBy === 'precision') {
    return (
      <span className="graph-legend">
        {Object.entries(PRECISION_COLORS).map(([p, c]) => <span key={p}><i style={{ background: c }} /> {p.toUpperCase()}</span>)}
        <span><i className="outline" /> not a layer</span>
      </span>
    );
  }
  return (
    <span className="graph-legend">
      best <span className="ramp small" style={{ background: rampGradient() }} /> worst (in this build) <span><i className="outline" /> not a layer</span>
    </span>
  );
}

function GraphTooltip({ node, row, x, y }: { node: GraphData['nodes'][number]; row: LayerRow | undefined; x: number; y: number }) {
  return (
    <div className="tooltip" style={{ left: x + 14, top: y + 14 }} role="tooltip">
      <div className="tooltip-title">{node.name || '(unnamed)'}</div>
      <div>{node.opType}{node.graphPath ? ` · ${node.graphPath}` : ''}</div>
      {row ? (
        <div>{row.precision.toUpperCase()} · SQNR {formatDb(row.sqnrDb, { exact: row.mse === 0 })} · cosine {formatCosine(row.cosineSimilarity)}</div>
      ) : (
        <div className="muted">not a quantizable layer</div>
      )}
      {row ? <div className="muted">click to open</div> : null}
    </div>
  );
}

export function GraphPanel({ graph, rows, staged, selectedLayerId, theme, onSelect }: { graph: GraphData; rows: readonly LayerRow[]; staged: Readonly<Record<string, string>>; selectedLayerId: string | null; theme: ThemeName; onSelect: (id: string) => void }) {
  const [colorBy, setColorBy] = useState<GraphColorBy>('sqnrDb');
  const [layout, setLayout] = useState<GraphLayout | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [focus, setFocus] = useState(0);
  const [startedAt] = useState(() => Date.now());
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  useEffect(() => {
    let live = true;
    setLayout(null);
    layoutGraph(graph).then((l) => live && setLayout(l), (e) => live && setError(describeError(e)));
    return () => { live = false; };
  }, [graph]);
  const fills = useMemo(() => nodeFills(graph, rows, colorBy, staged), [graph, rows, colorBy, staged]);
  return (
    <div className="graph-screen">
      <div className="graph-head">
        <label>Colour by <select value={colorBy} onChange={(e) => setColorBy(e.target.value as GraphColorBy)}>{COLOR_BY.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}</select></label>
        <GraphLegend colorBy={colorBy} />
        <button type="button" disabled={!selectedLayerId} onClick={() => setFocus((n) => n + 1)}>Show selected</button>
        <span className="muted">{formatCount(graph.nodes.length)} nodes · {formatCount(graph.edges.length)} edges · wheel: zoom · drag: pan · click: open</span>
      </div>
      {error ? <ErrorState error={{ ...error, during: 'Graph layout' }} /> : null}
      {!layout && !error ? <LoadingState what={`the layout of ${formatCount(graph.nodes.length)} nodes (elkjs, in a worker; started ${new Date(startedAt).toLocaleTimeString()})`} /> : null}
      {layout ? (
        <div className="graph-area">
          <GraphCanvas graph={graph} layout={layout} fills={fills} selectedLayerId={selectedLayerId} colors={COLORS[theme]} onSelect={onSelect} onHover={setHover} focusNonce={focus} />
          {hover ? <GraphTooltip node={graph.nodes[hover.index]} row={graph.nodes[hover.index].layerId ? byId.get(graph.nodes[hover.index].layerId!) : undefined} x={hover.x} y={hover.y} /> : null}
        </div>
      ) : null}
    </div>
  );
}

export function GraphScreen() {
  const build = useWorkbench(currentBuild);
  const graph = useWorkbench((s) => s.graph);
  const loading = useWorkbench((s) => !!s.loading.graph);
  const error = useWorkbench((s) => s.resourceErrors.graph);
  const staged = useWorkbench((s) => s.staged);
  const selected = useWorkbench((s) => s.detailLayerId);
  const theme = useWorkbench((s) => s.theme);
  const session = useWorkbench((s) => s.session);
  useEffect(() => {
    if (session) loadGraph();
  }, [session]);
  if (!build) return <EmptyState title="No build yet">Analyse a model to see its graph.</EmptyState>;
  if (error) return <ErrorState error={error} onRetry={loadGraph} />;
  if (!graph || loading) return <LoadingState what="the graph" />;
  if (graph.nodes.length === 0) return <EmptyState title="The graph has no nodes" />;
  return <GraphPanel graph={graph} rows={build.view.layers} staged={staged} selectedLayerId={selected} theme={theme} onSelect={(id) => openDetail(id)} />;
}
