/** @jsxRuntime automatic */
import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { VIRTUALIZE_ABOVE } from '../state/trt-logic';

export interface ScrollTableProps<T> {
  rows: readonly T[];
  /** The <tr> of the header (sticky inside the scroll box). */
  head: ReactNode;
  /** Must return a <tr> of fixed height `rowHeight` when the table is virtualized (cells do not wrap). */
  renderRow: (row: T, index: number) => ReactNode;
  /** Height of the scroll box; the table scrolls inside it. */
  maxHeight: number;
  rowHeight?: number;
  label: string;
  className?: string;
  /** Rows after the data (totals); not virtualized. */
  foot?: ReactNode;
}

/**
 * A plain <table> in a scroll box; above VIRTUALIZE_ABOVE rows only the visible window is rendered (padding rows
 * stand in for the rest), so a 1,000-candidate tactic table or a 5,000-layer engine stays as fast as a short one.
 */
export function ScrollTable<T>({ rows, head, renderRow, maxHeight, rowHeight = 24, label, className, foot }: ScrollTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = rows.length > VIRTUALIZE_ABOVE;
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    initialRect: { width: 900, height: maxHeight },
  });
  let body: ReactNode;
  if (virtual) {
    const items = virtualizer.getVirtualItems();
    const top = items[0]?.start ?? 0;
    const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
    body = (
      <>
        {top > 0 ? <tr className="pad" aria-hidden="true" style={{ height: top }} /> : null}
        {items.map((item) => renderRow(rows[item.index], item.index))}
        {bottom > 0 ? <tr className="pad" aria-hidden="true" style={{ height: bottom }} /> : null}
      </>
    );
  } else {
    body = rows.map((row, i) => renderRow(row, i));
  }
  return (
    <div className={`scroll-table${virtual ? ' virtual' : ''}${className ? ` ${className}` : ''}`} ref={scroller} style={{ maxHeight }} aria-label={label} role="region" tabIndex={0} data-rows={rows.length}>
      <table className="grid compact" aria-rowcount={rows.length}>
        <thead>{head}</thead>
        <tbody>{body}</tbody>
        {foot ? <tfoot>{foot}</tfoot> : null}
      </table>
    </div>
  );
}
