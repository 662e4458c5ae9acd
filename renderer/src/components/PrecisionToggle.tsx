/** @jsxRuntime automatic */
import type { Precision } from '../../../app/precision/plan';
import { PRECISION_LABEL } from '../format/units';

const CHOICES: readonly Precision[] = ['int8', 'fp16', 'fp32'];

/**
 * INT8 / FP16 / FP32 segmented control. `built` is the precision of the shown build; `value` the staged one
 * (different = a pending change, marked until the next rebuild).
 */
export function PrecisionToggle({ value, built, onChange, compact = false }: { value: Precision; built: Precision; onChange: (precision: Precision) => void; compact?: boolean }) {
  return (
    <span className={compact ? 'precision-toggle compact' : 'precision-toggle'} role="radiogroup" aria-label="Precision">
      {CHOICES.map((p) => (
        <button
          type="button"
          key={p}
          role="radio"
          aria-checked={value === p}
          tabIndex={-1}
          className={`p-${p}${value === p ? ' on' : ''}${value === p && value !== built ? ' staged' : ''}`}
          title={value !== built && value === p ? `${PRECISION_LABEL[p]} (staged — rebuild to apply; built as ${PRECISION_LABEL[built]})` : PRECISION_LABEL[p]}
          onClick={(event) => {
            event.stopPropagation();
            onChange(p);
          }}
        >
          {compact ? PRECISION_LABEL[p].replace('INT', 'I').replace('FP', 'F') : PRECISION_LABEL[p]}
        </button>
      ))}
    </span>
  );
}

export function PrecisionBadge({ precision }: { precision: Precision }) {
  return <span className={`badge p-${precision}`}>{PRECISION_LABEL[precision]}</span>;
}
