/**
 * Positions of the exposure graph's nodes and edges, computed when the report is rendered
 * (in Node, not in the browser) by the Eclipse Layout Kernel (elkjs, loaded only here):
 * its layered algorithm puts the namespaces whose configuration reaches in on the left and
 * the namespaces reached on the right, keeps edge crossings low, routes edges around nodes,
 * and packs disconnected parts (and namespaces that reach nobody) into rows, so 3 namespaces
 * and 300 both come out readable. The page then only draws the coordinates: no layout code
 * and no library ships in the HTML.
 *
 * Bounded: at most MAX_DRAWN_NODES namespaces and MAX_DRAWN_EDGES edges are laid out (the
 * most severe edges first, then the namespaces they touch, then the other tenants); the rest
 * are counted, so a 10,000-namespace cluster renders in bounded time and size.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { Severity } from '../../rules/types.js';
import { SEVERITY_ORDER } from '../render/common.js';
import type { ExposureGraph, ExposureEdge } from '../exposure-graph.js';

export const MAX_DRAWN_NODES = 400;
export const MAX_DRAWN_EDGES = 1_500;
/** Longest label drawn in a node; the full name is in its tooltip and the search. */
export const MAX_LABEL_CHARACTERS = 40;
/** Width of one character of the node font (12px monospace) and the node padding. */
const CHARACTER_WIDTH = 7.3;
const NODE_PADDING = 20;
export const NODE_HEIGHT = 26;
const MAX_NODE_HEIGHT = 160;
/** Above this many edges they are drawn as buses. */
const BUS_EDGES = 60;
/** Room per edge along a node's side. */
const EDGE_GAP = 7;

export interface PlacedNode {
  namespace: string;
  /** Drawn label (cut to MAX_LABEL_CHARACTERS). */
  label: string;
  tenant: boolean;
  /** Highest severity among the drawn edges that reach this namespace. */
  reachedAt?: Severity;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  edge: ExposureEdge;
  /** Polyline from the source node's border to the target node's border. */
  points: Array<{ x: number; y: number }>;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** Namespaces (tenants and others) and edges of the graph that were not laid out. */
  omittedNamespaces: number;
  omittedEdges: number;
}

export function nodeLabel(namespace: string): string {
  const chars = [...namespace];
  return chars.length <= MAX_LABEL_CHARACTERS ? namespace : `${chars.slice(0, MAX_LABEL_CHARACTERS - 1).join('')}…`;
}

/** Which namespaces and edges to draw under the bounds: most severe edges first, then quiet tenants. */
export function selectDrawn(graph: ExposureGraph, maxNodes = MAX_DRAWN_NODES, maxEdges = MAX_DRAWN_EDGES): { namespaces: string[]; edges: ExposureEdge[] } {
  const namespaces = new Set<string>();
  const edges: ExposureEdge[] = [];
  for (const edge of graph.edges) {
    if (edges.length >= maxEdges) break;
    const added = (namespaces.has(edge.from) ? 0 : 1) + (namespaces.has(edge.to) ? 0 : 1);
    if (namespaces.size + added > maxNodes) continue;
    namespaces.add(edge.from);
    namespaces.add(edge.to);
    edges.push(edge);
  }
  for (const namespace of graph.tenantNamespaces) {
    if (namespaces.size >= maxNodes) break;
    namespaces.add(namespace);
  }
  return { namespaces: [...namespaces], edges };
}

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '9',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.edgeEdge': '9',
  'elk.spacing.edgeNode': '12',
  'elk.spacing.componentComponent': '28',
  'elk.separateConnectedComponents': 'true',
  'elk.aspectRatio': '1.8',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  // Same input, same picture: input order breaks ties and the random seed is fixed.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Parts in input order too: the most severe edges first, namespaces that reach nobody last.
  'elk.layered.considerModelOrder.components': 'MODEL_ORDER',
  'elk.randomSeed': '1',
};

type ElkConstructor = new () => { layout(graph: ElkNode): Promise<ElkNode> };

/** elkjs is CommonJS (module.exports is the constructor); TypeScript's NodeNext view of it nests a second `default`. */
async function loadElk(): Promise<ElkConstructor> {
  const elkModule = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: ElkConstructor & { default?: ElkConstructor } };
  return elkModule.default.default ?? elkModule.default;
}

export async function layoutExposureGraph(graph: ExposureGraph, bounds: { maxNodes?: number; maxEdges?: number } = {}): Promise<GraphLayout> {
  const drawn = selectDrawn(graph, bounds.maxNodes, bounds.maxEdges);
  const totalNamespaces = graph.tenantNamespaces.length + graph.otherNamespaces.length;
  const omitted = { omittedNamespaces: Math.max(0, totalNamespaces - drawn.namespaces.length), omittedEdges: graph.edges.length - drawn.edges.length + graph.omittedEdges };
  if (drawn.namespaces.length === 0) return { width: 0, height: 0, nodes: [], edges: [], ...omitted };

  // Ids by position, never names: a name is input and means nothing to the layout.
  const idOf = new Map(drawn.namespaces.map((namespace, index) => [namespace, `n${index}`]));
  const tenants = new Set(graph.tenantNamespaces);
  // A node with many edges is taller, so its edges meet it apart instead of on one point.
  const degree = new Map<string, number>();
  for (const edge of drawn.edges) for (const end of [edge.from, edge.to]) degree.set(end, (degree.get(end) ?? 0) + 1);
  const children: ElkNode[] = drawn.namespaces.map((namespace) => ({
    id: idOf.get(namespace)!,
    width: Math.round(NODE_PADDING + [...nodeLabel(namespace)].length * CHARACTER_WIDTH),
    height: Math.min(MAX_NODE_HEIGHT, Math.max(NODE_HEIGHT, EDGE_GAP * ((degree.get(namespace) ?? 0) + 1))),
  }));
  const elkEdges: ElkExtendedEdge[] = drawn.edges.map((edge, index) => ({ id: `e${index}`, sources: [idOf.get(edge.from)!], targets: [idOf.get(edge.to)!] }));

  const ELK = await loadElk();
  // Many edges: those of one node share a trunk (a bus) instead of one staircase step each.
  const layoutOptions = drawn.edges.length > BUS_EDGES ? { ...LAYOUT_OPTIONS, 'elk.layered.mergeEdges': 'true' } : LAYOUT_OPTIONS;
  const result = await new ELK().layout({ id: 'root', layoutOptions, children, edges: elkEdges });

  const reachedAt = new Map<string, Severity>();
  for (const edge of drawn.edges) {
    const current = reachedAt.get(edge.to);
    if (!current || SEVERITY_ORDER[edge.severity] < SEVERITY_ORDER[current]) reachedAt.set(edge.to, edge.severity);
  }
  const placed = new Map((result.children ?? []).map((node) => [node.id, node]));
  const nodes: PlacedNode[] = drawn.namespaces.map((namespace) => {
    const node = placed.get(idOf.get(namespace)!)!;
    return { namespace, label: nodeLabel(namespace), tenant: tenants.has(namespace), reachedAt: reachedAt.get(namespace), x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? NODE_HEIGHT };
  });
  const laidEdges = new Map((result.edges ?? []).map((edge) => [edge.id, edge as ElkExtendedEdge]));
  const edges: PlacedEdge[] = drawn.edges.map((edge, index) => {
    const section = laidEdges.get(`e${index}`)?.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    return { edge, points: points.map(({ x, y }) => ({ x, y })) };
  });
  return { width: Math.ceil(result.width ?? 0), height: Math.ceil(result.height ?? 0), nodes, edges, ...omitted };
}
