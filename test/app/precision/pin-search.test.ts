import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bisectionSearch, greedySearch, isolatedSensitivity, meets, parseTarget, rankBySensitivity, rankedSearch, type Score } from '../../../app/precision/pin-search';

/** A synthetic model: each enabled layer costs `damage[i]` of cosine; interactions make pairs cost more. */
function oracle(damage: Record<string, number>, pairPenalty: [string, string, number][] = []) {
  let calls = 0;
  const evaluate = async (enabled: ReadonlySet<string>): Promise<Score> => {
    calls++;
    let loss = 0;
    for (const id of enabled) loss += damage[id];
    for (const [a, b, p] of pairPenalty) if (enabled.has(a) && enabled.has(b)) loss += p;
    return { cosineSimilarity: 1 - loss, sqnrDb: -10 * Math.log10(Math.max(loss, 1e-12)), top1Agreement: null };
  };
  return { evaluate, calls: () => calls };
}

const damage = { a: 0.001, b: 0.02, c: 0.0005, d: 0.015, e: 0.0002, f: 0.003 };
const layers = Object.keys(damage);
const target = parseTarget('cosine>=0.995');

test('isolated sensitivity ranks the most damaging layer first and costs one evaluation per layer', async () => {
  const o = oracle(damage);
  const isolated = await isolatedSensitivity(layers, o.evaluate);
  assert.equal(o.calls(), layers.length);
  assert.deepEqual(rankBySensitivity(isolated, 'cosine').slice(0, 3), ['b', 'd', 'f']);
});

test('ranked search finds the minimal pin set; greedy finds the same set with more evaluations; bisection pins more', async () => {
  // Total loss 0.0397; target 0.995 allows 0.005: pinning b and d leaves 0.0047 → met, and no single pin suffices.
  const o = oracle(damage);
  const order = rankBySensitivity(await isolatedSensitivity(layers, o.evaluate), 'cosine');
  const ranked = await rankedSearch(order, layers, target, o.evaluate, layers.length);
  assert.deepEqual([...ranked.pins].sort(), ['b', 'd']);
  assert.ok(ranked.met && meets(ranked.score, target));
  const greedy = await greedySearch(layers, target, oracle(damage).evaluate);
  assert.deepEqual([...greedy.pins].sort(), ['b', 'd']);
  assert.ok(greedy.evaluations > ranked.evaluations - layers.length, `greedy ${greedy.evaluations}, ranked ${ranked.evaluations}`);
  const bisection = await bisectionSearch(layers, target, oracle(damage).evaluate);
  assert.ok(bisection.met);
  assert.ok(bisection.pins.length >= ranked.pins.length);
});

test('ranked search prunes pins that an interaction made look necessary', async () => {
  // 'f' alone is mild, but together with 'a' it adds 0.03: ranking by isolated damage misses that; the
  // search must still meet the target, and pruning must not keep unneeded pins.
  const o = oracle(damage, [['a', 'f', 0.03]]);
  const order = rankBySensitivity(await isolatedSensitivity(layers, o.evaluate), 'cosine');
  const ranked = await rankedSearch(order, layers, target, o.evaluate);
  assert.ok(ranked.met);
  for (const pin of ranked.pins) {
    const without = new Set(layers.filter((l) => !ranked.pins.includes(l) || l === pin));
    assert.ok(!meets(await o.evaluate(without), target), `pin ${pin} is needed`);
  }
});

test('nothing to pin when the target is already met; an unreachable target is reported as not met', async () => {
  const none = await rankedSearch(layers, layers, parseTarget('cosine>=0.9'), oracle(damage).evaluate);
  assert.deepEqual(none.pins, []);
  assert.equal(none.evaluations, 1);
  const impossible = await rankedSearch(layers, layers, parseTarget('cosine>=1.5'), oracle(damage).evaluate);
  assert.equal(impossible.met, false);
  assert.throws(() => parseTarget('vibes>=1'), (e: any) => e.code === 'TARGET_INVALID');
});
