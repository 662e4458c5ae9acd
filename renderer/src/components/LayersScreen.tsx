/** @jsxRuntime automatic */
import { useCallback, useMemo } from 'react';
import { discardStaged, openDetail, pinWorst, rebuild, sensitivityAndApply, stagePrecision } from '../state/actions';
import { isTensorRtBuild, widerThanPlannedCount } from '../state/backend-logic';
import { remapCursor } from '../state/selection-logic';
import { currentBuild, useWorkbench } from '../state/store';
import { filterRows, nextSort, sortRows } from '../state/table-logic';
import { EmptyState } from './EmptyState';
import { LayerTable } from './LayerTable';
import { PrecisionToolbar } from './PrecisionToolbar';
import { TableFilterBar } from './TableFilterBar';

function markPainted() {
  performance.mark('pwb:table-painted');
}

/** The layer table with its filter bar and precision controls, wired to the store. */
export function LayersScreen() {
  const build = useWorkbench(currentBuild);
  const sort = useWorkbench((s) => s.sort);
  const filter = useWorkbench((s) => s.filter);
  const staged = useWorkbench((s) => s.staged);
  const selection = useWorkbench((s) => s.selection);
  const openLayerId = useWorkbench((s) => s.detailLayerId);
  const busy = useWorkbench((s) => s.jobs.length > 0);
  const all = build?.view.layers;
  const precisionOf = useCallback((row: { id: string; precision: 'int8' | 'fp16' | 'fp32' }) => staged[row.id] ?? row.precision, [staged]);
  const rows = useMemo(() => (all ? sortRows(filterRows(all, filter, precisionOf), sort, precisionOf) : []), [all, filter, sort, precisionOf]);
  const opTypes = useMemo(() => [...new Set((all ?? []).map((r) => r.opType))].sort(), [all]);
  const onPainted = useCallback(markPainted, []);
  const tensorRt = build ? isTensorRtBuild(build.view.settings) : false;
  const widerCount = useMemo(() => (tensorRt && all ? widerThanPlannedCount(all) : null), [tensorRt, all]);
  if (!build) return <EmptyState title="No build yet">Analyse a model to see its layers.</EmptyState>;

  const setSortAndKeepCursor = (key: Parameters<typeof nextSort>[1]) => {
    const next = nextSort(sort, key);
    const nextRows = sortRows(rows, next, precisionOf);
    useWorkbench.setState({ sort: next, selection: remapCursor(selection, rows.map((r) => r.id), nextRows.map((r) => r.id)) });
  };
  return (
    <div className="layers-screen">
      <TableFilterBar filter={filter} opTypes={opTypes} shown={rows.length} total={all?.length ?? 0} widerCount={widerCount} onChange={(f) => useWorkbench.setState({ filter: f, selection: { ...selection, cursor: -1, anchor: -1 } })} />
      <PrecisionToolbar
        selectedCount={selection.selected.size}
        stagedCount={Object.keys(staged).length}
        busy={busy}
        onSetSelected={(p) => stagePrecision([...selection.selected], p)}
        onPinWorst={(n) => pinWorst(n, 'fp16')}
        onSensitivity={(target) => void sensitivityAndApply(target, 'fp32')}
        onRebuild={() => void rebuild()}
        onDiscard={discardStaged}
      />
      <LayerTable
        rows={rows}
        sort={sort}
        onSort={setSortAndKeepCursor}
        selection={selection}
        onSelection={(s) => useWorkbench.setState({ selection: s })}
        staged={staged}
        onStage={stagePrecision}
        onOpen={(id) => openDetail(id)}
        openLayerId={openLayerId}
        onPainted={onPainted}
        fusedOutputs={tensorRt}
        engineColumns={tensorRt}
      />
    </div>
  );
}
