/**
 * The exported Q/DQ model reproduces the analysis: analyze a real model, export it, run FP32 and the exported
 * file on ONNX Runtime on the same samples and recompute the final-output metrics with the same accumulator.
 *
 * "The same way the analysis ran it" means OrtRunner with the analysis' options ('extended' graph optimization,
 * sequential, Q/DQ fusion off) on models whose layer outputs (and, for the reduced model, quantized inputs) are
 * also graph outputs — the analysis captures them, and a graph output blocks ONNX Runtime fusions across it.
 * Under those conditions the metrics are identical (checked to 1e-9 relative; in practice bit-identical),
 * also for pre-13 models whose export went through the opset-13 upgrade and ai.onnx instead of com.microsoft Q/DQ.
 * The same files run with no graph optimization also match (ONNX semantics, no fusion); with ONNX Runtime's
 * fusions on the plain files (Conv+BN/Mul/Add folded into weights, which reassociates float sums) a few values
 * land on the other side of an int8 rounding boundary and the metrics move slightly — logged, not asserted exact.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Graph } from '../../../app/model/graph';
import { decodeModel } from '../../../app/onnx/decode';
import { discoverLayers } from '../../../app/precision/layers';
import type { PrecisionPlan } from '../../../app/precision/plan';
import { exportCommand } from '../../../main/cli/commands/export';
import type { SampleSourceOptions } from '../../../main/data/sample-sources';
import { analyzeModel } from '../../../main/engine/analyze';
import { sharedData, sharedModel } from '../../helpers/paths';
import { recomputeOutputMetrics } from '../../helpers/reproduce-report';

const relative = (value: number, expected: number | null): number => {
  if (expected === null) return Number.isFinite(value) ? Infinity : 0; // null = ±∞ in the report
  return Math.abs(value - expected) / Math.max(Math.abs(expected), 1e-300);
};

async function analyzeExportAndCheck(name: string, options: { modelPath: string; data: SampleSourceOptions; inputShapes?: Record<string, number[]>; plan?: PrecisionPlan; expectUpgradeFrom?: number }): Promise<void> {
  const report = await analyzeModel({ modelPath: options.modelPath, precision: 'int8', plan: options.plan, calibration: options.data, inputShapes: options.inputShapes });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-export-repro-'));
  const reportPath = path.join(dir, 'report.json');
  writeFileSync(reportPath, JSON.stringify(report));
  let err = '';
  const code = await exportCommand(options.modelPath, { report: reportPath, out: path.join(dir, 'export'), what: 'qdq,cache' }, { write: () => {} }, { write: (s: string) => (err += s) });
  assert.equal(code, 0, err);
  if (options.expectUpgradeFrom !== undefined) assert.match(err, new RegExp(`opset ${options.expectUpgradeFrom} → 13`));
  const exportedPath = path.join(dir, 'export', `${path.basename(options.modelPath, '.onnx')}.qdq.onnx`);
  const exported = decodeModel(new Uint8Array(readFileSync(exportedPath)));
  assert.ok(exported.opsetImport.some((o) => o.domain === '' && o.version >= 13));
  assert.ok(!exported.graph.node.some((n) => n.domain === 'com.microsoft'), 'standard ai.onnx Q/DQ only');

  for (const mode of ['as-analysed', 'unoptimized', 'plain-default'] as const) {
    const reproduced = await recomputeOutputMetrics(options.modelPath, exportedPath, report, options.data, mode);
    for (const r of reproduced) {
      const expected = report.outputs.find((o) => o.name === r.name)!.metrics!;
      const deltas = { cosine: relative(r.cosineSimilarity, expected.cosineSimilarity), sqnr: relative(r.sqnrDb, expected.sqnrDb), mse: relative(r.mse, expected.mse) };
      console.log(
        `${name} [${mode}] output ${r.name}: cosine ${r.cosineSimilarity} (report ${expected.cosineSimilarity}), SQNR ${r.sqnrDb} dB (report ${expected.sqnrDb}), ` +
          `relative differences cosine ${deltas.cosine.toExponential(2)}, SQNR ${deltas.sqnr.toExponential(2)}, mse ${deltas.mse.toExponential(2)}`,
      );
      if (mode === 'as-analysed') {
        for (const [metric, delta] of Object.entries(deltas)) assert.ok(delta <= 1e-9, `${name} ${r.name}: ${metric} differs from the report by ${delta} (relative)`);
      } else {
        // Not the analysis' configuration: only float reassociation separates them (see the file comment).
        assert.ok(deltas.cosine < 0.05, `${name} ${r.name} [${mode}]: cosine moved by ${deltas.cosine}`);
      }
    }
  }
}

test('MobileNetV2 (opset 13), INT8 on random data: the exported Q/DQ model reproduces the report exactly', async () => {
  await analyzeExportAndCheck('mobilenet_v2 int8', { modelPath: sharedModel('mobilenet_v2_0.35_128_tfflowers_fp32.onnx'), data: { kind: 'random', count: 4, seed: 3 } });
});

test('MobileNetV2 with a mixed plan (INT8 + FP16 emulation + FP32 layers) on ImageNet images reproduces exactly', async () => {
  const modelPath = sharedModel('mobilenet_v2_0.35_128_tfflowers_fp32.onnx');
  const model = decodeModel(new Uint8Array(readFileSync(modelPath)));
  const layers = discoverLayers(new Graph(model.graph));
  const plan: PrecisionPlan = { schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'entropy', layers: {} };
  layers.forEach((l, i) => {
    if (i % 4 === 1) plan.layers[l.id] = { precision: 'fp16' };
    if (i % 9 === 5) plan.layers[l.id] = { precision: 'fp32' };
  });
  await analyzeExportAndCheck('mobilenet_v2 mixed', { modelPath, plan, data: { kind: 'images', dir: path.join(sharedData, 'images/calib'), limit: 6 } });
});

test('ppocrv4_det (opset 11): exported through the opset-13 upgrade, reproduces the report exactly', async () => {
  await analyzeExportAndCheck('ppocrv4_det int8', {
    modelPath: sharedModel('ppocrv4_det.onnx'),
    inputShapes: { x: [1, 3, 160, 160] },
    data: { kind: 'images', dir: path.join(sharedData, 'images/ocr'), preprocess: { resize: { width: 160, height: 160 } } },
    expectUpgradeFrom: 11,
  });
});

test('ppocrv4_rec_svtr (opset 9, Clip/Slice/Squeeze rewritten, attention MatMuls): reproduces the report exactly', async () => {
  await analyzeExportAndCheck('ppocrv4_rec_svtr int8', {
    modelPath: sharedModel('ppocrv4_rec_svtr.onnx'),
    inputShapes: { x: [1, 3, 48, 320] },
    data: { kind: 'images', dir: path.join(sharedData, 'images/ocr'), preprocess: { resize: { width: 320, height: 48 }, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } },
    expectUpgradeFrom: 9,
  });
});
