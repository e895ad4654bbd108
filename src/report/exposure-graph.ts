/**
 * The tenant exposure graph that the HTML and markdown reports draw: namespaces are nodes, and
 * an edge runs from the namespace whose configuration reaches into another namespace's
 * traffic to that namespace. Built from the unsuppressed findings of the rules that prove
 * such a reach, one edge kind per way of reaching:
 *  - imports: the target's proxies import configuration the source owns
 *    (namespace-imports-foreign-config, evidence.foreignOwners);
 *  - hijack: the source holds one of the definitions of a host between which only creation
 *    order decides in the target (host-conflict-cross-namespace: conflictingOwners x
 *    affectedNamespaces);
 *  - shadow: a ServiceEntry of the source declares the host of a Service of the target
 *    (serviceentry-shadows-service, evidence.shadowedService);
 *  - ingress: the source can claim the target's hostnames or routes on a shared gateway.
 * Parallel edges of one kind merge, keeping the highest severity and the finding count.
 *
 * The graph is bounded: in an open mesh every namespace reaches every other one, and a
 * picture of namespaces squared edges helps nobody and does not fit in memory. The most
 * severe edges are kept (up to `maxEdges`) and the rest counted.
 */
import type { Finding, Severity } from '../rules/types.js';
import { summaryOf } from '../rules/list-summary.js';
import { SEVERITY_ORDER } from './render/common.js';

export const EXPOSURE_EDGE_KINDS = ['imports', 'hijack', 'shadow', 'ingress'] as const;
export type ExposureEdgeKind = (typeof EXPOSURE_EDGE_KINDS)[number];

/** Words for each kind, for legends and tooltips: "<from> <verb> <to>". */
export const EXPOSURE_EDGE_VERBS: Record<ExposureEdgeKind, string> = {
  imports: 'exports configuration imported by',
  hijack: 'can take over a host (creation order decides) in',
  shadow: 'shadows a Service of',
  ingress: 'can claim ingress hostnames or routes of',
};

export interface ExposureEdge {
  /** Namespace whose configuration reaches in. */
  from: string;
  /** Namespace whose traffic it reaches. */
  to: string;
  kind: ExposureEdgeKind;
  /** Highest severity among the findings behind this edge. */
  severity: Severity;
  /** Findings behind this edge (exact). */
  findingCount: number;
  /** Ids of the first few of those findings (links from the graph to the findings table). */
  findingIds: string[];
}

export interface ExposureGraph {
  /** Tenant namespaces (every one, exposed or not), sorted. */
  tenantNamespaces: string[];
  /** Namespaces that appear on an edge but are not tenants (shared or system owners). */
  otherNamespaces: string[];
  /** The most severe edges, severity first then from/to/kind. */
  edges: ExposureEdge[];
  /** Distinct edges left out by the bound (at most MAX_COUNTED_OMISSIONS, see omittedEdgesCapped). */
  omittedEdges: number;
  /** True when more edges were left out than were counted: say "more than omittedEdges". */
  omittedEdgesCapped: boolean;
}

export interface ExposureGraphOptions {
  /** Most edges to keep (default DEFAULT_MAX_GRAPH_EDGES). */
  maxEdges?: number;
  /** Distinct omitted edges counted exactly (default MAX_COUNTED_OMISSIONS). */
  maxCountedOmissions?: number;
}

export const DEFAULT_MAX_GRAPH_EDGES = 5_000;
/** Distinct omitted edges counted exactly; past this the count says "more than". */
const MAX_COUNTED_OMISSIONS = 100_000;
const FINDING_IDS_PER_EDGE = 10;

type EdgeSink = (from: string, to: string, kind: ExposureEdgeKind) => void;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Namespace of a `describe()`d object such as "Service team-orders/orders". */
function namespaceOfDescribed(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^\S+ ([^/\s]+)\//.exec(value)?.[1];
}

/**
 * How each rule's finding becomes edges. A rule missing here draws no edge; the ingress rules
 * (kind 'ingress') list theirs in evidence.exposureEdges.
 */
const EDGE_EXTRACTORS: Record<string, (finding: Finding, add: EdgeSink) => void> = {
  'namespace-imports-foreign-config': (finding, add) => {
    for (const owner of strings(finding.evidence.foreignOwners)) add(owner, finding.namespace, 'imports');
  },
  'host-conflict-cross-namespace': (finding, add) => {
    const owners = strings(finding.evidence.conflictingOwners);
    for (const affected of finding.affectedNamespaces) for (const owner of owners) add(owner, affected, 'hijack');
  },
  'serviceentry-shadows-service': (finding, add) => {
    const serviceNamespace = namespaceOfDescribed(finding.evidence.shadowedService);
    if (serviceNamespace) add(finding.namespace, serviceNamespace, 'shadow');
  },
  'gateway-host-claimed-cross-namespace': ingressEdges,
  'route-hostname-conflict-cross-namespace': ingressEdges,
};

/** evidence.exposureEdges of the ingress rules: `{ from, to, kind: 'ingress' }`. */
function ingressEdges(finding: Finding, add: EdgeSink): void {
  const edges = Array.isArray(finding.evidence.exposureEdges) ? (finding.evidence.exposureEdges as unknown[]) : [];
  for (const edge of edges) {
    if (typeof edge !== 'object' || edge === null) continue;
    const { from, to } = edge as Record<string, unknown>;
    if (typeof from === 'string' && typeof to === 'string') add(from, to, 'ingress');
  }
}

/** Rule ids whose findings draw edges (for legends and docs). */
export const EDGE_RULE_IDS: readonly string[] = Object.keys(EDGE_EXTRACTORS);

/** Kept edges by kind and target namespace. */
type KeptEdges = Map<string, ExposureEdge[]>;
const keptKey = (kind: ExposureEdgeKind, to: string) => `${kind}\u0000${to}`;

/**
 * Once the graph is full and the omitted edges are counted past their bound, a finding can only
 * add to the edges already kept (each edge counts its findings, whatever order they come in).
 * For the rules whose edges are a product of two namespace lists (every importer x every owner
 * in an open mesh), these find exactly the kept edges the finding adds to, and how many times,
 * without walking the product: the graph costs the findings' size, not namespaces squared.
 */
const KEPT_EDGE_FINDERS: Record<string, (finding: Finding, kept: KeptEdges, hit: (edge: ExposureEdge) => void) => void> = {
  'namespace-imports-foreign-config': (finding, kept, hit) => {
    const owners = summaryOf(finding.evidence, 'foreignOwners');
    if (!owners) return;
    // One pair per owner of the list (the owner lists hold each namespace once).
    for (const edge of kept.get(keptKey('imports', finding.namespace)) ?? []) if (owners.has(edge.from)) hit(edge);
  },
  'host-conflict-cross-namespace': (finding, kept, hit) => {
    const owners = new Map<string, number>();
    for (const owner of strings(finding.evidence.conflictingOwners)) owners.set(owner, (owners.get(owner) ?? 0) + 1);
    if (owners.size === 0) return;
    for (const affected of finding.affectedNamespaces) {
      for (const edge of kept.get(keptKey('hijack', affected)) ?? []) for (let i = owners.get(edge.from) ?? 0; i > 0; i--) hit(edge);
    }
  },
};

export function exposureGraphOf(findings: readonly Finding[], tenantNamespaces: readonly string[], options: ExposureGraphOptions = {}): ExposureGraph {
  const maxEdges = options.maxEdges ?? DEFAULT_MAX_GRAPH_EDGES;
  const maxOmissions = options.maxCountedOmissions ?? MAX_COUNTED_OMISSIONS;
  const edges = new Map<string, ExposureEdge>();
  const omitted = new Set<string>();
  let omittedCapped = false;
  // Most severe findings first, so the edges kept under the bound are the ones that matter most.
  const relevant = findings.filter((finding) => !finding.suppressed && EDGE_EXTRACTORS[finding.ruleId]);
  relevant.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  let kept: KeptEdges | undefined;
  for (const finding of relevant) {
    const finder = KEPT_EDGE_FINDERS[finding.ruleId];
    if (finder && edges.size >= maxEdges && omittedCapped) {
      if (!kept) {
        kept = new Map();
        for (const edge of edges.values()) {
          const list = kept.get(keptKey(edge.kind, edge.to));
          if (list) list.push(edge);
          else kept.set(keptKey(edge.kind, edge.to), [edge]);
        }
      }
      finder(finding, kept, (edge) => countFinding(edge, finding));
      continue;
    }
    EDGE_EXTRACTORS[finding.ruleId]!(finding, (from, to, kind) => {
      if (!from || !to || from === to) return;
      const key = `${kind}\u0000${from}\u0000${to}`;
      const edge = edges.get(key);
      if (edge) {
        countFinding(edge, finding);
        return;
      }
      if (edges.size >= maxEdges) {
        if (omitted.size < maxOmissions) omitted.add(key);
        else if (!omitted.has(key)) omittedCapped = true;
        return;
      }
      edges.set(key, { from, to, kind, severity: finding.severity, findingCount: 1, findingIds: [finding.findingId] });
    });
  }
  const tenants = new Set(tenantNamespaces);
  const others = new Set<string>();
  for (const edge of edges.values()) {
    if (!tenants.has(edge.from)) others.add(edge.from);
    if (!tenants.has(edge.to)) others.add(edge.to);
  }
  const sorted = [...edges.values()].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind),
  );
  return { tenantNamespaces: [...tenants].sort(compare), otherNamespaces: [...others].sort(compare), edges: sorted, omittedEdges: omitted.size, omittedEdgesCapped: omittedCapped };
}

/** One more finding behind a kept edge. */
function countFinding(edge: ExposureEdge, finding: Finding): void {
  edge.findingCount += 1;
  if (edge.findingIds.length < FINDING_IDS_PER_EDGE && !edge.findingIds.includes(finding.findingId)) edge.findingIds.push(finding.findingId);
  if (SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[edge.severity]) edge.severity = finding.severity;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Highest severity of a list of edges, or undefined for none. */
export function highestSeverity(edges: readonly ExposureEdge[]): Severity | undefined {
  let best: Severity | undefined;
  for (const edge of edges) if (best === undefined || SEVERITY_ORDER[edge.severity] < SEVERITY_ORDER[best]) best = edge.severity;
  return best;
}
