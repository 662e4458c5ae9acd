/** @jsxRuntime automatic */
import { useEffect, useMemo } from 'react';
import { loadDetail, openDetail, stagePrecision } from '../state/actions';
import { isTensorRtBuild } from '../state/backend-logic';
import { currentBuild, detailKey, useWorkbench } from '../state/store';
import { LayerDetailPanel } from './LayerDetailPanel';

/** The detail drawer for the layer in `detailLayerId`, wired to the store. */
export function LayerDetailScreen() {
  const build = useWorkbench(currentBuild);
  const layerId = useWorkbench((s) => s.detailLayerId);
  const key = build && layerId ? detailKey(build.buildId, layerId) : '';
  const detail = useWorkbench((s) => (key ? s.details[key] : undefined));
  const loading = useWorkbench((s) => !!s.loading[`detail:${key}`]);
  const error = useWorkbench((s) => s.resourceErrors[`detail:${key}`]);
  const staged = useWorkbench((s) => (layerId ? s.staged[layerId] : undefined));
  const scaleMax = useWorkbench((s) => (build ? s.heatmaps[build.buildId]?.scaleMax : undefined));
  const row = useMemo(() => build?.view.layers.find((r) => r.id === layerId), [build, layerId]);
  useEffect(() => {
    if (build && layerId) loadDetail(build.buildId, layerId);
  }, [build, layerId]);
  if (!build || !layerId) return null;
  return (
    <LayerDetailPanel
      layerId={layerId}
      row={row}
      detail={detail}
      loading={loading}
      error={error}
      precision={staged ?? row?.precision ?? 'int8'}
      heatmapScaleMax={scaleMax ?? Math.max(1e-6, ...(detail?.layer.metrics?.perChannel.relL2Error.filter((v): v is number => v !== null) ?? [1]))}
      fusedOutputs={isTensorRtBuild(build.view.settings)}
      tensorRt={isTensorRtBuild(build.view.settings)}
      onStage={(p) => stagePrecision([layerId], p)}
      onOpenLayer={(id) => openDetail(id)}
      onClose={() => openDetail(null)}
      onRetry={() => {
        useWorkbench.setState((s) => { const { [`detail:${key}`]: _dropped, ...rest } = s.resourceErrors; return { resourceErrors: rest }; });
        loadDetail(build.buildId, layerId);
      }}
    />
  );
}
