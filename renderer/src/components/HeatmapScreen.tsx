/** @jsxRuntime automatic */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { HeatmapData, LayerRow } from '../../../app/contract/views';
import { HeatmapCanvas, type HeatmapHover } from '../canvas/HeatmapCanvas';
import type { Rgb } from '../canvas/heatmap-math';
import { formatPercent } from '../format/units';
import { loadHeatmap, openDetail } from '../state/actions';
import { currentBuild, useWorkbench, type ThemeName } from '../state/store';
import { EmptyState, ErrorState, LoadingState } from './EmptyState';
import { HeatmapLegend } from './HeatmapLegend';

const EMPTY: Record<ThemeName, Rgb> = { light: [190, 194, 201], dark: [70, 75, 84] };
const TEXT: Record<ThemeName, string> = { light: '#3a3f47', dark: '#c9ced6' };

function markPainted() {
  performance.mark('pwb:heatmap-painted');
}

export function HeatmapTooltip({ hover, row }: { hover: HeatmapHover; row: LayerRow | undefined }) {
  return (
    <div className="tooltip" style={{ left: hover.x + 14, top: hover.y + 14 }} role="tooltip">
      <div className="tooltip-title">{row?.name ?? hover.layerId}</div>
      <div>{row?.opType} · layer {hover.row}</div>
      <div>{hover.channels ? (hover.channels.first === hover.channels.last ? `channel ${hover.channels.first}` : `channels ${hover.channels.first}–${hover.channels.last}`) : 'no channel in this bucket'}</div>
      <div>rel. L2 error <b>{hover.value === null ? '–' : formatPercent(hover.value, 2)}</b></div>
      <div className="muted">click to open</div>
    </div>
  );
}

/** The heatmap view of one build: presentational part (tests render this with fixture data). */
export function HeatmapPanel({ data, rows, theme, onOpen }: { data: HeatmapData; rows: readonly LayerRow[]; theme: ThemeName; onOpen: (layerId: string) => void }) {
  const [scaleMax, setScaleMax] = useState(data.scaleMax);
  const [hover, setHover] = useState<HeatmapHover | null>(null);
  useEffect(() => setScaleMax(data.scaleMax), [data]);
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  const labels = useMemo(() => data.layerIds.map((id) => byId.get(id)?.name ?? id), [data, byId]);
  const onPainted = useCallback(markPainted, []);
  return (
    <div className="heatmap-screen">
      <div className="heatmap-head">
        <span>{data.layerIds.length} layers (model order, top → bottom) × {data.columns} channel buckets</span>
        <span className="muted">wheel: zoom layers · shift+wheel: zoom channels · drag: pan · double-click: fit</span>
      </div>
      <HeatmapLegend scaleMax={scaleMax} defaultScaleMax={data.scaleMax} onScaleMax={setScaleMax} />
      <div className="heatmap-area">
        <HeatmapCanvas data={data} scaleMax={scaleMax} labels={labels} emptyColor={EMPTY[theme]} textColor={TEXT[theme]} onHover={setHover} onOpen={onOpen} onPainted={onPainted} />
        {hover ? <HeatmapTooltip hover={hover} row={byId.get(hover.layerId)} /> : null}
      </div>
    </div>
  );
}

export function HeatmapScreen() {
  const build = useWorkbench(currentBuild);
  const buildId = build?.buildId ?? null;
  const data = useWorkbench((s) => (buildId === null ? undefined : s.heatmaps[buildId]));
  const loading = useWorkbench((s) => (buildId === null ? false : !!s.loading[`heatmap:${buildId}`]));
  const error = useWorkbench((s) => (buildId === null ? undefined : s.resourceErrors[`heatmap:${buildId}`]));
  const theme = useWorkbench((s) => s.theme);
  useEffect(() => {
    if (buildId !== null) loadHeatmap(buildId);
  }, [buildId]);
  if (!build) return <EmptyState title="No build yet">Analyse a model to see its per-channel error.</EmptyState>;
  if (error) return <ErrorState error={error} onRetry={() => loadHeatmap(build.buildId)} />;
  if (!data || loading) return <LoadingState what="the heatmap" />;
  if (data.values.every((v) => v === null)) return <EmptyState title="No per-channel error in this build">No layer output was compared per channel.</EmptyState>;
  return <HeatmapPanel data={data} rows={build.view.layers} theme={theme} onOpen={(id) => openDetail(id)} />;
}
