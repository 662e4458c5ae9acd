/**
 * `polygraphy run` / `polygraphy debug` console output: the commands and their PASSED/FAILED status, the TensorRT
 * version it loaded, and per-output comparisons (`Comparing Output: 'x' …`, the max of the Absolute/Relative
 * Difference stats, `PASSED | Output: 'x'` / `FAILED | Output: 'x'`).
 */
import { DiagnosticCollector, forEachLine } from './log-lines';
import { checkText } from './trt-errors';
import type { PolygraphyComparison, PolygraphyLog } from './types';

export function parsePolygraphyLog(file: string, input: string): PolygraphyLog {
  const text = checkText(file, input);
  const diagnostics = new DiagnosticCollector();
  const result: PolygraphyLog = { commands: [], comparisons: [], diagnostics: diagnostics.diagnostics };
  let current: Omit<PolygraphyComparison, 'passed'> | undefined;
  forEachLine(text, (line) => {
    const body = line.body.trim();
    // Polygraphy prints "[E] FAILED | Runtime: …" for a failed command: a status line, counted as an error too.
    diagnostics.add(line);
    let m: RegExpExecArray | null;
    if ((m = /^(RUNNING|PASSED|FAILED) \| (?:Runtime: [^|]*\| )?Command: (.*)$/.exec(body))) {
      if (m[1] === 'RUNNING') result.commands.push({ command: m[2], status: 'RUNNING', line: line.number });
      else {
        const open = [...result.commands].reverse().find((c) => c.status === 'RUNNING' && c.command === m![2]);
        if (open) open.status = m[1] as 'PASSED' | 'FAILED';
        else result.commands.push({ command: m[2], status: m[1] as 'PASSED' | 'FAILED', line: line.number });
      }
      return;
    }
    if (!result.trtVersion && (m = /Loaded Module: tensorrt \| Version: ([0-9.]+)/.exec(body))) {
      result.trtVersion = m[1];
      return;
    }
    if ((m = /^Comparing Output: '(.*?)'/.exec(body))) {
      current = { output: m[1], line: line.number };
      return;
    }
    if (current && (m = /^(Absolute|Relative) Difference \| Stats: .*?max=([^ ,]+)/.exec(body))) {
      const value = Number(m[2]);
      if (Number.isFinite(value)) {
        if (m[1] === 'Absolute') current.maxAbsError = value;
        else current.maxRelError = value;
      }
      return;
    }
    if ((m = /^(PASSED|FAILED) \| Output: '(.*?)'/.exec(body))) {
      const base = current && current.output === m[2] ? current : { output: m[2], line: line.number };
      result.comparisons.push({ ...base, passed: m[1] === 'PASSED' });
      current = undefined;
    }
  });
  return result;
}
