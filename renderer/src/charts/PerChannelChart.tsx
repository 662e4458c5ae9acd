/** @jsxRuntime automatic */
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { rampColor, rgbCss } from '../canvas/heatmap-math';
import { AXIS_TICK, SERIES, shortNumber } from './chart-theme';

/** Per-channel relative L2 error as bars, coloured on the heatmap's scale. */
export function PerChannelChart({ values, scaleMax, bucketed, width = 520, height = 160 }: { values: readonly (number | null)[]; scaleMax: number; bucketed: boolean; width?: number; height?: number }) {
  const data = values.map((v, channel) => ({ channel, value: v ?? 0, missing: v === null }));
  return (
    <div className="chart-block">
      <div className="chart-caption">rel. L2 error per {bucketed ? 'channel bucket' : 'channel'} ({values.length})</div>
      <BarChart width={width} height={height} data={data} barCategoryGap={values.length > 64 ? 0 : 1} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
        <CartesianGrid stroke={SERIES.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="channel" tick={AXIS_TICK} interval="preserveStartEnd" />
        <YAxis tick={AXIS_TICK} tickFormatter={(v: number) => `${shortNumber(v * 100)}%`} width={48} />
        <Tooltip formatter={(value) => `${(Number(value) * 100).toFixed(2)} %`} labelFormatter={(c) => `channel ${c}`} isAnimationActive={false} />
        <Bar dataKey="value" isAnimationActive={false}>
          {data.map((d) => <Cell key={d.channel} fill={d.missing ? SERIES.grid : rgbCss(rampColor(d.value, scaleMax))} />)}
        </Bar>
      </BarChart>
    </div>
  );
}
