/** @jsxRuntime automatic */
import type { Precision } from '../../../app/precision/plan';
import { PRECISION_LABEL, formatCount } from '../format/units';
import { widerThanPlannedNote } from '../state/backend-logic';
import type { FilterSpec } from '../state/table-logic';

const PRECISIONS: readonly Precision[] = ['int8', 'fp16', 'fp32'];

/**
 * Text, op type and precision filters of the layer table; for TensorRT builds (`widerCount` given) also "only layers
 * that ran wider than planned". The toggle stays visible while it is on, so it can always be turned off.
 */
export function TableFilterBar({ filter, opTypes, shown, total, onChange, widerCount }: { filter: FilterSpec; opTypes: readonly string[]; shown: number; total: number; onChange: (filter: FilterSpec) => void; widerCount?: number | null }) {
  const togglePrecision = (p: Precision) =>
    onChange({ ...filter, precisions: filter.precisions.includes(p) ? filter.precisions.filter((x) => x !== p) : [...filter.precisions, p] });
  return (
    <div className="filter-bar">
      <input type="search" placeholder="Filter by name, op or tensor…" aria-label="Filter layers" value={filter.text} onChange={(e) => onChange({ ...filter, text: e.target.value })} />
      <select aria-label="Op type" value={filter.opTypes[0] ?? ''} onChange={(e) => onChange({ ...filter, opTypes: e.target.value ? [e.target.value] : [] })}>
        <option value="">All op types</option>
        {opTypes.map((op) => <option key={op} value={op}>{op}</option>)}
      </select>
      <span className="chips" role="group" aria-label="Precision filter">
        {PRECISIONS.map((p) => (
          <button type="button" key={p} className={`chip p-${p}${filter.precisions.includes(p) ? ' on' : ''}`} aria-pressed={filter.precisions.includes(p)} onClick={() => togglePrecision(p)}>
            {PRECISION_LABEL[p]}
          </button>
        ))}
      </span>
      {(widerCount ?? 0) > 0 || filter.widerThanPlanned ? (
        <button
          type="button"
          className={`chip wider${filter.widerThanPlanned ? ' on' : ''}`}
          aria-pressed={filter.widerThanPlanned}
          title="Only layers whose TensorRT engine layer ran in a wider precision than the plan asked (e.g. FP32 where INT8 was asked)"
          onClick={() => onChange({ ...filter, widerThanPlanned: !filter.widerThanPlanned })}
        >
          ⚠ {widerThanPlannedNote(widerCount ?? 0)}
        </button>
      ) : null}
      <span className="muted count">{shown === total ? `${formatCount(total)} layers` : `${formatCount(shown)} of ${formatCount(total)} layers`}</span>
    </div>
  );
}
