/**
 * A short, seeded fuzz run (scripts/fuzz.ts): 200 mutated files through the pure parsers in this process and 5
 * model mutants opened by ONNX Runtime in a child process. Every input must end in success or a typed error; a child
 * crash is survivable (counted, never fatal here), reads outside the mutant's folder are not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz, summaryLine } from '../../scripts/fuzz';

test('fuzz smoke: 200 mutants in-process + 5 ONNX Runtime child sessions, no untyped errors, no escapes', { timeout: 60_000 }, async () => {
  const result = await runFuzz({ iterations: 200, seed: 20260501, ortSessions: 5, timeoutMs: 20_000, slowMs: 5000 });
  const line = summaryLine(result);
  assert.equal(result.iterations, 200, line);
  assert.equal(result.untyped, 0, `${line}\n${result.untypedExamples.join('\n')}`);
  assert.equal(result.escapes, 0, `${line}\n${result.escapeExamples.join('\n')}`);
  assert.equal(result.ortSessions, 5, line);
  assert.ok(result.typed > 0 && result.accepted > 0, line);
  // The main process survived to here: main-process crashes = 0 by construction.
});
