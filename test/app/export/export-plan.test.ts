/**
 * The export rebuilds the plan as the analysis applied it: report precisions (incl. layers demoted to FP32) and
 * recorded amax, on the exact model the report describes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWorkbenchError } from '../../../app/errors';
import { exportPlanFromReport, parseAnalysisReport } from '../../../app/export/export-plan';
import { Graph } from '../../../app/model/graph';
import { decodeModel } from '../../../app/onnx/decode';
import { discoverLayers } from '../../../app/precision/layers';
import { outlierConvNet } from '../../../fixtures/models';
import { syntheticReport } from '../../helpers/synthetic-report';

const fixture = () => {
  const model = decodeModel(outlierConvNet());
  return { model, layers: discoverLayers(new Graph(model.graph)) };
};

const isError = (code: string, mention: RegExp) => (error: unknown) => isWorkbenchError(error) && error.code === code && mention.test(error.message);

test('parseAnalysisReport accepts a report and refuses what is not one, naming the problem', () => {
  const { model } = fixture();
  const report = syntheticReport(model);
  assert.equal(parseAnalysisReport(JSON.parse(JSON.stringify(report)), 'r.json').layers.length, 9);
  assert.throws(() => parseAnalysisReport([], 'r.json'), isError('REPORT_INVALID', /r\.json: not a JSON object/));
  assert.throws(() => parseAnalysisReport({ ...report, schema: 'pwb.precision-plan' }, 'r.json'), isError('REPORT_INVALID', /schema/));
  assert.throws(() => parseAnalysisReport({ ...report, version: 2 }, 'r.json'), isError('REPORT_INVALID', /version 2/));
  assert.throws(() => parseAnalysisReport({ ...report, settings: { ...report.settings, inputShapes: { input: [1, -3] } } }, 'r.json'), isError('REPORT_INVALID', /inputShapes/));
  const badLayer = { ...report, layers: [{ ...report.layers[0], precision: 'int4' }, ...report.layers.slice(1)] };
  assert.throws(() => parseAnalysisReport(badLayer, 'r.json'), isError('REPORT_INVALID', /precision "int4"/));
  const badAmax = { ...report, layers: [{ ...report.layers[0], activations: [{ ...report.layers[0].activations[0], amax: 0 }] }, ...report.layers.slice(1)] };
  assert.throws(() => parseAnalysisReport(badAmax, 'r.json'), isError('REPORT_INVALID', /amax/));
});

test('precisions come from the report (demoted layers included), amax from its activations', () => {
  const { model, layers } = fixture();
  // The plan asks for INT8 everywhere; the analysis ran layer 2 in FP32 (e.g. never calibrated) and layer 4 in FP16.
  const report = syntheticReport(model, { precisionOf: (_, i) => (i === 2 ? 'fp32' : i === 4 ? 'fp16' : 'int8'), amaxOf: (t) => (t === 'input' ? 3.5 : 2) });
  const plan = exportPlanFromReport(report, layers);
  assert.deepEqual(plan.counts, { int8: 7, fp16: 1, fp32: 1 });
  assert.equal(plan.resolved[2].precision, 'fp32');
  assert.deepEqual(plan.effectivePlan.layers, { [layers[2].id]: { precision: 'fp32' }, [layers[4].id]: { precision: 'fp16' } });
  assert.equal(plan.effectivePlan.defaultPrecision, 'int8');
  assert.equal(plan.amaxOf('', 'input'), 3.5);
  assert.equal(plan.amaxOf('', 'nothing'), undefined);
});

test('a report of another model, or with an INT8 layer lacking its amax, is refused', () => {
  const { model, layers } = fixture();
  const report = syntheticReport(model);
  const renamed = { ...report, layers: report.layers.map((l, i) => (i === 3 ? { ...l, id: 'other|Conv#3' } : l)) };
  assert.throws(() => exportPlanFromReport(renamed, layers, 'r.json'), isError('REPORT_MODEL_MISMATCH', /r\.json: .*'other\|Conv#3'.*model the report was made from/));
  assert.throws(() => exportPlanFromReport(report, layers.slice(1), 'r.json'), isError('REPORT_MODEL_MISMATCH', /9 layers, the model has 8/));
  const noAmax = { ...report, layers: report.layers.map((l, i) => (i === 0 ? { ...l, activations: [] } : l)) };
  assert.throws(() => exportPlanFromReport(noAmax, layers, 'r.json'), isError('REPORT_INVALID', /no recorded amax for its input 'input'/));
});
