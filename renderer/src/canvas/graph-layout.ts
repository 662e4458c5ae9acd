/**
 * Graph layout with elkjs in a Web Worker (elk-worker.min.js, copied next to app.js by the build): the layered
 * layout of a few thousand nodes takes seconds and must never block the UI thread.
 */
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphData } from '../../../app/contract/views';

export interface PlacedNode {
  /** Index into GraphData.nodes. */
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  /** Flat polyline x0,y0,x1,y1,… */
  points: number[];
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_HEIGHT = 26;

/** Width of a node box from its label (op type). */
export function nodeWidth(opType: string): number {
  return Math.max(64, Math.min(180, 16 + opType.length * 7.2));
}

const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.spacing.nodeNode': '14',
  'elk.layered.spacing.nodeNodeBetweenLayers': '22',
  'elk.separateConnectedComponents': 'true',
};

/** GraphData → the ELK input graph (pure; tested). */
export function toElkGraph(graph: GraphData): ElkNode {
  const children: ElkNode[] = graph.nodes.map((node, index) => ({ id: `n${index}`, width: nodeWidth(node.opType), height: NODE_HEIGHT }));
  const known = new Set(graph.nodes.map((_, i) => i));
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const edge of graph.edges) {
    const key = `${edge.from}>${edge.to}`;
    if (edge.from === edge.to || seen.has(key) || !known.has(edge.from) || !known.has(edge.to)) continue;
    seen.add(key);
    edges.push({ id: `e${edges.length}`, sources: [`n${edge.from}`], targets: [`n${edge.to}`] });
  }
  return { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges };
}

/** ELK's answer → flat boxes and polylines (pure; tested). */
export function fromElkLayout(result: ElkNode): GraphLayout {
  const nodes: PlacedNode[] = (result.children ?? []).map((child) => ({
    index: Number(child.id.slice(1)),
    x: child.x ?? 0,
    y: child.y ?? 0,
    width: child.width ?? 0,
    height: child.height ?? 0,
  }));
  const edges: PlacedEdge[] = ((result.edges ?? []) as ElkExtendedEdge[]).flatMap((edge) =>
    (edge.sections ?? []).map((section) => ({
      points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].flatMap((p) => [p.x, p.y]),
    })),
  );
  return { nodes, edges, width: result.width ?? 0, height: result.height ?? 0 };
}

let elk: InstanceType<typeof ELK> | null = null;

/** Lays the graph out in the ELK worker; one worker is kept for the page. */
export async function layoutGraph(graph: GraphData, workerUrl = 'elk-worker.min.js'): Promise<GraphLayout> {
  elk ??= new ELK({ workerUrl });
  return fromElkLayout(await elk.layout(toElkGraph(graph)));
}
