/**
 * Graph IR over a decoded ModelProto: nodes, values, producers/consumers, topological order, declared shapes,
 * and subgraphs (If/Loop/Scan bodies) walked recursively. The IR references the proto objects; it does not
 * copy tensor data.
 */
import { WorkbenchError } from '../errors';
import { dataTypeName } from '../onnx/data-types';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/proto';

/** A dim is a number, a symbolic name, or null (unknown). */
export type Dim = number | string | null;

export interface ValueDescription {
  name: string;
  /** ONNX elem type id (see data-types.ts); undefined when not declared. */
  elemType?: number;
  shape?: Dim[];
}

export interface GraphNode {
  /** Index in its graph's node list (file order). */
  index: number;
  proto: NodeProto;
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Subgraphs held by attributes (If then/else, Loop/Scan body), by attribute name. */
  subgraphs: { attribute: string; graph: Graph }[];
}

export interface Value extends ValueDescription {
  /** Index of the producing node in this graph; undefined for graph inputs, initializers, outer-scope values. */
  producer?: number;
  /** Nodes reading this value, including control-flow nodes whose subgraphs read it. */
  consumers: number[];
  initializer?: TensorProto;
  isGraphInput: boolean;
  isGraphOutput: boolean;
}

export class Graph {
  readonly proto: GraphProto;
  readonly nodes: GraphNode[];
  readonly values = new Map<string, Value>();
  /** Node indices in a valid execution order. */
  readonly topologicalOrder: number[];
  readonly parent?: Graph;
  /** Path from the main graph, e.g. "If_0/then_branch"; "" for the main graph. */
  readonly path: string;

  constructor(proto: GraphProto, parent?: Graph, path = '') {
    this.proto = proto;
    this.parent = parent;
    this.path = path;
    const valueOf = (name: string): Value => {
      let value = this.values.get(name);
      if (!value) {
        value = { name, consumers: [], isGraphInput: false, isGraphOutput: false };
        this.values.set(name, value);
      }
      return value;
    };
    const describe = (info: ValueInfoProto): void => {
      const value = valueOf(info.name);
      const tensorType = info.type?.tensorType;
      if (tensorType) {
        value.elemType = tensorType.elemType;
        if (tensorType.shape) {
          value.shape = tensorType.shape.map((d) => d.dimValue ?? (d.dimParam ? d.dimParam : null));
        }
      }
    };
    for (const info of proto.input) {
      describe(info);
      valueOf(info.name).isGraphInput = true;
    }
    for (const init of proto.initializer) {
      const value = valueOf(init.name);
      value.initializer = init;
      value.elemType ??= init.dataType;
      value.shape ??= [...init.dims];
    }
    for (const info of proto.valueInfo) describe(info);
    for (const info of proto.output) {
      describe(info);
      valueOf(info.name).isGraphOutput = true;
    }

    this.nodes = proto.node.map((node, index) => {
      const graphNode: GraphNode = {
        index,
        proto: node,
        name: node.name,
        opType: node.opType,
        domain: node.domain,
        inputs: node.input,
        outputs: node.output,
        subgraphs: [],
      };
      node.input.forEach((name) => {
        if (name !== '') valueOf(name).consumers.push(index);
      });
      node.output.forEach((name) => {
        if (name === '') return;
        const value = valueOf(name);
        if (value.producer !== undefined) {
          throw new WorkbenchError(
            'model',
            'MODEL_DUPLICATE_OUTPUT',
            `tensor '${name}' is produced by two nodes ('${proto.node[value.producer].name}' and '${node.name}')${path ? ` in ${path}` : ''}`,
          );
        }
        value.producer = index;
      });
      return graphNode;
    });
    // Subgraphs after the node table exists so outer-scope names resolve against this graph.
    const ordinals = new Map<string, number>();
    for (const graphNode of this.nodes) {
      if (!graphNode.proto.attribute.some((a) => a.g || a.graphs)) continue;
      // Unnamed control-flow nodes are labelled by op type and ordinal, which inserting Q/DQ or Cast nodes
      // does not change, so a path means the same subgraph in the FP32 and the reduced-precision model.
      const ordinal = ordinals.get(graphNode.opType) ?? 0;
      ordinals.set(graphNode.opType, ordinal + 1);
      for (const attr of graphNode.proto.attribute) {
        const label = `${graphNode.name || graphNode.opType + '_' + ordinal}/${attr.name}`;
        const childPath = path ? `${path}/${label}` : label;
        if (attr.g) graphNode.subgraphs.push({ attribute: attr.name, graph: new Graph(attr.g, this, childPath) });
        attr.graphs?.forEach((g, i) => graphNode.subgraphs.push({ attribute: `${attr.name}[${i}]`, graph: new Graph(g, this, `${childPath}[${i}]`) }));
      }
    }
    this.topologicalOrder = this.sortTopologically();
  }

  /** True when `name` is defined here or in an enclosing graph (subgraphs may read outer values). */
  resolves(name: string): boolean {
    return this.values.has(name) || (this.parent?.resolves(name) ?? false);
  }

  /** Names a node reads: its inputs plus the outer-scope values its subgraphs read (implicit inputs). */
  private dependencies(node: GraphNode): string[] {
    if (node.subgraphs.length === 0) return node.inputs;
    const names = new Set(node.inputs);
    const visit = (g: Graph) => {
      for (const [name, value] of g.values) {
        if (value.producer === undefined && !value.isGraphInput && !value.initializer && value.consumers.length > 0) names.add(name);
      }
      for (const n of g.nodes) for (const s of n.subgraphs) visit(s.graph);
    };
    node.subgraphs.forEach((s) => visit(s.graph));
    return [...names];
  }

  /**
   * Kahn's algorithm taking the lowest file index among ready nodes, so a file that is already sorted keeps
   * its order exactly. Subgraph reads of outer values count as dependencies of the control-flow node.
   */
  private sortTopologically(): number[] {
    const pending = new Array<number>(this.nodes.length).fill(0);
    const ready: number[] = [];
    this.nodes.forEach((node) => {
      const producers = new Set<number>();
      for (const name of this.dependencies(node)) {
        const value = name === '' ? undefined : this.values.get(name);
        // Control-flow nodes become consumers of the outer values their subgraphs read.
        if (value && !value.consumers.includes(node.index)) value.consumers.push(node.index);
        const producer = value?.producer;
        if (producer !== undefined && producer !== node.index) producers.add(producer);
        if (producer === node.index) {
          throw new WorkbenchError('model', 'MODEL_CYCLIC', `node '${node.name || node.opType}' consumes its own output '${name}'`);
        }
      }
      pending[node.index] = producers.size;
      if (producers.size === 0) ready.push(node.index);
    });
    const order: number[] = [];
    const seenEdges = this.nodes.map(() => new Set<number>());
    const insertSorted = (index: number) => {
      let lo = 0;
      let hi = ready.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ready[mid] > index) lo = mid + 1;
        else hi = mid;
      }
      ready.splice(lo, 0, index);
    };
    ready.sort((a, b) => b - a); // descending: pop() takes the lowest index
    while (ready.length > 0) {
      const index = ready.pop()!;
      order.push(index);
      for (const name of this.nodes[index].outputs) {
        if (name === '') continue;
        for (const consumer of this.values.get(name)?.consumers ?? []) {
          if (seenEdges[consumer].has(index)) continue;
          seenEdges[consumer].add(index);
          if (--pending[consumer] === 0) insertSorted(consumer);
        }
      }
    }
    if (order.length !== this.nodes.length) {
      const stuck = this.nodes.filter((_, i) => pending[i] > 0).slice(0, 3).map((n) => `'${n.name || n.opType}'`);
      throw new WorkbenchError(
        'model',
        'MODEL_CYCLIC',
        `the graph${this.path ? ` ${this.path}` : ''} has a cycle (or a node waits on a tensor nothing produces); e.g. ${stuck.join(', ')}`,
      );
    }
    return order;
  }

  /** This graph and every nested subgraph, depth first. */
  *allGraphs(): Generator<Graph> {
    yield this;
    for (const node of this.nodes) for (const sub of node.subgraphs) yield* sub.graph.allGraphs();
  }

  /** Graph inputs that are not initializers: what the user must feed. */
  feedInputs(): Value[] {
    return this.proto.input.map((i) => this.values.get(i.name)!).filter((v) => !v.initializer);
  }

  outputs(): Value[] {
    return this.proto.output.map((o) => this.values.get(o.name)!);
  }

  /** A constant tensor behind `name`: an initializer or a Constant node's `value` (through Identity). */
  constantTensor(name: string): TensorProto | undefined {
    const value = this.values.get(name);
    if (!value) return this.parent?.constantTensor(name);
    if (value.initializer && !value.isGraphInput) return value.initializer;
    if (value.producer === undefined) return undefined;
    const node = this.nodes[value.producer];
    if (node.opType === 'Constant' && node.domain === '') return node.proto.attribute.find((a) => a.name === 'value')?.t;
    if (node.opType === 'Identity' && node.domain === '') return this.constantTensor(node.inputs[0]);
    return undefined;
  }
}

export interface ModelSummary {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: { name: string; dataType: string; shape: Dim[] | null }[];
  outputs: { name: string; dataType: string; shape: Dim[] | null }[];
  nodeCount: number;
  nodeCountWithSubgraphs: number;
  subgraphCount: number;
  opTypes: Record<string, number>;
  initializerCount: number;
  initializerDataTypes: Record<string, number>;
}

/** The default-domain opset the model imports ("" or "ai.onnx"). */
export function defaultOpset(model: ModelProto): number {
  return model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
}

export function summarizeModel(model: ModelProto, graph: Graph): ModelSummary {
  const opTypes: Record<string, number> = {};
  const initializerDataTypes: Record<string, number> = {};
  let nodeCountWithSubgraphs = 0;
  let subgraphCount = -1;
  for (const g of graph.allGraphs()) {
    subgraphCount++;
    for (const node of g.nodes) {
      nodeCountWithSubgraphs++;
      const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
      opTypes[key] = (opTypes[key] ?? 0) + 1;
    }
    for (const init of g.proto.initializer) {
      const name = dataTypeName(init.dataType);
      initializerDataTypes[name] = (initializerDataTypes[name] ?? 0) + 1;
    }
  }
  const describe = (v: Value) => ({ name: v.name, dataType: dataTypeName(v.elemType ?? 0), shape: v.shape ?? null });
  return {
    irVersion: model.irVersion,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: o.version })),
    inputs: graph.feedInputs().map(describe),
    outputs: graph.outputs().map(describe),
    nodeCount: graph.nodes.length,
    nodeCountWithSubgraphs,
    subgraphCount,
    opTypes,
    initializerCount: graph.proto.initializer.length,
    initializerDataTypes,
  };
}
