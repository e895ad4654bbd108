/**
 * Sidecar scopes (rules.md "Sidecar scope of a workload", "Imported into a scope").
 * Istio source: pilot/pkg/model/sidecar.go and push_context.go (getSidecarScope: the oldest
 * Sidecar selecting the workload, else the namespace default, else the root default,
 * else DefaultSidecarScopeForNamespace importing `*` + `/` + `*`).
 */
import type { K8sObject, NamespaceInfo } from '../snapshot/types.js';
import { compareByAge, parseEgressHost, sidecarEgressHostsOf, workloadSelectorOf, type SidecarEgressHost } from './accessors.js';
import { hostsOverlap } from './hosts.js';

export const IMPORT_ALL: SidecarEgressHost = parseEgressHost('*/*');

export type SidecarScopeKind = 'namespace' | 'root' | 'workload' | 'default';

export interface SidecarScope {
  /** Namespace whose workloads use this scope. */
  namespace: string;
  /** namespace: its own selector-less Sidecar; root: the root default; workload: a selector Sidecar; default: none. */
  kind: SidecarScopeKind;
  sidecar?: K8sObject;
  /** Egress hosts; `*` + `/` + `*` when there is no Sidecar or it has no egress section. */
  egressHosts: SidecarEgressHost[];
  /** False when the Sidecar has no egress section (or there is no Sidecar). */
  egressDeclared: boolean;
  workloadSelector?: Record<string, string>;
}

/** rules.md: Sidecars in ambient namespaces have no effect. */
export function isAmbientNamespace(info: NamespaceInfo | undefined): boolean {
  return info?.labels['istio.io/dataplane-mode'] === 'ambient';
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

/** Does one egress host of a scope in `scopeNamespace` import an object of `ownerNamespace` with `host`? */
export function egressHostImports(egress: SidecarEgressHost, scopeNamespace: string, ownerNamespace: string, host: string): boolean {
  // Keywords never match as literal names (an offline object "in namespace ." must not pass for local config).
  const nsMatches =
    egress.namespace === '*' ||
    (egress.namespace === '.' ? ownerNamespace === scopeNamespace : egress.namespace !== '~' && egress.namespace !== '' && egress.namespace === ownerNamespace);
  return nsMatches && hostsOverlap(egress.dnsName, host);
}

/** Does the scope import an object of `ownerNamespace` declaring any of `hosts`? (visibility checked separately) */
export function scopeImportsHosts(scope: SidecarScope, ownerNamespace: string, hosts: string[]): boolean {
  for (const egress of scope.egressHosts) for (const host of hosts) if (egressHostImports(egress, scope.namespace, ownerNamespace, host)) return true;
  return false;
}

/** Sidecars of each namespace split by selector, oldest first. */
export class SidecarIndex {
  private readonly defaults = new Map<string, K8sObject[]>();
  private readonly selected = new Map<string, K8sObject[]>();

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
   * The effective Sidecar of namespace N: its oldest selector-less Sidecar, else the root
   * default, else the built-in default (imports everything). Ambient namespaces ignore Sidecars.
   */
  namespaceScope(namespace: string): SidecarScope {
    if (this.isAmbient(namespace)) return defaultScope(namespace);
    const own = this.defaultSidecarsOf(namespace)[0];
    if (own) return scopeFromSidecar(own, namespace, 'namespace');
    const root = this.rootDefault();
    if (root && !this.isAmbient(this.rootNamespace)) return scopeFromSidecar(root, namespace, 'root');
    return defaultScope(namespace);
  }

  /** Workload-selected scopes of a namespace, oldest first (evaluated on their own). */
  workloadScopes(namespace: string): SidecarScope[] {
    if (this.isAmbient(namespace)) return [];
    return this.selectorSidecarsOf(namespace).map((sidecar) => scopeFromSidecar(sidecar, namespace, 'workload'));
  }

  /** Every scope a namespace's proxies may use: the namespace-wide one first. */
  scopesOf(namespace: string): SidecarScope[] {
    return [this.namespaceScope(namespace), ...this.workloadScopes(namespace)];
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
