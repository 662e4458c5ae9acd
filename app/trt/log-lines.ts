/**
 * Console log lines of trtexec, the TensorRT Python logger and Polygraphy, without their prefixes:
 *   trtexec          `[07/07/2026-02:11:00] [V] [TRT] msg`   (continuation lines of a message have no prefix)
 *   Python/TRT       `[07/07/2026-06:09:15] [TRT] [W] msg`
 *   Polygraphy       `[I] msg`
 *   TensorRT ≤ 7     `[TensorRT] VERBOSE: msg`
 *   DeepStream       `INFO: [TRT]: msg`, `WARNING: [TRT]: msg` (nvinfer's logger)
 *   jetson-inference `[TRT]    msg` (no level in the text: read as verbose)
 * Myelin's sub-logger tags its lines ` (foreignNode) msg`: the tag is dropped too (`tagged` remembers it).
 */
import { decodeTrtVersion } from '../calibration/calibration-cache';
import { TRT_LIMITS } from './trt-errors';
import type { LogDiagnostic } from './types';

export type Severity = 'verbose' | 'info' | 'warning' | 'error';

export interface LogLine {
  /** 1-based. */
  number: number;
  severity?: Severity;
  body: string;
  /** The body carried a sub-logger tag such as ` (foreignNode) ` (dropped from `body`). */
  tagged?: string;
}

const LETTER: Record<string, Severity> = { V: 'verbose', I: 'info', W: 'warning', E: 'error', F: 'error', '!': 'error' };
const WORD: Record<string, Severity> = { VERBOSE: 'verbose', INFO: 'info', WARNING: 'warning', ERROR: 'error', INTERNAL_ERROR: 'error' };
const PREFIX = /^(?:\[\d\d\/\d\d\/\d{4}-\d\d:\d\d:\d\d\] )?(?:\[([VIWEF!])\] )?(?:\[TRT\] )?(?:\[([VIWEF])\] )?/;
const TRT7_PREFIX = /^\[TensorRT\] (VERBOSE|INFO|WARNING|ERROR|INTERNAL_ERROR): /;
const DEEPSTREAM_PREFIX = /^\s*(VERBOSE|INFO|WARNING|ERROR|INTERNAL_ERROR): \[TRT\]: ?/;
const JETSON_INFERENCE_PREFIX = /^\[TRT\](?: {2,}|$)/;
const SUBLOGGER_TAG = /^ ?\((foreignNode)\) /;

function untag(line: LogLine): LogLine {
  const tag = SUBLOGGER_TAG.exec(line.body);
  if (tag) {
    line.body = line.body.slice(tag[0].length);
    line.tagged = tag[1];
  }
  return line;
}

export function splitLogLine(raw: string, number: number): LogLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const old = TRT7_PREFIX.exec(line) ?? DEEPSTREAM_PREFIX.exec(line);
  if (old) return untag({ number, severity: WORD[old[1]], body: line.slice(old[0].length) });
  const jetson = JETSON_INFERENCE_PREFIX.exec(line);
  if (jetson) return { number, severity: 'verbose', body: line.slice(jetson[0].length) };
  const m = PREFIX.exec(line)!;
  const letter = m[2] ?? m[1];
  return letter === undefined ? { number, body: line } : untag({ number, severity: LETTER[letter], body: line.slice(m[0].length) });
}

/** Calls `visit` for each line; avoids materializing an array of lines for 500 MB logs. */
export function forEachLine(text: string, visit: (line: LogLine) => void): number {
  let start = 0;
  let number = 0;
  // A final newline ends the last line; it does not start another one.
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    number++;
    visit(splitLogLine(text.slice(start, end), number));
    start = end + 1;
  }
  return number;
}

/** "[TensorRT v101601]" → "10.16.1", "[TensorRT v8401]" → "8.4.1". */
export function versionFromTag(tag: string): string | undefined {
  const v = decodeTrtVersion(tag);
  return v ? `${v.major}.${v.minor}.${v.patch}` : undefined;
}

/** Collects warnings and errors with line numbers, keeping the first maxDiagnostics. */
export class DiagnosticCollector {
  readonly diagnostics: LogDiagnostic[] = [];
  warningCount = 0;
  errorCount = 0;

  add(line: LogLine): void {
    if (line.severity !== 'warning' && line.severity !== 'error') return;
    const severity = line.severity;
    if (severity === 'warning') this.warningCount++;
    else this.errorCount++;
    if (this.diagnostics.length < TRT_LIMITS.maxDiagnostics) {
      this.diagnostics.push({ line: line.number, severity, message: line.body.slice(0, TRT_LIMITS.maxMessageChars) });
    }
  }
}

/** A trtexec line: `[07/07/2026-02:11:00] [I] …` (pasted excerpts often lack the `&&&&` header). */
export const TRTEXEC_LINE = /^\[\d\d\/\d\d\/\d{4}-\d\d:\d\d:\d\d\] \[[VIWEF]\] /m;

/** Other programs' TensorRT logger dialects (read like trtexec output), with the name a summary shows. */
export const TRT_LOGGER_DIALECTS: [RegExp, string][] = [
  [/^\[\d\d\/\d\d\/\d{4}-\d\d:\d\d:\d\d\] \[TRT\] \[[VIWEF]\] /m, 'TensorRT Python logger'],
  [/^\[TensorRT\] (?:VERBOSE|INFO|WARNING|ERROR|INTERNAL_ERROR): /m, 'TensorRT ≤ 7 Python logger'],
  [/^\s*(?:INFO|WARNING|ERROR): \[TRT\]: /m, 'DeepStream nvinfer'],
  [/^\[TRT\] {2,}\S/m, 'jetson-inference'],
  [/^\[[VIWEF]\] \[TRT\] /m, 'timestamp-less TensorRT logger'],
];

/** The dialect of a log that is not trtexec's own output, from its first 64 KiB; undefined for trtexec. */
export function loggerDialect(text: string): string | undefined {
  const head = text.slice(0, 65536);
  if (/^&&&& (?:RUNNING|PASSED|FAILED) TensorRT\.trtexec/m.test(head) || TRTEXEC_LINE.test(head)) return undefined;
  return TRT_LOGGER_DIALECTS.find(([pattern]) => pattern.test(head))?.[1];
}
