/**
 * Which layers to keep in higher precision. Every method works on an `evaluate(enabled)` oracle that returns the
 * final-output score when exactly the `enabled` layers run in reduced precision, and counts how many evaluations
 * it needed (each is one pass over the evaluation samples).
 *
 * - isolatedSensitivity: each layer alone reduced (n evaluations) — the layer's own effect on the outputs.
 * - rankedSearch (this tool): order layers by isolated damage, binary-search the smallest prefix of that order
 *   whose pinning meets the target (log n), then drop pins that turn out unnecessary (one evaluation each).
 * - greedySearch: ModelOpt/AMP-style one-at-a-time — each round tries pinning every remaining layer and keeps the
 *   best (≈ n·k evaluations for k pins).
 * - bisectionSearch: Polygraphy `debug precision` style — keep a contiguous prefix (or suffix) of the
 *   topological order in high precision, bisecting on its length (log n), then report the smaller of the two.
 */
import { WorkbenchError } from '../errors';

export type TargetMetric = 'cosine' | 'sqnr' | 'top1';

export interface SearchTarget {
  metric: TargetMetric;
  /** The score must be ≥ this value. */
  threshold: number;
}

export interface Score {
  cosineSimilarity: number;
  sqnrDb: number;
  top1Agreement: number | null;
}

export type Evaluate = (enabled: ReadonlySet<string>) => Promise<Score>;

export interface SearchResult {
  method: 'ranked' | 'greedy' | 'bisection-prefix' | 'bisection-suffix';
  pins: string[];
  evaluations: number;
  score: Score;
  met: boolean;
  /** True when the method stopped at its evaluation cap. */
  capped?: boolean;
}

export function scoreValue(score: Score, metric: TargetMetric): number {
  if (metric === 'cosine') return score.cosineSimilarity;
  if (metric === 'sqnr') return Number.isFinite(score.sqnrDb) || score.sqnrDb > 0 ? score.sqnrDb : -Infinity;
  return score.top1Agreement ?? -Infinity;
}

export function meets(score: Score, target: SearchTarget): boolean {
  return scoreValue(score, target.metric) >= target.threshold;
}

/** Counts evaluations and memoizes by the enabled set, so no method pays twice for the same choice. */
export class CountingOracle {
  evaluations = 0;
  private readonly memo = new Map<string, Score>();

  constructor(private readonly evaluate: Evaluate, private readonly all: readonly string[]) {}

  async withPins(pins: Iterable<string>): Promise<Score> {
    const pinned = new Set(pins);
    const enabled = new Set(this.all.filter((id) => !pinned.has(id)));
    const key = this.all.map((id) => (enabled.has(id) ? '1' : '0')).join('');
    const known = this.memo.get(key);
    if (known) return known;
    this.evaluations++;
    const score = await this.evaluate(enabled);
    this.memo.set(key, score);
    return score;
  }

  async only(id: string): Promise<Score> {
    return this.withPins(this.all.filter((x) => x !== id));
  }
}

export async function isolatedSensitivity(layers: readonly string[], evaluate: Evaluate): Promise<{ id: string; score: Score }[]> {
  const oracle = new CountingOracle(evaluate, layers);
  const result: { id: string; score: Score }[] = [];
  for (const id of layers) result.push({ id, score: await oracle.only(id) });
  return result;
}

/** Damage order: worst isolated score first (by the target metric). */
export function rankBySensitivity(isolated: { id: string; score: Score }[], metric: TargetMetric): string[] {
  return [...isolated].sort((a, b) => scoreValue(a.score, metric) - scoreValue(b.score, metric)).map((x) => x.id);
}

export async function rankedSearch(order: readonly string[], layers: readonly string[], target: SearchTarget, evaluate: Evaluate, alreadySpent = 0): Promise<SearchResult> {
  const oracle = new CountingOracle(evaluate, layers);
  const none = await oracle.withPins([]);
  if (meets(none, target)) return { method: 'ranked', pins: [], evaluations: alreadySpent + oracle.evaluations, score: none, met: true };
  const all = await oracle.withPins(order);
  if (!meets(all, target)) return { method: 'ranked', pins: [...order], evaluations: alreadySpent + oracle.evaluations, score: all, met: false };
  // Smallest k with the top-k pinned meeting the target (assumes more pins never hurt; checked, not trusted).
  let lo = 1;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (meets(await oracle.withPins(order.slice(0, mid)), target)) hi = mid;
    else lo = mid + 1;
  }
  const pins = order.slice(0, lo);
  // Prune: a pin whose removal still meets the target was not needed (least damaging first).
  for (const id of [...pins].reverse()) {
    const without = pins.filter((p) => p !== id);
    if (without.length < pins.length && meets(await oracle.withPins(without), target)) pins.splice(pins.indexOf(id), 1);
  }
  return { method: 'ranked', pins, evaluations: alreadySpent + oracle.evaluations, score: await oracle.withPins(pins), met: true };
}

export async function greedySearch(layers: readonly string[], target: SearchTarget, evaluate: Evaluate, maxEvaluations = 5000): Promise<SearchResult> {
  const oracle = new CountingOracle(evaluate, layers);
  const pins: string[] = [];
  let score = await oracle.withPins(pins);
  while (!meets(score, target) && pins.length < layers.length) {
    let best: { id: string; score: Score } | undefined;
    for (const id of layers) {
      if (pins.includes(id)) continue;
      if (oracle.evaluations >= maxEvaluations) return { method: 'greedy', pins, evaluations: oracle.evaluations, score, met: false, capped: true };
      const candidate = await oracle.withPins([...pins, id]);
      if (!best || scoreValue(candidate, target.metric) > scoreValue(best.score, target.metric)) best = { id, score: candidate };
    }
    pins.push(best!.id);
    score = best!.score;
  }
  return { method: 'greedy', pins, evaluations: oracle.evaluations, score, met: meets(score, target) };
}

export async function bisectionSearch(topological: readonly string[], target: SearchTarget, evaluate: Evaluate): Promise<SearchResult> {
  const results: SearchResult[] = [];
  for (const side of ['prefix', 'suffix'] as const) {
    const oracle = new CountingOracle(evaluate, topological);
    const pinsFor = (k: number) => (side === 'prefix' ? topological.slice(0, k) : topological.slice(topological.length - k));
    let lo = 0;
    let hi = topological.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (meets(await oracle.withPins(pinsFor(mid)), target)) hi = mid;
      else lo = mid + 1;
    }
    const score = await oracle.withPins(pinsFor(lo));
    results.push({ method: `bisection-${side}`, pins: pinsFor(lo), evaluations: oracle.evaluations, score, met: meets(score, target) });
  }
  const evaluations = results[0].evaluations + results[1].evaluations;
  const best = results.filter((r) => r.met).sort((a, b) => a.pins.length - b.pins.length)[0] ?? results[0];
  return { ...best, evaluations };
}

export function parseTarget(text: string): SearchTarget {
  const match = /^\s*(cosine|sqnr|top1)\s*>=?\s*(-?[0-9.eE+-]+)\s*$/.exec(text);
  if (!match || !Number.isFinite(Number(match[2]))) {
    throw new WorkbenchError('precision', 'TARGET_INVALID', `target '${text}': expected cosine>=0.999, sqnr>=30 or top1>=0.99`);
  }
  return { metric: match[1] as TargetMetric, threshold: Number(match[2]) };
}
