/**
 * A minimal analysis report for a model without running the analysis: every field the exports read (plan, layer
 * precisions, activation amax, input shapes), the rest empty. For pure export tests; the main/ tests use real
 * reports from analyzeModel.
 */
import { REPORT_SCHEMA, REPORT_VERSION, type AnalysisReport } from '../../app/contract/report';
import { Graph, summarizeModel } from '../../app/model/graph';
import type { ModelProto } from '../../app/onnx/proto';
import { discoverLayers, type Layer } from '../../app/precision/layers';
import { defaultPlan, type Precision, type PrecisionPlan } from '../../app/precision/plan';

export function syntheticReport(
  model: ModelProto,
  options: { precisionOf?: (layer: Layer, index: number) => Precision; amaxOf?: (tensor: string) => number; plan?: PrecisionPlan; inputShapes?: Record<string, number[]> } = {},
): AnalysisReport {
  const graph = new Graph(model.graph);
  const layers = discoverLayers(graph);
  const precisionOf = options.precisionOf ?? (() => 'int8' as Precision);
  const amaxOf = options.amaxOf ?? ((tensor: string) => 1 + (tensor.length % 7) / 4);
  const inputShapes = options.inputShapes ?? Object.fromEntries(graph.feedInputs().map((v) => [v.name, (v.shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : 1))]));
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    createdAt: '2026-01-02T03:04:05.000Z',
    tool: { name: 'precision-workbench', version: 'test', onnxruntime: 'test' },
    model: { path: 'model.onnx', summary: summarizeModel(model, graph), layerCount: layers.length, layersInSubgraphs: 0, quantizedInput: null },
    settings: {
      precision: 'int8',
      calibrator: { method: 'max', parameters: {} },
      calibrationData: { description: 'synthetic', samples: 0 },
      evalData: { description: 'synthetic', samples: 0 },
      inputShapes,
      qdqDomain: 'ai.onnx',
      calibrationCache: null,
      emulation: 'synthetic',
    },
    plan: options.plan ?? defaultPlan('int8', 'max'),
    layers: layers.map((layer, index) => {
      const precision = precisionOf(layer, index);
      return {
        id: layer.id,
        name: layer.name,
        opType: layer.opType,
        role: layer.role,
        graphPath: layer.graphPath,
        precision,
        output: layer.output,
        outputDims: null,
        activations:
          precision === 'int8'
            ? layer.activationInputs.map((tensor) => {
                const amax = amaxOf(tensor);
                return { tensor, amax, scale: Math.fround(amax / 127), source: 'calibration' as const, calibrationMin: -amax, calibrationMax: amax, histogram: null, saturationRate: null };
              })
            : [],
        weight: null,
        metrics: null,
      };
    }),
    outputs: [],
    classification: null,
    timingsMs: { load: 0, calibration: 0, comparison: 0, total: 0, breakdown: {} },
    warnings: [],
  };
}
