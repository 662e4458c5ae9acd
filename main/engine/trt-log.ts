/**
 * TensorRT ILogger severities as the runner names them, and the trtexec log format, so that a log captured through
 * the addon reads (and parses, see app/trt/trtexec-log.ts) like `trtexec --verbose` output.
 */

/** ILogger::Severity order: kINTERNAL_ERROR = 0 … kVERBOSE = 4. */
export const TRT_LOG_LEVELS = ['internal-error', 'error', 'warning', 'info', 'verbose'] as const;
export type TrtLogLevel = (typeof TRT_LOG_LEVELS)[number];

export interface TrtLogLine {
  level: TrtLogLevel;
  message: string;
}

/** The numeric ILogger severity of a level (what the addon's logSeverity option takes). */
export function trtSeverityOf(level: TrtLogLevel): number {
  return TRT_LOG_LEVELS.indexOf(level);
}

/** The level of a numeric severity; values outside 0..4 are clamped (TensorRT never sends them). */
export function trtLogLevelOf(severity: number): TrtLogLevel {
  const index = Number.isInteger(severity) ? Math.min(Math.max(severity, 0), 4) : 4;
  return TRT_LOG_LEVELS[index];
}

const TRTEXEC_TAGS: Record<TrtLogLevel, string> = { 'internal-error': 'F', error: 'E', warning: 'W', info: 'I', verbose: 'V' };

/**
 * One message as trtexec prints it: `[W] [TRT] message`. A message may hold several lines (e.g. the "Layers:"
 * dump); like trtexec, only the first gets the prefix.
 */
export function formatTrtexecLine(line: TrtLogLine): string {
  return `[${TRTEXEC_TAGS[line.level]}] [TRT] ${line.message}`;
}

/** True when `level` is at least as severe as `threshold` (e.g. 'error' passes a 'warning' threshold). */
export function passesThreshold(level: TrtLogLevel, threshold: TrtLogLevel): boolean {
  return trtSeverityOf(level) <= trtSeverityOf(threshold);
}
