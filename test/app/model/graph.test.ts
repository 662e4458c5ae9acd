import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph } from '../../../app/model/graph';
import type { GraphProto, NodeProto } from '../../../app/onnx/proto';

const node = (name: string, inputs: string[], outputs: string[], opType = 'Relu'): NodeProto => ({ name, input: inputs, output: outputs, opType, domain: '', attribute: [] });
const graph = (nodes: NodeProto[]): GraphProto => ({ name: 'g', node: nodes, initializer: [], input: [{ name: 'x' }], output: [{ name: 'z' }], valueInfo: [] });

test('topological order fixes an unsorted file and keeps a sorted one as it is', () => {
  const shuffled = new Graph(graph([node('c', ['y2'], ['z']), node('a', ['x'], ['y1']), node('b', ['y1'], ['y2'])]));
  assert.deepEqual(shuffled.topologicalOrder.map((i) => shuffled.nodes[i].name), ['a', 'b', 'c']);
  const sorted = new Graph(graph([node('a', ['x'], ['y1']), node('d', ['x'], ['w']), node('b', ['y1'], ['y2']), node('c', ['y2', 'w'], ['z'])]));
  assert.deepEqual(sorted.topologicalOrder, [0, 1, 2, 3]);
  assert.deepEqual(sorted.values.get('x')!.consumers, [0, 1]);
  assert.equal(sorted.values.get('y2')!.producer, 2);
});

test('cycles and duplicate producers are reported by name', () => {
  assert.throws(() => new Graph(graph([node('a', ['x', 'y2'], ['y1']), node('b', ['y1'], ['y2'])])), (e: any) => e.code === 'MODEL_CYCLIC' && /'a'|'b'/.test(e.message));
  assert.throws(() => new Graph(graph([node('a', ['x'], ['y']), node('b', ['x'], ['y'])])), (e: any) => e.code === 'MODEL_DUPLICATE_OUTPUT');
  assert.throws(() => new Graph(graph([node('self', ['s'], ['s'])])), (e: any) => e.code === 'MODEL_CYCLIC');
});

test('a control-flow node waits for the outer values its subgraph reads', () => {
  const body: GraphProto = { name: 'then', node: [node('inner', ['late'], ['out'])], initializer: [], input: [], output: [{ name: 'out' }], valueInfo: [] };
  const ifNode: NodeProto = { name: 'if', input: ['x'], output: ['z'], opType: 'If', domain: '', attribute: [{ name: 'then_branch', type: 5, g: body }, { name: 'else_branch', type: 5, g: { ...body, name: 'else' } }] };
  const g = new Graph(graph([ifNode, node('producer', ['x'], ['late'])]));
  assert.deepEqual(g.topologicalOrder.map((i) => g.nodes[i].name), ['producer', 'if']);
  assert.equal([...g.allGraphs()].length, 3);
  assert.equal(g.nodes[0].subgraphs[0].graph.path, 'if/then_branch');
});
