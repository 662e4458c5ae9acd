/** @jsxRuntime automatic */
import { Area, CartesianGrid, ComposedChart, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, binCentres, SERIES, shortNumber } from './chart-theme';

/** FP32 and reduced-precision output histograms on shared bins, overlaid (counts on a √ axis so spikes don't flatten the rest). */
export function OutputHistogramChart({ histograms, width = 520, height = 200 }: { histograms: { binEdges: number[]; reference: number[]; candidate: number[] }; width?: number; height?: number }) {
  const centres = binCentres(histograms.binEdges);
  const data = centres.map((x, i) => ({ x, reference: histograms.reference[i] ?? 0, candidate: histograms.candidate[i] ?? 0 }));
  return (
    <ComposedChart width={width} height={height} data={data} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
      <CartesianGrid stroke={SERIES.grid} strokeDasharray="3 3" />
      <XAxis dataKey="x" type="number" domain={['auto', 'auto']} tick={AXIS_TICK} tickFormatter={shortNumber} />
      <YAxis scale="sqrt" tick={AXIS_TICK} tickFormatter={shortNumber} width={48} />
      <Tooltip formatter={(value) => Number(value).toLocaleString('en-US')} labelFormatter={(x) => `value ≈ ${shortNumber(Number(x))}`} isAnimationActive={false} />
      <Legend verticalAlign="top" height={20} iconSize={10} wrapperStyle={{ fontSize: 12 }} />
      <Area type="stepAfter" dataKey="reference" name="FP32" stroke={SERIES.reference} fill={SERIES.reference} fillOpacity={0.25} isAnimationActive={false} dot={false} />
      <Area type="stepAfter" dataKey="candidate" name="reduced" stroke={SERIES.candidate} fill={SERIES.candidate} fillOpacity={0.12} strokeDasharray="4 2" isAnimationActive={false} dot={false} />
    </ComposedChart>
  );
}
