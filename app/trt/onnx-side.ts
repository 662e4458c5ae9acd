/** The ONNX side of the mapping, derived from the graph IR, its layers and (optionally) a precision plan. */
import type { Graph } from '../model/graph';
import type { Layer } from '../precision/layers';
import { resolvePlan, type PrecisionPlan } from '../precision/plan';
import type { OnnxSide } from './types';

export function onnxSideFromGraph(graph: Graph, layers?: readonly Layer[], plan?: PrecisionPlan): OnnxSide {
  const nodes: OnnxSide['nodes'] = [];
  const visit = (g: Graph, depth: number) => {
    for (const index of g.topologicalOrder) {
      const node = g.nodes[index];
      nodes.push({ name: node.name, opType: node.opType, outputs: [...node.outputs] });
      if (depth < 16) for (const sub of node.subgraphs) visit(sub.graph, depth + 1);
    }
  };
  visit(graph, 0);
  const side: OnnxSide = { nodes };
  if (layers) {
    side.layers = layers.map((l) => ({ id: l.id, name: l.name, opType: l.opType }));
    if (plan) {
      side.plannedPrecision = {};
      for (const r of resolvePlan(plan, layers).resolved) side.plannedPrecision[r.layer.id] = r.precision;
    }
  }
  return side;
}
