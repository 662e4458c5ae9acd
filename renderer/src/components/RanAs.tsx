/** @jsxRuntime automatic */
import type { LayerRow } from '../../../app/contract/views';
import { normalizedEnginePrecision, widerThanPlannedTooltip } from '../state/backend-logic';
import { PrecisionBadge } from './TrtEngineViews';

/**
 * The precision TensorRT realized for a layer's engine layer, as a badge coloured like the plan's precision, with a
 * warning mark (and its tooltip) when that is wider than the plan asked. A dash when no engine layer maps to the layer.
 */
export function RanAs({ row }: { row: Pick<LayerRow, 'precision' | 'engineLayer' | 'enginePrecision'> }) {
  const realized = normalizedEnginePrecision(row.enginePrecision);
  if (realized === null) return <span className="muted">–</span>;
  const warning = widerThanPlannedTooltip(row);
  return (
    <span className={warning ? 'ran-as wider' : 'ran-as'} title={warning ?? undefined}>
      <PrecisionBadge precision={realized} />
      {warning ? <span className="wider-mark" role="img" aria-label="wider than planned">⚠</span> : null}
    </span>
  );
}
