/** @jsxRuntime automatic */
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LayerRow } from '../../../app/contract/views';
import type { Precision } from '../../../app/precision/plan';
import { gridTemplate, layerColumns, minTableWidth, OUTPUT_METRIC_KEYS, type LayerColumn } from '../format/layer-columns';
import { fusedOutputTooltip, hasNoOutput } from '../state/backend-logic';
import { selectionClick, selectionKey, type SelectionState } from '../state/selection-logic';
import { badness, badnessColor, metricScale, type ColumnKey, type SortSpec } from '../state/table-logic';
import { PrecisionToggle } from './PrecisionToggle';
import { EmptyState } from './EmptyState';
import { RanAs } from './RanAs';

export const ROW_HEIGHT = 28;
/** The sticky header row inside the scroll box; rows start below it. */
export const HEADER_HEIGHT = 30;

export interface LayerTableProps {
  /** Already sorted and filtered. */
  rows: readonly LayerRow[];
  sort: SortSpec;
  onSort: (key: ColumnKey) => void;
  selection: SelectionState;
  onSelection: (state: SelectionState) => void;
  staged: Readonly<Record<string, Precision>>;
  onStage: (layerIds: string[], precision: Precision) => void;
  onOpen: (layerId: string) => void;
  openLayerId: string | null;
  /** Size used before the scroll box is measured (and in static rendering). */
  initialHeight?: number;
  /** Called once the first rows are on screen (paint benchmark). */
  onPainted?: () => void;
  /** A TensorRT build: rows without metrics are layers the engine fused away, and their cells say so. */
  fusedOutputs?: boolean;
  /** A TensorRT build: the "Ran as", "Engine layer" and "Engine ms" columns (absent for ONNX Runtime builds). */
  engineColumns?: boolean;
}

/** Text and tooltip of a metric cell of a layer whose output TensorRT fused away: "fused" under SQNR, a dash elsewhere. */
function fusedCell(column: LayerColumn, row: LayerRow): { text: string; title: string } {
  return { text: column.key === 'sqnrDb' ? 'fused' : column.format(row), title: fusedOutputTooltip(row) };
}

/**
 * The virtualized layer table: only visible rows are in the DOM, so 10,000 layers scroll like 10. The sorted
 * metric column gets a colour scale (warm = worst). Keyboard: ↑/↓/PageUp/PageDown/Home/End move, Shift extends,
 * Space toggles selection, Enter opens the detail, Ctrl+A selects all, Esc clears.
 */
export function LayerTable(props: LayerTableProps) {
  const { rows, sort, selection, staged } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const ids = useMemo(() => rows.map((r) => r.id), [rows]);
  const scale = useMemo(() => metricScale(rows, sort.key), [rows, sort.key]);
  const columns = layerColumns(props.engineColumns === true);
  const template = gridTemplate(columns);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1200, height: props.initialHeight ?? 640 },
    scrollPaddingStart: HEADER_HEIGHT,
    paddingStart: HEADER_HEIGHT,
  });
  const painted = useRef(false);
  useEffect(() => {
    if (painted.current || rows.length === 0 || !props.onPainted) return;
    painted.current = true;
    requestAnimationFrame(() => props.onPainted?.());
  }, [rows.length, props.onPainted]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const pageSize = Math.floor((scroller.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1;
    const result = selectionKey(selection, { key: event.key, shift: event.shiftKey, ctrl: event.ctrlKey || event.metaKey }, ids, pageSize);
    if (!result.handled) return;
    event.preventDefault();
    props.onSelection(result.state);
    if (result.state.cursor >= 0 && result.state.cursor !== selection.cursor) virtualizer.scrollToIndex(result.state.cursor, { align: 'auto' });
    if (result.open) props.onOpen(result.open);
  };

  const stageRow = (row: LayerRow, precision: Precision) => {
    // A toggle on a selected row applies to the whole selection (multi-select editing).
    const targets = selection.selected.has(row.id) && selection.selected.size > 1 ? [...selection.selected] : [row.id];
    props.onStage(targets, precision);
  };

  if (rows.length === 0) return <EmptyState title="No layers match">Clear the filter to see every layer.</EmptyState>;
  const items = virtualizer.getVirtualItems();
  return (
    <div className="layer-table" role="grid" aria-rowcount={rows.length} aria-multiselectable="true">
      <div className="lt-body" ref={scroller} tabIndex={0} onKeyDown={onKeyDown} aria-label="Layers">
        <div className="lt-inner" style={{ height: virtualizer.getTotalSize(), minWidth: minTableWidth(columns) }}>
          <div className="lt-header" role="row" style={{ gridTemplateColumns: template, height: HEADER_HEIGHT }}>
            <span role="columnheader" aria-label="Selected" />
            {columns.map((c) => (
              <button
                type="button"
                role="columnheader"
                key={c.key}
                title={c.title}
                className={`${c.numeric ? 'num' : ''}${sort.key === c.key ? ' sorted' : ''}`}
                aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                onClick={() => props.onSort(c.key)}
              >
                {c.label}
                {sort.key === c.key ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            ))}
          </div>
          {items.map((item) => {
            const row = rows[item.index];
            const isSelected = selection.selected.has(row.id);
            const precision = staged[row.id] ?? row.precision;
            const fused = props.fusedOutputs === true && hasNoOutput(row);
            const classes = ['lt-row', item.index % 2 ? 'odd' : '', isSelected ? 'selected' : '', selection.cursor === item.index ? 'cursor' : '', props.openLayerId === row.id ? 'open' : ''].filter(Boolean).join(' ');
            return (
              <div
                key={row.id}
                role="row"
                aria-selected={isSelected}
                data-layer-id={row.id}
                className={classes}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={(event) => props.onSelection(selectionClick(selection, item.index, { shift: event.shiftKey, ctrl: event.ctrlKey || event.metaKey }, ids))}
                onDoubleClick={() => props.onOpen(row.id)}
              >
                <span role="gridcell" className="lt-check">
                  <input
                    type="checkbox"
                    tabIndex={-1}
                    checked={isSelected}
                    aria-label={`Select ${row.name}`}
                    onClick={(e) => e.stopPropagation()}
                    onChange={() => props.onSelection(selectionClick(selection, item.index, { ctrl: true }, ids))}
                  />
                </span>
                {columns.map((c) => {
                  if (c.key === 'enginePrecision') {
                    return <span role="gridcell" key={c.key} className="lt-ran-as"><RanAs row={row} /></span>;
                  }
                  if (c.key === 'engineLayer') {
                    return <span role="gridcell" key={c.key} className="lt-engine" title={row.engineLayer ?? 'No engine layer maps to this layer'}><span className="clip">{c.format(row)}</span></span>;
                  }
                  if (c.key === 'precision') {
                    return (
                      <span role="gridcell" key={c.key} className="lt-precision">
                        <PrecisionToggle compact value={precision} built={row.precision} onChange={(p) => stageRow(row, p)} />
                      </span>
                    );
                  }
                  const tint = scale && c.key === sort.key ? badnessColor(badness(scale, row)) : undefined;
                  if (fused && OUTPUT_METRIC_KEYS.has(c.key)) {
                    const cell = fusedCell(c, row);
                    return <span role="gridcell" key={c.key} className="num fused" title={cell.title}>{cell.text}</span>;
                  }
                  return (
                    <span role="gridcell" key={c.key} className={c.numeric ? 'num' : c.key === 'name' ? 'lt-name' : ''} style={tint ? { background: tint } : undefined} title={c.key === 'name' ? `${row.name}\n${row.graphPath ? `${row.graphPath} · ` : ''}output ${row.output}` : undefined}>
                      {c.key === 'name' ? (
                        <button type="button" className="link" tabIndex={-1} onClick={(e) => { e.stopPropagation(); props.onOpen(row.id); }}>{row.name}</button>
                      ) : c.numeric ? (
                        c.format(row)
                      ) : (
                        <span className="clip" title={c.format(row)}>{c.format(row)}</span>
                      )}
                    </span>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
