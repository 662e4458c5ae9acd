/**
 * Prints the throughput of LayerErrorAccumulator.update on 20 M elements (a measurement, not a timed test:
 * the only assertions are on the results). Reported per layout: the first call in this process (includes
 * V8 warm-up) and the best of the following calls (steady state, as when hundreds of layers stream by).
 * CPU time is used next to wall time so that a busy machine shows up as a gap between the two.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { LayerErrorAccumulator } from '../../../app/compare/layer-error-accumulator';
import { seededRandom } from './helpers';

const ELEMENTS = 20_000_000;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

it('LayerErrorAccumulator.update throughput on 20 M elements', (t) => {
  const random = seededRandom(2024);
  const reference = new Float32Array(ELEMENTS);
  const candidate = new Float32Array(ELEMENTS);
  for (let i = 0; i < ELEMENTS; i++) {
    const r = (random() + random() + random() - 1.5) * 2; // smooth bell shape in [−3, 3]
    reference[i] = r;
    candidate[i] = Math.round(r * 40) / 40; // an int8-like grid: |error| ≤ 1/80
  }
  const layouts: [string, number | null, number[]][] = [
    ['no channel axis   [20M]', null, [ELEMENTS]],
    ['NCHW axis 1       [5,64,250,250]', 1, [5, 64, 250, 250]],
    ['channels-last -1  [5,250,250,64]', -1, [5, 250, 250, 64]],
  ];
  const lines: string[] = [];
  for (const [name, channelAxis, dims] of layouts) {
    const rates: number[] = [];
    let wallRate = 0;
    for (let repeat = 0; repeat < 5; repeat++) {
      const accumulator = new LayerErrorAccumulator({ channelAxis });
      const cpu0 = cpuMs();
      const wall0 = performance.now();
      accumulator.update(reference, candidate, dims);
      const wall = performance.now() - wall0;
      const cpu = cpuMs() - cpu0;
      rates.push(ELEMENTS / Math.max(cpu, 1e-3) / 1e3);
      if (repeat > 0) wallRate = Math.max(wallRate, ELEMENTS / wall / 1e3);
      const m = accumulator.result();
      assert.equal(m.comparedCount, ELEMENTS);
      assert.ok(m.maxAbsError <= 1 / 80 + 1e-7);
    }
    const steady = Math.max(...rates.slice(1));
    lines.push(`${name}: first call ${rates[0].toFixed(0)} M elements/s, steady ${steady.toFixed(0)} M elements/s (CPU time; best wall ${wallRate.toFixed(0)} M/s)`);
  }
  for (const line of lines) {
    t.diagnostic(`throughput ${line}`);
    console.log(`throughput ${line}`);
  }
});
