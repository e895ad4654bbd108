/**
 * Sidecar scopes (rules.md "Sidecar scope of a workload", "Imported into a scope").
 * Istio source: pilot/pkg/model/sidecar.go and push_context.go (getSidecarScope: the oldest
 * Sidecar selecting the workload, else the namespace default, else the root default,
 * else DefaultSidecarScopeForNamespace importing `*` + `/` + `*`).
 */
import type { K8sObject, NamespaceInfo } from '../snapshot/types.js';
import { compareByAge, parseEgressHost, sidecarEgressHostsOf, workloadSelectorOf, type SidecarEgressHost } from './accessors.js';
import { hostMatches, hostsOverlap } from './hosts.js';
import { isAmbientLabelled } from './injection.js';

export const IMPORT_ALL: SidecarEgressHost = parseEgressHost('*/*');

export type SidecarScopeKind = 'namespace' | 'root' | 'workload' | 'default';

export interface SidecarScope {
  /** Namespace whose workloads use this scope. */
  namespace: string;
  /** namespace: its own Sidecar for every workload (label-less selector, else selector-less); root: the root default; workload: a selector Sidecar; default: none. */
  kind: SidecarScopeKind;
  sidecar?: K8sObject;
  /** Egress hosts; `*` + `/` + `*` when there is no Sidecar or it has no egress section. */
  egressHosts: SidecarEgressHost[];
  /** False when the Sidecar has no egress section (or there is no Sidecar). */
  egressDeclared: boolean;
  workloadSelector?: Record<string, string>;
}

/**
 * rules.md: Sidecars in ambient namespaces have no effect. A namespace that also carries a
 * working sidecar injection label runs sidecars, not ambient (see injection.ts isAmbientLabelled).
 */
export function isAmbientNamespace(info: NamespaceInfo | undefined): boolean {
  return info !== undefined && isAmbientLabelled(info.labels);
}

export function scopeFromSidecar(sidecar: K8sObject, namespace: string, kind: SidecarScopeKind): SidecarScope {
  const hosts = sidecarEgressHostsOf(sidecar);
  return {
    namespace,
    kind,
    sidecar,
    egressHosts: hosts ?? [IMPORT_ALL],
    egressDeclared: hosts !== undefined,
    workloadSelector: workloadSelectorOf(sidecar),
  };
}

export function defaultScope(namespace: string): SidecarScope {
  return { namespace, kind: 'default', egressHosts: [IMPORT_ALL], egressDeclared: false };
}

/**
 * How an egress host's DNS part selects a host (pilot/pkg/model/sidecar.go, the same from 1.22 to
 * 1.30): a service (Kubernetes Service or ServiceEntry, and with it the DestinationRules that
 * configure it) only when its hostname is covered by the egress host (`hostClassification.Matches`:
 * `SubsetOf`, so `*\/api.example.com` does not import a `*.example.com` ServiceEntry); a
 * VirtualService when either covers the other (`VSMatches`: `Matches`, kept bidirectional for
 * backwards compatibility), except those Istio generates from Gateway API mesh routes, which
 * match like services (`useGatewaySemantics`).
 */
export type EgressMatch = 'covered' | 'overlapping';

/** The EgressMatch of an object kind: only VirtualServices overlap. */
export function egressMatchOf(kind: string): EgressMatch {
  return kind === 'VirtualService' ? 'overlapping' : 'covered';
}

/** Does an egress host's DNS part select `host` (see EgressMatch)? */
export function egressDnsMatches(dnsName: string, host: string, match: EgressMatch): boolean {
  return match === 'overlapping' ? hostsOverlap(dnsName, host) : hostMatches(dnsName, host);
}

/** Does one egress host of a scope in `scopeNamespace` import an object of `ownerNamespace` with `host`? */
export function egressHostImports(egress: SidecarEgressHost, scopeNamespace: string, ownerNamespace: string, host: string, match: EgressMatch): boolean {
  // Keywords never match as literal names (an offline object "in namespace ." must not pass for local config).
  const nsMatches =
    egress.namespace === '*' ||
    (egress.namespace === '.' ? ownerNamespace === scopeNamespace : egress.namespace !== '~' && egress.namespace !== '' && egress.namespace === ownerNamespace);
  return nsMatches && egressDnsMatches(egress.dnsName, host, match);
}

/** Does the scope import an object of `ownerNamespace` declaring any of `hosts`? (visibility checked separately) */
export function scopeImportsHosts(scope: SidecarScope, ownerNamespace: string, hosts: readonly string[], match: EgressMatch): boolean {
  for (const egress of scope.egressHosts) for (const host of hosts) if (egressHostImports(egress, scope.namespace, ownerNamespace, host, match)) return true;
  return false;
}

/**
 * What a namespace's scopes import from other namespaces, independent of the namespace's
 * own name: namespaces with the same shape import exactly the same foreign objects. A
 * group shape of ScopeShapes keeps only the `*` egress hosts: its members import the same
 * objects of any owner none of them names. Most tenants of a fleet share a few such shapes
 * (`./*` + root + their own dependencies, `*` + `/` + `*`, no Sidecar), so a question about
 * foreign objects is answered once per shape instead of once per namespace.
 */
export interface ScopeShape {
  /** `declared` or `default` (is the namespace-wide scope a Sidecar?), then the sorted foreign egress hosts. */
  key: string;
  /** The namespace-wide scope comes from a Sidecar (precedence differs without one before Istio 1.24). */
  sidecarDeclared: boolean;
  /** Egress hosts of every scope of the namespace that name `*` or a namespace (not `.`, `~` or a malformed one), sorted, no duplicates. */
  foreignEgress: readonly SidecarEgressHost[];
  /** The namespaces with this shape, sorted; frozen and shared. */
  namespaces: readonly string[];
}

/** Only `*` and named namespaces can import an object of another namespace (`.` means the scope's own). */
function importsFromOtherNamespaces(egress: SidecarEgressHost): boolean {
  return egress.namespace !== '.' && egress.namespace !== '~' && egress.namespace !== '';
}

/**
 * Does a namespace with this shape import an object of `ownerNamespace` declaring any of
 * `hosts`, when `ownerNamespace` is another namespace? Equal to scopeImportsHosts over each
 * of its scopes for any namespace other than the owner (for a group shape: any member whose
 * egress hosts do not name the owner).
 */
export function shapeImportsHosts(shape: ScopeShape, ownerNamespace: string, hosts: readonly string[], match: EgressMatch): boolean {
  for (const egress of shape.foreignEgress) {
    if (egress.namespace !== '*' && egress.namespace !== ownerNamespace) continue;
    for (const host of hosts) if (egressDnsMatches(egress.dnsName, host, match)) return true;
  }
  return false;
}

/**
 * Namespaces grouped for questions about foreign objects. A namespace whose egress hosts name
 * none of the objects' owners (`ns/...`) sees them only through its `*` egress hosts, so
 * `shapes` groups namespaces by those alone (and whether a Sidecar is declared): a few groups
 * per fleet even when every namespace has a Sidecar of its own naming its own dependencies.
 * The namespaces that name an owner are singled out through `namedBy` (see answersByShape).
 */
export interface ScopeShapes {
  /** Groups by `*` egress hosts only: `foreignEgress` holds those, `namespaces` every member. */
  shapes: readonly ScopeShape[];
  /** The full shape of each namespace (every foreign egress host), for questions asked of it alone. */
  shapeOf: ReadonlyMap<string, ScopeShape>;
  /** Namespace -> the grouped namespaces (sorted) whose egress hosts name it. */
  namedBy: ReadonlyMap<string, readonly string[]>;
}

/** A Sidecar with a workloadSelector without labels: Istio's webhook only warns ("will be applied to all services in namespace"). */
export function selectsEveryWorkload(sidecar: K8sObject): boolean {
  const selector = workloadSelectorOf(sidecar);
  return selector !== undefined && Object.keys(selector).length === 0;
}

/** Sidecars of each namespace split by selector, oldest first. */
export class SidecarIndex {
  private readonly defaults = new Map<string, K8sObject[]>();
  private readonly selected = new Map<string, K8sObject[]>();
  /** Scopes per namespace: Sidecars do not change during an evaluation, and rebuilding them re-parses every egress host. */
  private readonly scopesCache = new Map<string, SidecarScope[]>();

  constructor(
    sidecars: K8sObject[],
    private readonly namespaces: Map<string, NamespaceInfo>,
    readonly rootNamespace: string,
  ) {
    for (const sidecar of sidecars) {
      const target = workloadSelectorOf(sidecar) === undefined ? this.defaults : this.selected;
      const list = target.get(sidecar.metadata.namespace) ?? [];
      list.push(sidecar);
      target.set(sidecar.metadata.namespace, list);
    }
    for (const list of [...this.defaults.values(), ...this.selected.values()]) list.sort(compareByAge);
  }

  /**
   * Sidecars whose workloadSelector has no labels, oldest first. Istio keeps them among the
   * selector Sidecars, which it tries before the selector-less ones, and an empty selector is a
   * subset of every workload's labels (push_context.go initSidecarScopes, doGetSidecarScope): the
   * oldest one applies to every workload of its namespace that no older selector Sidecar takes,
   * and the namespace's selector-less Sidecars are never used. It is never the root default
   * (initSidecarScopes requires `WorkloadSelector == nil` for that).
   */
  wideSidecarsOf(namespace: string): K8sObject[] {
    return this.selectorSidecarsOf(namespace).filter(selectsEveryWorkload);
  }

  /** Selector-less Sidecars of a namespace, oldest first (more than one is undefined by the API). */
  defaultSidecarsOf(namespace: string): K8sObject[] {
    return this.defaults.get(namespace) ?? [];
  }

  selectorSidecarsOf(namespace: string): K8sObject[] {
    return this.selected.get(namespace) ?? [];
  }

  isAmbient(namespace: string): boolean {
    return isAmbientNamespace(this.namespaces.get(namespace));
  }

  /** The root default Sidecar (oldest selector-less Sidecar of the root namespace), if any. */
  rootDefault(): K8sObject | undefined {
    return this.defaultSidecarsOf(this.rootNamespace)[0];
  }

  /**
   * The effective Sidecar of namespace N: its oldest Sidecar with a label-less selector, else
   * its oldest selector-less Sidecar, else the root default, else the built-in default (imports
   * everything). Ambient namespaces ignore Sidecars.
   */
  namespaceScope(namespace: string): SidecarScope {
    if (this.isAmbient(namespace)) return defaultScope(namespace);
    const own = this.wideSidecarsOf(namespace)[0] ?? this.defaultSidecarsOf(namespace)[0];
    if (own) return scopeFromSidecar(own, namespace, 'namespace');
    const root = this.rootDefault();
    if (root && !this.isAmbient(this.rootNamespace)) return scopeFromSidecar(root, namespace, 'root');
    return defaultScope(namespace);
  }

  /**
   * Workload-selected scopes of a namespace, oldest first (evaluated on their own): the Sidecars
   * with selector labels older than the namespace's first label-less selector, which takes every
   * workload the older ones leave and so leaves nothing to the newer ones.
   */
  workloadScopes(namespace: string): SidecarScope[] {
    if (this.isAmbient(namespace)) return [];
    const scopes: SidecarScope[] = [];
    for (const sidecar of this.selectorSidecarsOf(namespace)) {
      if (selectsEveryWorkload(sidecar)) break;
      scopes.push(scopeFromSidecar(sidecar, namespace, 'workload'));
    }
    return scopes;
  }

  /** Every scope a namespace's proxies may use: the namespace-wide one first (cached; callers must not modify it). */
  scopesOf(namespace: string): SidecarScope[] {
    let scopes = this.scopesCache.get(namespace);
    if (!scopes) {
      scopes = [this.namespaceScope(namespace), ...this.workloadScopes(namespace)];
      this.scopesCache.set(namespace, scopes);
    }
    return scopes;
  }

  /** The shape of a namespace's scopes (see ScopeShape), without its member list. */
  shapeKeyOf(namespace: string): { key: string; sidecarDeclared: boolean; foreignEgress: SidecarEgressHost[] } {
    const scopes = this.scopesOf(namespace);
    const byRaw = new Map<string, SidecarEgressHost>();
    for (const scope of scopes) for (const egress of scope.egressHosts) if (importsFromOtherNamespaces(egress)) byRaw.set(egress.raw, egress);
    const foreignEgress = [...byRaw.keys()].sort().map((raw) => byRaw.get(raw)!);
    const sidecarDeclared = scopes[0]!.kind !== 'default';
    return { key: `${sidecarDeclared ? 'declared' : 'default'}\n${foreignEgress.map((egress) => egress.raw).join('\n')}`, sidecarDeclared, foreignEgress };
  }

  /** Groups `namespaces` by the shape of their scopes (see ScopeShapes): one pass over the namespaces. */
  groupByShape(namespaces: Iterable<string>): ScopeShapes {
    type Members = { shape: Omit<ScopeShape, 'namespaces'>; namespaces: string[] };
    const full = new Map<string, Members>();
    const byStar = new Map<string, Members>();
    const namedBy = new Map<string, string[]>();
    const add = (groups: Map<string, Members>, shape: Omit<ScopeShape, 'namespaces'>, namespace: string) => {
      const group = groups.get(shape.key);
      if (group) group.namespaces.push(namespace);
      else groups.set(shape.key, { shape, namespaces: [namespace] });
    };
    for (const namespace of namespaces) {
      const shape = this.shapeKeyOf(namespace);
      add(full, shape, namespace);
      const starEgress = shape.foreignEgress.filter((egress) => egress.namespace === '*');
      add(byStar, { key: `${shape.sidecarDeclared ? 'declared' : 'default'}\n${starEgress.map((egress) => egress.raw).join('\n')}`, sidecarDeclared: shape.sidecarDeclared, foreignEgress: starEgress }, namespace);
      for (const named of new Set(shape.foreignEgress.filter((egress) => egress.namespace !== '*').map((egress) => egress.namespace))) {
        if (named === namespace) continue;
        const list = namedBy.get(named);
        if (list) list.push(namespace);
        else namedBy.set(named, [namespace]);
      }
    }
    const complete = (members: Members): ScopeShape => ({ ...members.shape, namespaces: Object.freeze(members.namespaces.sort()) });
    const shapeOf = new Map<string, ScopeShape>();
    for (const members of full.values()) {
      const shape = complete(members);
      for (const namespace of shape.namespaces) shapeOf.set(namespace, shape);
    }
    for (const list of namedBy.values()) list.sort();
    return { shapes: [...byStar.values()].map(complete), shapeOf, namedBy };
  }

  /** The Sidecar a workload with these labels uses (oldest selecting Sidecar, else the namespace scope). */
  scopeForWorkload(namespace: string, labels: Record<string, string>): SidecarScope {
    for (const scope of this.workloadScopes(namespace)) {
      const selector = scope.workloadSelector ?? {};
      if (Object.entries(selector).every(([key, value]) => labels[key] === value)) return scope;
    }
    return this.namespaceScope(namespace);
  }
}

/** Evidence form of a scope. */
export function scopeEvidence(scope: SidecarScope): Record<string, unknown> {
  return {
    kind: scope.kind,
    sidecar: scope.sidecar ? `${scope.sidecar.metadata.namespace}/${scope.sidecar.metadata.name}` : null,
    egressHosts: scope.egressDeclared ? scope.egressHosts.map((host) => host.raw) : ['*/* (no egress section)'],
  };
}

/** One answer of answersByShape and the namespaces (sorted) that gave it. */
export interface ShapeAnswer<T> {
  answer: T;
  namespaces: string[];
}

/**
 * Asks a question about foreign objects of every namespace in `shapes` without a scan of
 * every namespace per question. Namespaces the objects do not single out get one answer per
 * group of `*` egress hosts (asked of one of them, with the group's shape, `singledOut`
 * false): their answer cannot depend on their name. Each `singledOut` namespace (the objects'
 * owners and the namespaces their exportTo names: namespacesSingledOutBy) is asked on its own
 * with its full shape, and so is every namespace whose egress hosts name an owner of a public
 * object (`singledOut.publicOwners`; without it, any singled-out namespace). `undefined` means "no". Cost: O(groups + singled-out namespaces) questions, plus the size
 * of the answers.
 */
export function answersByShape<T>(
  shapes: ScopeShapes,
  singledOut: ReadonlySet<string> & { readonly publicOwners?: ReadonlySet<string> },
  ask: (namespace: string, shape: ScopeShape, singledOut: boolean) => T | undefined,
): ShapeAnswer<T>[] {
  // Naming the owner of a public object (`owner/...`) is how a namespace's view can depend on
  // the owner's name; other objects it sees only when their exportTo names it.
  let asked: ReadonlySet<string> = singledOut;
  for (const namespace of singledOut.publicOwners ?? singledOut) {
    const naming = shapes.namedBy.get(namespace);
    if (!naming) continue;
    if (asked === singledOut) asked = new Set(singledOut);
    for (const name of naming) (asked as Set<string>).add(name);
  }
  const answers: ShapeAnswer<T>[] = [];
  for (const shape of shapes.shapes) {
    const representative = shape.namespaces.find((namespace) => !asked.has(namespace));
    if (representative === undefined) continue;
    const answer = ask(representative, shape, false);
    if (answer !== undefined) answers.push({ answer, namespaces: shape.namespaces.filter((namespace) => !asked.has(namespace)) });
  }
  for (const namespace of [...asked].sort()) {
    const shape = shapes.shapeOf.get(namespace);
    if (!shape) continue;
    const answer = ask(namespace, shape, true);
    if (answer !== undefined) answers.push({ answer, namespaces: [namespace] });
  }
  return answers;
}

/** The namespaces of some answers, sorted. */
export function answeredNamespaces(answers: readonly ShapeAnswer<unknown>[]): string[] {
  return answers.length === 1 ? [...answers[0]!.namespaces] : answers.flatMap((answer) => answer.namespaces).sort();
}
