/**
 * The import graph (rules.md "Imported into a scope"): for a namespace and each of its
 * Sidecar scopes, which foreign ServiceEntries, VirtualServices and DestinationRules its
 * proxies receive.
 *
 * Complexity: objects are indexed once (public ones in a HostIndex, named exports per
 * target namespace). The public part of a scope does not depend on the importing
 * namespace (a `./...` egress host only imports the namespace's own objects, which are not
 * foreign), so it is computed once per distinct Sidecar and shared by every namespace using
 * it (typically the root default). Per namespace the cost is O(owners of the cached public
 * part + objects exported to it by name), never objects x namespaces.
 */
import { isExportedTo } from './exportto.js';
import type { ConfigObject } from './config-objects.js';
import { HostIndex, hostsOverlap } from './hosts.js';
import { scopeImportsHosts, type SidecarIndex, type SidecarScope } from './sidecars.js';

export interface ScopeImports {
  scope: SidecarScope;
  /** Sorted foreign owner namespaces whose objects this scope imports. */
  owners: string[];
  objectCount: number;
  /** Foreign imported objects, oldest owner namespaces first, at most `limit`. */
  listObjects(limit?: number): ConfigObject[];
}

export interface NamespaceImports {
  namespace: string;
  scopes: ScopeImports[];
  /** Union of the scopes' owners, sorted. */
  owners: string[];
}

interface PublicImports {
  byOwner: Map<string, ConfigObject[]>;
  sortedOwners: string[];
  total: number;
}

/** Does `scope` (of scope.namespace) import `config`: exported there and matched by an egress host. */
export function scopeImports(scope: SidecarScope, config: ConfigObject): boolean {
  return isExportedTo(config.exportTo.scope, config.namespace, scope.namespace) && config.appliesToSidecars && scopeImportsHosts(scope, config.namespace, config.hosts);
}

export class ImportGraph {
  private readonly publicIndex = new HostIndex<ConfigObject>();
  private readonly publicByNamespace = new Map<string, ConfigObject[]>();
  private readonly namedTo = new Map<string, ConfigObject[]>();
  private readonly publicCache = new Map<string, PublicImports>();

  /**
   * @param configs every exportable object of the snapshot
   * @param counts which objects are candidates for import (e.g. tenant-owned); Services are never imported config
   */
  constructor(
    configs: ConfigObject[],
    private readonly sidecars: SidecarIndex,
    counts: (config: ConfigObject) => boolean = () => true,
  ) {
    for (const config of configs) {
      if (config.kind === 'Service' || !config.appliesToSidecars || !counts(config)) continue;
      const scope = config.exportTo.scope;
      if (scope.all) {
        for (const host of config.hosts) this.publicIndex.add(host, config);
        pushTo(this.publicByNamespace, config.namespace, config);
        continue;
      }
      for (const target of scope.names) if (target !== config.namespace) pushTo(this.namedTo, target, config);
    }
  }

  private publicImports(scope: SidecarScope): PublicImports {
    const key = scope.sidecar ? `${scope.sidecar.metadata.namespace}/${scope.sidecar.metadata.name}` : '<default>';
    const cached = this.publicCache.get(key);
    if (cached) return cached;
    const seen = new Set<ConfigObject>();
    for (const egress of scope.egressHosts) {
      if (egress.namespace === '*') {
        for (const config of this.publicIndex.overlapping(egress.dnsName)) seen.add(config);
      } else if (egress.namespace !== '.' && egress.namespace !== '~' && egress.namespace !== '') {
        for (const config of this.publicByNamespace.get(egress.namespace) ?? []) {
          if (config.hosts.some((host) => hostsOverlap(egress.dnsName, host))) seen.add(config);
        }
      }
    }
    const byOwner = new Map<string, ConfigObject[]>();
    for (const config of seen) pushTo(byOwner, config.namespace, config);
    const result: PublicImports = { byOwner, sortedOwners: [...byOwner.keys()].sort(), total: seen.size };
    this.publicCache.set(key, result);
    return result;
  }

  /** Foreign objects imported by one scope of `scope.namespace`. */
  scopeImports(scope: SidecarScope): ScopeImports {
    const namespace = scope.namespace;
    const pub = this.publicImports(scope);
    const privateObjects = (this.namedTo.get(namespace) ?? []).filter((config) => scopeImportsHosts(scope, config.namespace, config.hosts));
    const privateOwners = new Set(privateObjects.map((config) => config.namespace));
    // Share the cached list when the namespace owns none of it (no copy per namespace).
    const owners = pub.byOwner.has(namespace) ? pub.sortedOwners.filter((owner) => owner !== namespace) : pub.sortedOwners;
    const extra = [...privateOwners].filter((owner) => !pub.byOwner.has(owner));
    const allOwners = extra.length > 0 ? [...owners, ...extra].sort() : owners;
    const objectCount = pub.total - (pub.byOwner.get(namespace)?.length ?? 0) + privateObjects.length;
    return {
      scope,
      owners: allOwners,
      objectCount,
      listObjects(limit = Number.POSITIVE_INFINITY) {
        const out: ConfigObject[] = [];
        for (const owner of allOwners) {
          for (const config of [...(pub.byOwner.get(owner) ?? []), ...privateObjects.filter((c) => c.namespace === owner)]) {
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
    const owners = scopes.length === 1 ? scopes[0]!.owners : [...new Set(scopes.flatMap((scope) => scope.owners))].sort();
    return { namespace, scopes, owners };
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
