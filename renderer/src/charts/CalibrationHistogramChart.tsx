/** @jsxRuntime automatic */
import { Bar, BarChart, CartesianGrid, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { ActivationReport } from '../../../app/contract/report';
import { formatNumber, formatPercent } from '../format/units';
import { AXIS_TICK, binCentres, SERIES, shortNumber } from './chart-theme';

/** |x| over the calibration data with the clip at amax: everything right of the line saturates in INT8. */
export function CalibrationHistogramChart({ activation, width = 520, height = 170 }: { activation: ActivationReport; width?: number; height?: number }) {
  const caption = (
    <div className="chart-caption">
      <code>{activation.tensor}</code> · amax {formatNumber(activation.amax)} (scale {formatNumber(activation.scale)}, from {activation.source}) · calibration range [{formatNumber(activation.calibrationMin)}, {formatNumber(activation.calibrationMax)}] · saturated {formatPercent(activation.saturationRate, 2)}
    </div>
  );
  if (!activation.histogram) return <div className="chart-block">{caption}<div className="muted">No calibration histogram (the scale came from a cache or the plan).</div></div>;
  const edges = activation.histogram.binEdges;
  const data = binCentres(edges).map((x, i) => ({ x, count: activation.histogram!.counts[i] ?? 0 }));
  const top = edges[edges.length - 1] ?? activation.amax;
  return (
    <div className="chart-block">
      {caption}
      <BarChart width={width} height={height} data={data} barCategoryGap={0} margin={{ top: 14, right: 12, bottom: 4, left: 0 }}>
        <CartesianGrid stroke={SERIES.grid} strokeDasharray="3 3" />
        <XAxis dataKey="x" type="number" domain={[0, Math.max(top, activation.amax)]} tick={AXIS_TICK} tickFormatter={shortNumber} />
        <YAxis scale="sqrt" tick={AXIS_TICK} tickFormatter={shortNumber} width={48} />
        <Tooltip formatter={(value) => Number(value).toLocaleString('en-US')} labelFormatter={(x) => `|x| ≈ ${shortNumber(Number(x))}`} isAnimationActive={false} />
        {top > activation.amax ? <ReferenceArea x1={activation.amax} x2={top} fill={SERIES.clip} fillOpacity={0.1} /> : null}
        <Bar dataKey="count" name="count" fill={SERIES.neutral} isAnimationActive={false} />
        <ReferenceLine x={activation.amax} stroke={SERIES.clip} strokeWidth={2} label={{ value: 'amax', position: 'top', fontSize: 11, fill: SERIES.clip }} />
      </BarChart>
    </div>
  );
}
