/**
 * Makes chosen intermediate tensors observable as model outputs, including tensors inside If/Loop/Scan bodies
 * (which ONNX Runtime cannot return directly): the tensor becomes an extra body output and the control-flow
 * node gets a matching extra output, level by level up to the main graph.
 *   - If: the other branch outputs an empty float tensor, so a run that takes that branch returns 0 elements.
 *   - Loop / Scan: the extra body output becomes a scan output, stacked over iterations.
 * Only structure is copied; tensor data stays shared with the source model.
 */
import { DataType } from '../onnx/data-types';
import type { AttributeProto, GraphProto, ModelProto, NodeProto } from '../onnx/proto';
import { Graph } from './graph';

export interface CaptureRequest {
  graphPath: string;
  tensor: string;
}

/** Deep-copies graphs, nodes and attributes; TensorProto payloads are shared (never mutated by the tool). */
export function cloneModelStructure(model: ModelProto): ModelProto {
  const cloneGraph = (g: GraphProto): GraphProto => ({
    ...g,
    node: g.node.map(cloneNode),
    initializer: [...g.initializer],
    input: [...g.input],
    output: [...g.output],
    valueInfo: [...g.valueInfo],
  });
  const cloneAttr = (a: AttributeProto): AttributeProto =>
    a.g || a.graphs ? { ...a, g: a.g ? cloneGraph(a.g) : undefined, graphs: a.graphs?.map(cloneGraph) } : a;
  const cloneNode = (n: NodeProto): NodeProto => ({ ...n, input: [...n.input], output: [...n.output], attribute: n.attribute.map(cloneAttr) });
  return { ...model, opsetImport: [...model.opsetImport], graph: cloneGraph(model.graph), metadataProps: [...model.metadataProps] };
}

export function captureOutputName(request: CaptureRequest): string {
  return request.graphPath === '' ? request.tensor : `pwb_capture::${request.graphPath}::${request.tensor}`;
}

/**
 * Returns a copy of `model` whose main graph also outputs every requested tensor, and the output name of each
 * (keyed by captureOutputName(request)). Requests for tensors the graph already outputs reuse that output.
 */
export function withCapturedOutputs(model: ModelProto, requests: readonly CaptureRequest[]): { model: ModelProto; outputs: Map<string, string> } {
  const copy = cloneModelStructure(model);
  const root = new Graph(copy.graph);
  const byPath = new Map<string, Graph>();
  const owner = new Map<Graph, { parent: Graph; node: NodeProto; attribute: string }>();
  for (const g of root.allGraphs()) {
    byPath.set(g.path, g);
    for (const node of g.nodes) for (const sub of node.subgraphs) owner.set(sub.graph, { parent: g, node: node.proto, attribute: sub.attribute });
  }
  const outputs = new Map<string, string>();
  const exposed = new Map<string, string>(); // "<path>\0<tensor>" → name in main graph

  const addOutput = (g: GraphProto, name: string) => {
    if (!g.output.some((o) => o.name === name)) g.output.push({ name, type: { tensorType: { elemType: DataType.FLOAT } } });
  };

  const expose = (graph: Graph, tensor: string): string => {
    const key = `${graph.path}\u0000${tensor}`;
    const done = exposed.get(key);
    if (done) return done;
    let result: string;
    const local = graph.values.get(tensor);
    const definedHere = local && (local.producer !== undefined || local.isGraphInput || local.initializer);
    if (!graph.parent || !owner.has(graph)) {
      addOutput(graph.proto, tensor);
      result = tensor;
    } else if (!definedHere) {
      result = expose(graph.parent, tensor); // outer-scope value: observe it where it lives
    } else {
      const { parent, node, attribute } = owner.get(graph)!;
      const outerName = captureOutputName({ graphPath: graph.path, tensor });
      addOutput(graph.proto, tensor);
      if (node.opType === 'If') {
        const otherName = attribute === 'then_branch' ? 'else_branch' : 'then_branch';
        const other = node.attribute.find((a) => a.name === otherName)?.g;
        if (other) {
          const placeholder = `${outerName}::absent`;
          other.node.push({
            input: [],
            output: [placeholder],
            name: placeholder,
            opType: 'Constant',
            domain: '',
            attribute: [{ name: 'value', type: 4, t: { name: placeholder, dims: [0], dataType: DataType.FLOAT, rawData: new Uint8Array(0) } }],
          });
          addOutput(other, placeholder);
        }
      } else if (node.opType === 'Scan') {
        for (const name of ['scan_output_axes', 'scan_output_directions']) {
          const attr = node.attribute.find((a) => a.name === name);
          if (attr?.ints) attr.ints = [...attr.ints, 0n];
        }
      }
      node.output.push(outerName);
      result = expose(parent, outerName);
    }
    exposed.set(key, result);
    return result;
  };

  for (const request of requests) {
    const graph = byPath.get(request.graphPath);
    if (!graph) continue;
    outputs.set(captureOutputName(request), expose(graph, request.tensor));
  }
  return { model: copy, outputs };
}
