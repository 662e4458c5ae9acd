/** @jsxRuntime automatic */
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import type { WeightReport } from '../../../app/contract/report';
import { formatDims, formatNumber } from '../format/units';
import { AXIS_TICK, SERIES, shortNumber } from './chart-theme';

/** Channels whose |w| max is below this share of the largest: the tiny-range depthwise case INT8 handles badly. */
export const TINY_RANGE_SHARE = 0.01;

export function tinyChannels(amax: readonly number[]): number {
  const top = Math.max(0, ...amax);
  return top > 0 ? amax.filter((a) => a < top * TINY_RANGE_SHARE).length : 0;
}

/** Per-output-channel weight amax; tiny ranges highlighted. */
export function WeightAmaxChart({ weight, width = 520, height = 150 }: { weight: WeightReport; width?: number; height?: number }) {
  const top = Math.max(0, ...weight.perChannelAmax);
  const data = weight.perChannelAmax.map((amax, channel) => ({ channel, amax }));
  const tiny = tinyChannels(weight.perChannelAmax);
  return (
    <div className="chart-block">
      <div className="chart-caption">
        <code>{weight.tensor}</code> {formatDims(weight.dims)} · per-channel |w| max (axis {weight.channelAxis ?? '–'}) · largest {formatNumber(top)}
        {tiny ? <span className="warn"> · {tiny} channel{tiny === 1 ? '' : 's'} below 1 % of the largest range</span> : null}
      </div>
      <BarChart width={width} height={height} data={data} barCategoryGap={data.length > 64 ? 0 : 1} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
        <CartesianGrid stroke={SERIES.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="channel" tick={AXIS_TICK} interval="preserveStartEnd" />
        <YAxis tick={AXIS_TICK} tickFormatter={shortNumber} width={48} />
        <Tooltip formatter={(value) => formatNumber(Number(value))} labelFormatter={(c) => `channel ${c}`} isAnimationActive={false} />
        <Bar dataKey="amax" isAnimationActive={false}>
          {data.map((d) => <Cell key={d.channel} fill={d.amax < top * TINY_RANGE_SHARE ? SERIES.warn : SERIES.reference} />)}
        </Bar>
      </BarChart>
    </div>
  );
}
