/**
 * Model-side views for the UI, derived from the graph IR: the overview (summary + layer list), the node graph
 * for the graph view, and a layer's producers and consumers. Pure: no I/O.
 */
import { summarizeModel, type Graph } from '../model/graph';
import type { ModelProto } from '../onnx/proto';
import type { Layer } from '../precision/layers';
import type { QuantizedImport } from '../precision/quantized-import';
import type { GraphData, ModelOverview, NodeRef } from './views';

export function modelOverview(modelPath: string, model: { proto: ModelProto; graph: Graph; layers: Layer[]; quantized?: QuantizedImport }): ModelOverview {
  return {
    modelPath,
    summary: summarizeModel(model.proto, model.graph),
    layers: model.layers.map((l) => ({ id: l.id, name: l.name, opType: l.opType, role: l.role, graphPath: l.graphPath })),
    quantizedInput: model.quantized ? { kind: model.quantized.kind, summary: { ...model.quantized.summary }, notes: model.quantized.notes } : null,
  };
}

const layerKey = (graphPath: string, nodeIndex: number): string => `${graphPath}#${nodeIndex}`;

/** Every node of the model (subgraphs included, ids in depth-first order) and the data edges inside each graph. */
export function graphData(root: Graph, layers: readonly Layer[]): GraphData {
  const layerOf = new Map(layers.map((l) => [layerKey(l.graphPath, l.nodeIndex), l.id]));
  const nodes: GraphData['nodes'] = [];
  const edges: GraphData['edges'] = [];
  for (const graph of root.allGraphs()) {
    const base = nodes.length;
    graph.nodes.forEach((node, i) => {
      nodes.push({ id: base + i, name: node.name || `${node.opType}_${i}`, opType: node.opType, layerId: layerOf.get(layerKey(graph.path, i)) ?? null, graphPath: graph.path });
    });
    graph.nodes.forEach((node, i) => {
      for (const tensor of node.outputs) {
        if (!tensor) continue;
        for (const consumer of graph.values.get(tensor)?.consumers ?? []) edges.push({ from: base + i, to: base + consumer, tensor });
      }
    });
  }
  return { nodes, edges, inputs: root.feedInputs().map((v) => v.name), outputs: root.outputs().map((v) => v.name) };
}

function graphAt(root: Graph, graphPath: string): Graph | undefined {
  for (const g of root.allGraphs()) if (g.path === graphPath) return g;
  return undefined;
}

/** The nodes feeding a layer's inputs and reading its output (within the layer's graph). */
export function layerNeighbours(root: Graph, layers: readonly Layer[], layer: Layer): { producers: NodeRef[]; consumers: NodeRef[] } {
  const graph = graphAt(root, layer.graphPath);
  if (!graph) return { producers: [], consumers: [] };
  const layerOf = new Map(layers.filter((l) => l.graphPath === layer.graphPath).map((l) => [l.nodeIndex, l.id]));
  const node = graph.nodes[layer.nodeIndex];
  const ref = (index: number, tensor: string): NodeRef => ({ name: graph.nodes[index].name, opType: graph.nodes[index].opType, layerId: layerOf.get(index) ?? null, tensor });
  const producers: NodeRef[] = [];
  for (const tensor of node.inputs) {
    const producer = tensor ? graph.values.get(tensor)?.producer : undefined;
    if (producer !== undefined) producers.push(ref(producer, tensor));
  }
  const consumers: NodeRef[] = [];
  for (const tensor of node.outputs) {
    for (const consumer of (tensor && graph.values.get(tensor)?.consumers) || []) consumers.push(ref(consumer, tensor));
  }
  return { producers, consumers };
}
