/**
 * Removes initializers nothing reads any more (materializing a plan leaves the float weights of INT8 layers
 * behind: their int8 copies replaced them). Saves the file size of every quantized weight; changes no result.
 * Initializers that are also graph inputs (IR < 4 models) are kept: they are part of the interface.
 */
import type { GraphProto, ModelProto } from '../onnx/proto';

/** Names a graph and everything nested in it reads (node inputs, graph outputs). */
function readNames(graph: GraphProto, into = new Set<string>()): Set<string> {
  for (const node of graph.node) {
    for (const name of node.input) if (name !== '') into.add(name);
    for (const a of node.attribute) {
      if (a.g) readNames(a.g, into);
      a.graphs?.forEach((g) => readNames(g, into));
    }
  }
  for (const o of graph.output) into.add(o.name);
  return into;
}

function pruneGraph(graph: GraphProto): { graph: GraphProto; removed: number } {
  let removed = 0;
  const node = graph.node.map((n) => {
    if (!n.attribute.some((a) => a.g || a.graphs)) return n;
    return {
      ...n,
      attribute: n.attribute.map((a) => {
        if (a.g) {
          const result = pruneGraph(a.g);
          removed += result.removed;
          return { ...a, g: result.graph };
        }
        if (a.graphs) {
          return {
            ...a,
            graphs: a.graphs.map((g) => {
              const result = pruneGraph(g);
              removed += result.removed;
              return result.graph;
            }),
          };
        }
        return a;
      }),
    };
  });
  const read = readNames({ ...graph, node });
  const inputs = new Set(graph.input.map((i) => i.name));
  const initializer = graph.initializer.filter((t) => read.has(t.name) || inputs.has(t.name));
  removed += graph.initializer.length - initializer.length;
  const dropped = new Set(graph.initializer.filter((t) => !read.has(t.name) && !inputs.has(t.name)).map((t) => t.name));
  const valueInfo = graph.valueInfo.filter((v) => !dropped.has(v.name));
  return { graph: { ...graph, node, initializer, valueInfo }, removed };
}

export function pruneUnusedInitializers(model: ModelProto): { model: ModelProto; removed: number } {
  const { graph, removed } = pruneGraph(model.graph);
  return { model: { ...model, graph }, removed };
}
