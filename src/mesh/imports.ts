/**
 * The import graph (rules.md "Imported into a scope"): for a namespace and each of its
 * Sidecar scopes, which foreign ServiceEntries, VirtualServices and DestinationRules its
 * proxies receive.
 *
 * DestinationRules are not imported by their own host. Istio attaches them to the services a
 * scope imports: for each imported service, PushContext.destinationRule(proxyNamespace,
 * service) looks in the proxy's namespace, then among the DestinationRules exported by the
 * service's own namespace, then in the root namespace (push_context.go). So a foreign
 * DestinationRule of namespace M reaches a proxy of N only through a Service or ServiceEntry
 * of M that N imports and that the rule's host covers; a rule in a third namespace never
 * leaves its own namespace. See docs/semantics.md "DestinationRules".
 *
 * Complexity: objects are indexed once (public ones in a HostIndex, named exports per
 * target namespace). The public part of a scope does not depend on the importing namespace
 * (a `./...` egress host only imports the namespace's own objects, which are not foreign), so
 * it is computed once per distinct egress host list and shared by every namespace using it.
 * Per namespace the cost is O(objects exported to it by name); the owner list is a view over
 * the shared public owners (OwnerList) and is only materialised on demand.
 */
import type { SidecarEgressHost } from './accessors.js';
import type { ConfigObject } from './config-objects.js';
import { isExportedTo } from './exportto.js';
import { HostIndex, hostMatches, hostsOverlap } from './hosts.js';
import { scopeImportsHosts, type SidecarIndex, type SidecarScope } from './sidecars.js';

/**
 * A sorted list of owner namespaces that shares storage between importing namespaces: the
 * frozen sorted list of owners of a scope's public imports, minus the importing namespace
 * itself, plus the few owners it imports from by name. Without Sidecars every namespace
 * imports from nearly every other one; copying that list per namespace is what made large
 * open meshes slow, so copies are made only by toArray().
 */
export class OwnerList implements Iterable<string> {
  constructor(
    /** Sorted, shared between namespaces; never modified. */
    private readonly shared: readonly string[],
    /** The importing namespace, left out of `shared`. */
    private readonly excluded: string,
    /** Sorted owners not in `shared`. */
    private readonly extra: readonly string[] = [],
  ) {}

  static of(owners: Iterable<string>): OwnerList {
    return new OwnerList([...new Set(owners)].sort(), '', []);
  }

  /** The same list plus `owners` (still sharing the storage of the shared part). */
  with(owners: Iterable<string>): OwnerList {
    const extra = [...new Set([...this.extra, ...owners])].filter((owner) => owner !== this.excluded && !sortedHas(this.shared, owner)).sort();
    return extra.length === this.extra.length ? this : new OwnerList(this.shared, this.excluded, extra);
  }

  get size(): number {
    return this.shared.length - (sortedHas(this.shared, this.excluded) ? 1 : 0) + this.extra.length;
  }

  has(namespace: string): boolean {
    return namespace !== this.excluded && (sortedHas(this.shared, namespace) || sortedHas(this.extra, namespace));
  }

  /** The first `limit` owners in sorted order. */
  first(limit: number): string[] {
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (out.length < limit && (i < this.shared.length || j < this.extra.length)) {
      if (j >= this.extra.length || (i < this.shared.length && this.shared[i]! < this.extra[j]!)) {
        const owner = this.shared[i++]!;
        if (owner !== this.excluded) out.push(owner);
      } else {
        out.push(this.extra[j++]!);
      }
    }
    return out;
  }

  /** A fresh sorted array of every owner. */
  toArray(): string[] {
    return this.first(Number.POSITIVE_INFINITY);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.toArray()[Symbol.iterator]();
  }
}

function sortedHas(list: readonly string[], value: string): boolean {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const item = list[middle]!;
    if (item === value) return true;
    if (item < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

export interface ScopeImports {
  scope: SidecarScope;
  /** Foreign owner namespaces whose objects this scope imports (shared storage; see OwnerList). */
  ownerList: OwnerList;
  /** The same, as a fresh sorted array. */
  readonly owners: string[];
  objectCount: number;
  /** Foreign imported objects, owner namespaces in sorted order, at most `limit`. */
  listObjects(limit?: number): ConfigObject[];
  /** Owners of the objects imported through `*` exports (shared storage). */
  publicOwnerList: OwnerList;
  publicObjectCount: number;
  /** Objects imported through `*` exports, owner namespaces in sorted order, at most `limit`. */
  listPublicObjects(limit?: number): ConfigObject[];
  /** Objects exported to this namespace by name (not `*`) that the scope imports: usually few. */
  namedObjects: readonly ConfigObject[];
}

export interface NamespaceImports {
  namespace: string;
  scopes: ScopeImports[];
  /** Union of the scopes' owners. */
  ownerList: OwnerList;
  /** The same, as a fresh sorted array. */
  readonly owners: string[];
}

/**
 * One importable object and the hosts through which a scope imports it: its own hosts for a
 * ServiceEntry or VirtualService, the hosts of the services it configures for a
 * DestinationRule.
 */
interface ImportEntry {
  config: ConfigObject;
  hosts: string[];
}

interface PublicImports {
  imported: Set<ConfigObject>;
  byOwner: Map<string, ConfigObject[]>;
  /** Sorted and frozen: shared by every namespace using this scope. */
  sortedOwners: readonly string[];
}

/** Does `scope` (of scope.namespace) import the ServiceEntry or VirtualService `config`: exported there and matched by an egress host. */
export function scopeImports(scope: SidecarScope, config: ConfigObject): boolean {
  return isExportedTo(config.exportTo.scope, config.namespace, scope.namespace) && config.appliesToSidecars && scopeImportsHosts(scope, config.namespace, config.hosts);
}

/** The public part of a scope depends only on its egress hosts that can name foreign namespaces. */
function publicKeyOf(egressHosts: SidecarEgressHost[]): string {
  const relevant = egressHosts.filter((egress) => egress.namespace !== '.' && egress.namespace !== '~' && egress.namespace !== '').map((egress) => egress.raw);
  return [...new Set(relevant)].sort().join('\n');
}

export class ImportGraph {
  private readonly publicIndex = new HostIndex<ImportEntry>();
  private readonly publicByNamespace = new Map<string, ImportEntry[]>();
  private readonly namedTo = new Map<string, ImportEntry[]>();
  private readonly publicCache = new Map<string, PublicImports>();
  /** DestinationRules that configure some service of their namespace visible elsewhere. */
  private readonly rulesReachingOthers = new Set<ConfigObject>();

  /**
   * @param configs every exportable object of the snapshot (Services and ServiceEntries are also what DestinationRules attach to)
   * @param counts which objects are candidates for import (e.g. tenant-owned); Services are never imported config
   */
  constructor(
    configs: ConfigObject[],
    private readonly sidecars: SidecarIndex,
    counts: (config: ConfigObject) => boolean = () => true,
  ) {
    const servicesByNamespace = new Map<string, ConfigObject[]>();
    for (const config of configs) if (config.kind === 'Service' || config.kind === 'ServiceEntry') pushTo(servicesByNamespace, config.namespace, config);
    for (const config of configs) {
      if (config.kind === 'Service' || !config.appliesToSidecars || !counts(config)) continue;
      if (config.kind === 'DestinationRule') this.addDestinationRule(config, servicesByNamespace.get(config.namespace) ?? []);
      else this.addEntry({ config, hosts: config.hosts }, config.exportTo.scope.all, config.exportTo.scope.names);
    }
  }

  private addEntry(entry: ImportEntry, isPublic: boolean, namedTargets: Iterable<string>): void {
    if (entry.hosts.length === 0) return;
    if (isPublic) {
      for (const host of entry.hosts) this.publicIndex.add(host, entry);
      pushTo(this.publicByNamespace, entry.config.namespace, entry);
      return;
    }
    for (const target of namedTargets) if (target !== entry.config.namespace) pushTo(this.namedTo, target, entry);
  }

  /**
   * A DestinationRule of M reaches namespace N for a service S of M that its host covers when
   * both the rule and S are exported to N (getExportedDestinationRuleFromNamespace checks
   * the rule's exportTo against the client namespace; N only imports S if S is visible there).
   */
  private addDestinationRule(rule: ConfigObject, servicesOfNamespace: ConfigObject[]): void {
    const owner = rule.namespace;
    const publicHosts: string[] = [];
    const namedHosts = new Map<string, string[]>();
    for (const service of servicesOfNamespace) {
      for (const serviceHost of service.hosts) {
        if (!rule.hosts.some((ruleHost) => hostMatches(ruleHost, serviceHost))) continue;
        if (rule.exportTo.scope.all && service.exportTo.scope.all) {
          publicHosts.push(serviceHost);
          continue;
        }
        for (const target of new Set([...rule.exportTo.scope.names, ...service.exportTo.scope.names])) {
          if (target === owner || !isExportedTo(rule.exportTo.scope, owner, target) || !isExportedTo(service.exportTo.scope, owner, target)) continue;
          pushTo(namedHosts, target, serviceHost);
        }
      }
    }
    this.addEntry({ config: rule, hosts: publicHosts }, true, []);
    for (const [target, hosts] of namedHosts) this.addEntry({ config: rule, hosts }, false, [target]);
    if (publicHosts.length > 0 || namedHosts.size > 0) this.rulesReachingOthers.add(rule);
  }

  /** False when a (counted) DestinationRule can never apply outside its namespace, whatever the Sidecars. */
  destinationRuleReachesOthers(rule: ConfigObject): boolean {
    return this.rulesReachingOthers.has(rule);
  }

  private publicImports(scope: SidecarScope): PublicImports {
    const key = publicKeyOf(scope.egressHosts);
    const cached = this.publicCache.get(key);
    if (cached) return cached;
    const imported = new Set<ConfigObject>();
    for (const egress of scope.egressHosts) {
      if (egress.namespace === '*') {
        for (const entry of this.publicIndex.overlapping(egress.dnsName)) imported.add(entry.config);
      } else if (egress.namespace !== '.' && egress.namespace !== '~' && egress.namespace !== '') {
        for (const entry of this.publicByNamespace.get(egress.namespace) ?? []) {
          if (entry.hosts.some((host) => hostsOverlap(egress.dnsName, host))) imported.add(entry.config);
        }
      }
    }
    const byOwner = new Map<string, ConfigObject[]>();
    for (const config of imported) pushTo(byOwner, config.namespace, config);
    const result: PublicImports = { imported, byOwner, sortedOwners: Object.freeze([...byOwner.keys()].sort()) };
    this.publicCache.set(key, result);
    return result;
  }

  /** Foreign objects imported by one scope of `scope.namespace`. */
  scopeImports(scope: SidecarScope): ScopeImports {
    const namespace = scope.namespace;
    const pub = this.publicImports(scope);
    const privateObjects = new Set<ConfigObject>();
    for (const entry of this.namedTo.get(namespace) ?? []) {
      if (!pub.imported.has(entry.config) && scopeImportsHosts(scope, entry.config.namespace, entry.hosts)) privateObjects.add(entry.config);
    }
    const extraOwners = [...new Set([...privateObjects].map((config) => config.namespace))].filter((owner) => !pub.byOwner.has(owner)).sort();
    const ownerList = new OwnerList(pub.sortedOwners, namespace, extraOwners);
    const publicOwnerList = new OwnerList(pub.sortedOwners, namespace, []);
    const publicObjectCount = pub.imported.size - (pub.byOwner.get(namespace)?.length ?? 0);
    const objectCount = publicObjectCount + privateObjects.size;
    return {
      publicOwnerList,
      publicObjectCount,
      namedObjects: [...privateObjects],
      listPublicObjects(limit = Number.POSITIVE_INFINITY) {
        const out: ConfigObject[] = [];
        for (const owner of publicOwnerList.first(limit)) {
          for (const config of pub.byOwner.get(owner) ?? []) {
            if (out.length >= limit) return out;
            out.push(config);
          }
        }
        return out;
      },
      scope,
      ownerList,
      get owners() {
        return ownerList.toArray();
      },
      objectCount,
      listObjects(limit = Number.POSITIVE_INFINITY) {
        const out: ConfigObject[] = [];
        // Every listed owner contributes at least one object, so `limit` owners are enough.
        for (const owner of ownerList.first(limit)) {
          for (const config of [...(pub.byOwner.get(owner) ?? []), ...[...privateObjects].filter((c) => c.namespace === owner)]) {
            if (out.length >= limit) return out;
            out.push(config);
          }
        }
        return out;
      },
    };
  }

  /** Every scope of a namespace with what it imports from other namespaces. */
  importsOf(namespace: string): NamespaceImports {
    const scopes = this.sidecars.scopesOf(namespace).map((scope) => this.scopeImports(scope));
    const ownerList = scopes.length === 1 ? scopes[0]!.ownerList : OwnerList.of(scopes.flatMap((scope) => scope.ownerList.toArray()));
    return {
      namespace,
      scopes,
      ownerList,
      get owners() {
        return ownerList.toArray();
      },
    };
  }

  /**
   * Which of `namespaces` import a public object, answered for many objects at once: the
   * namespaces are grouped by the public part of their scopes, so an object's importers are
   * a few shared groups, not a scan of every namespace.
   */
  publicImporterIndex(namespaces: readonly string[]): PublicImporterIndex {
    const groups = new Map<PublicImports, string[]>();
    const groupOf = new Map<string, PublicImports>();
    const workloadScopes = new Map<string, PublicImports[]>();
    for (const namespace of [...namespaces].sort()) {
      const [namespaceScope, ...selected] = this.sidecars.scopesOf(namespace);
      const pub = this.publicImports(namespaceScope!);
      pushTo(groups, pub, namespace);
      groupOf.set(namespace, pub);
      if (selected.length > 0) workloadScopes.set(namespace, selected.map((scope) => this.publicImports(scope)));
    }
    return new PublicImporterIndex(groups, groupOf, workloadScopes);
  }
}

/** See ImportGraph.publicImporterIndex. */
export class PublicImporterIndex {
  constructor(
    /** Namespaces (sorted) grouped by the public part of their namespace-wide scope. */
    private readonly groups: Map<PublicImports, string[]>,
    private readonly groupOf: Map<string, PublicImports>,
    /** Public parts of the workload-selected scopes, for the few namespaces that have them. */
    private readonly workloadScopes: Map<string, PublicImports[]>,
  ) {}

  /** Namespaces other than the owner whose proxies import `config` (a public object): exact count and the first `limit` names. */
  importersOf(config: ConfigObject, limit = 10): { count: number; sample: string[] } {
    const owner = config.namespace;
    let count = 0;
    const sample: string[] = [];
    for (const [pub, namespaces] of this.groups) {
      if (!pub.imported.has(config)) continue;
      count += namespaces.length;
      // Each group is sorted, so its first limit + 1 names (the owner may be one) hold its share of the global first `limit`.
      sample.push(...namespaces.slice(0, limit + 1));
    }
    if (this.groupOf.get(owner)?.imported.has(config)) count -= 1;
    for (const [namespace, scopes] of this.workloadScopes) {
      if (namespace === owner || this.groupOf.get(namespace)?.imported.has(config)) continue;
      if (scopes.some((pub) => pub.imported.has(config))) {
        count += 1;
        sample.push(namespace);
      }
    }
    return { count, sample: sample.filter((namespace) => namespace !== owner).sort().slice(0, limit) };
  }

  /** Every namespace other than the owner whose proxies import `config` (a public object), sorted. */
  allImportersOf(config: ConfigObject): string[] {
    const owner = config.namespace;
    const out: string[] = [];
    for (const [pub, namespaces] of this.groups) if (pub.imported.has(config)) out.push(...namespaces);
    for (const [namespace, scopes] of this.workloadScopes) {
      if (!this.groupOf.get(namespace)?.imported.has(config) && scopes.some((pub) => pub.imported.has(config))) out.push(namespace);
    }
    return out.filter((namespace) => namespace !== owner).sort();
  }
}

function pushTo<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
