/** @jsxRuntime automatic */
import { useState } from 'react';
import type { Precision } from '../../../app/precision/plan';
import { PRECISION_LABEL } from '../format/units';

export interface PrecisionToolbarProps {
  selectedCount: number;
  stagedCount: number;
  busy: boolean;
  onSetSelected: (precision: Precision) => void;
  onPinWorst: (n: number) => void;
  onSensitivity: (target: string) => void;
  onRebuild: () => void;
  onDiscard: () => void;
}

/**
 * Precision controls: stage changes (selected rows, "Pin worst N"), then Rebuild. "Sensitivity + apply" runs the
 * isolated ranking with a target and rebuilds with the suggested pins in one go.
 */
export function PrecisionToolbar(props: PrecisionToolbarProps) {
  const [worstN, setWorstN] = useState('5');
  const [target, setTarget] = useState('cosine>=0.99');
  const targetOk = /^\s*(cosine|sqnr|top1)\s*>=?\s*-?[0-9.eE+-]+\s*$/.test(target);
  return (
    <div className="precision-toolbar">
      <span className="group">
        <span className="muted">{props.selectedCount} selected →</span>
        {(['int8', 'fp16', 'fp32'] as const).map((p) => (
          <button type="button" key={p} className={`p-${p}`} disabled={props.selectedCount === 0} onClick={() => props.onSetSelected(p)}>{PRECISION_LABEL[p]}</button>
        ))}
      </span>
      <span className="group">
        <button type="button" onClick={() => props.onPinWorst(Math.max(1, Number(worstN) || 1))} title="Stage the N layers with the lowest SQNR (still reduced) to FP16">Pin worst</button>
        <input type="number" min={1} className="narrow" aria-label="How many layers to pin" value={worstN} onChange={(e) => setWorstN(e.target.value)} />
        <span className="muted">to FP16</span>
      </span>
      <span className="group">
        <input type="text" className="target" aria-label="Sensitivity target" value={target} onChange={(e) => setTarget(e.target.value)} title="cosine>=0.99, sqnr>=30 or top1>=0.99 (final outputs)" />
        <button type="button" disabled={props.busy || !targetOk} onClick={() => props.onSensitivity(target.trim())} title="Isolated sensitivity ranking, then rebuild with the suggested pins (FP32, as the search measured them)">
          Sensitivity + apply
        </button>
      </span>
      <span className="group end">
        {props.stagedCount ? <span className="staged-count">{props.stagedCount} staged</span> : null}
        <button type="button" disabled={props.stagedCount === 0} onClick={props.onDiscard}>Discard</button>
        <button type="button" className="primary" disabled={props.stagedCount === 0 || props.busy} onClick={props.onRebuild}>Rebuild</button>
      </span>
    </div>
  );
}
