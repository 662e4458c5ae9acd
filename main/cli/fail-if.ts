/** `--fail-if 'cosine<0.99'`: a CI gate on the final-output metrics. */
import { WorkbenchError } from '../../app/errors';
import type { AnalysisReport } from '../../app/contract/report';

const METRICS = {
  cosine: 'cosineSimilarity',
  sqnr: 'sqnrDb',
  mse: 'mse',
  maxabs: 'maxAbsError',
  meanabs: 'meanAbsError',
  p99abs: 'p99AbsError',
  rell2: 'relL2Error',
  top1: 'top1Agreement',
  top5: 'top5Agreement',
} as const;

export interface FailCondition {
  metric: keyof typeof METRICS;
  operator: '<' | '<=' | '>' | '>=';
  threshold: number;
  text: string;
}

export function parseFailIf(text: string): FailCondition[] {
  return text.split(',').map((part) => {
    const match = /^\s*([a-zA-Z0-9]+)\s*(<=|>=|<|>)\s*(-?[0-9.eE+-]+)\s*$/.exec(part);
    const metric = match?.[1].toLowerCase() as keyof typeof METRICS | undefined;
    if (!match || !metric || !(metric in METRICS) || !Number.isFinite(Number(match[3]))) {
      throw new WorkbenchError('cli', 'FAIL_IF_INVALID', `--fail-if '${part.trim()}': expected METRIC<VALUE with METRIC one of ${Object.keys(METRICS).join(', ')} and < <= > >=`);
    }
    return { metric, operator: match[2] as FailCondition['operator'], threshold: Number(match[3]), text: part.trim() };
  });
}

/** Returns the failed conditions with the value seen (a condition on a missing metric fails). */
export function evaluateFailIf(conditions: FailCondition[], report: AnalysisReport): { condition: FailCondition; value: number | null }[] {
  const failed: { condition: FailCondition; value: number | null }[] = [];
  for (const condition of conditions) {
    const key = METRICS[condition.metric];
    const values: (number | null)[] =
      key === 'top1Agreement' || key === 'top5Agreement'
        ? [report.classification ? report.classification[key] : null]
        : report.outputs.map((o) => (o.metrics ? (o.metrics[key] as number | null) : null));
    for (const raw of values) {
      // sqnrDb null = exact match = +∞.
      const value = raw === null && key === 'sqnrDb' ? Infinity : raw;
      const hit =
        value === null ||
        (condition.operator === '<' && value < condition.threshold) ||
        (condition.operator === '<=' && value <= condition.threshold) ||
        (condition.operator === '>' && value > condition.threshold) ||
        (condition.operator === '>=' && value >= condition.threshold);
      if (hit) {
        failed.push({ condition, value });
        break;
      }
    }
  }
  return failed;
}
