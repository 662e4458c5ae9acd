/** @jsxRuntime automatic */
import { rampGradient } from '../canvas/heatmap-math';
import { formatPercent } from '../format/units';

/** The colour scale of the heatmap: 0 → scaleMax (relative L2 error per channel; above scaleMax saturates). */
export function HeatmapLegend({ scaleMax, defaultScaleMax, onScaleMax }: { scaleMax: number; defaultScaleMax: number; onScaleMax: (value: number) => void }) {
  return (
    <div className="heatmap-legend">
      <span>0 %</span>
      <span className="ramp" style={{ background: rampGradient() }} aria-hidden="true" />
      <span>≥ {formatPercent(scaleMax, 2)}</span>
      <span className="muted">rel. L2 error per channel (worst channel in bucket) · grey = no channel</span>
      <label className="scale-input">
        scale max
        <input type="range" min={-3} max={1} step={0.05} aria-label="Colour scale maximum (log)" value={Math.log10(Math.max(1e-3, scaleMax / defaultScaleMax))} onChange={(e) => onScaleMax(defaultScaleMax * 10 ** Number(e.target.value))} />
      </label>
      <button type="button" onClick={() => onScaleMax(defaultScaleMax)} title="99th percentile of the values">p99</button>
    </div>
  );
}
