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
 * Complexity: objects are indexed once (public ones in a HostIndex and per owner namespace,
 * named exports per target namespace). A scope's public imports split in two: through
 * `*` + `/` + host egress, which depends only on those egress hosts and is computed once per
 * distinct set of them (a few per fleet, however many namespaces have a Sidecar of their
 * own), and through `ns/host` egress, computed once per egress host from that namespace's
 * public objects only. Per namespace the cost is the size of its answer; the owner list is a
 * view over the shared owners (OwnerList), materialised on demand. Who imports a public
 * object (PublicImporterIndex) is answered from the other side: the `*` egress groups whose
 * hosts overlap the object's, plus the namespaces whose egress names the owner.
 */
import { jsonListBytes, jsonStringBytes } from '../json-bytes.js';
import type { SidecarEgressHost } from './accessors.js';
import type { ConfigObject } from './config-objects.js';
import { DestinationRuleIndex } from './destination-rules.js';
import { isExportedTo } from './exportto.js';
import { HostIndex, hostMatches, hostsOverlap, isWildcard } from './hosts.js';
import { scopeImportsHosts, type SidecarIndex, type SidecarScope } from './sidecars.js';

/**
 * A sorted list of owner namespaces that shares storage between importing namespaces: the
 * frozen sorted list of owners of a scope's public imports, minus the importing namespace
 * itself, plus the few owners it imports from by name. Without Sidecars every namespace
 * imports from nearly every other one; copying that list per namespace is what made large
 * open meshes slow, so copies are made only by toArray().
 */
export class OwnerList implements Iterable<string> {
  /** Sorted owners of `shared` this namespace receives nothing from (every object hidden by its own DestinationRules). */
  private readonly hidden: readonly string[];

  constructor(
    /** Sorted, shared between namespaces; never modified. */
    private readonly shared: readonly string[],
    /** The importing namespace, left out of `shared`. */
    private readonly excluded: string,
    /** Sorted owners not in `shared` (or in `hidden`). */
    private readonly extra: readonly string[] = [],
    hidden: readonly string[] = NO_OWNERS,
  ) {
    this.hidden = hidden.length === 0 ? NO_OWNERS : [...new Set(hidden)].filter((owner) => owner !== excluded && sortedHas(shared, owner)).sort();
  }

  static of(owners: Iterable<string>): OwnerList {
    return new OwnerList([...new Set(owners)].sort(), '', []);
  }

  private inShared(owner: string): boolean {
    return owner !== this.excluded && sortedHas(this.shared, owner) && !sortedHas(this.hidden, owner);
  }

  /** The same list plus `owners` (still sharing the storage of the shared part). */
  with(owners: Iterable<string>): OwnerList {
    const extra = [...new Set([...this.extra, ...owners])].filter((owner) => owner !== this.excluded && !this.inShared(owner)).sort();
    return extra.length === this.extra.length ? this : new OwnerList(this.shared, this.excluded, extra, this.hidden);
  }

  get size(): number {
    return this.shared.length - (sortedHas(this.shared, this.excluded) ? 1 : 0) - this.hidden.length + this.extra.length;
  }

  has(namespace: string): boolean {
    return this.inShared(namespace) || (namespace !== this.excluded && sortedHas(this.extra, namespace));
  }

  /** The first `limit` owners in sorted order. */
  first(limit: number): string[] {
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (out.length < limit && (i < this.shared.length || j < this.extra.length)) {
      if (j >= this.extra.length || (i < this.shared.length && this.shared[i]! < this.extra[j]!)) {
        const owner = this.shared[i++]!;
        if (this.inShared(owner)) out.push(owner);
      } else {
        out.push(this.extra[j++]!);
      }
    }
    return out;
  }

  /**
   * The storage: the shared part (minus `excluded`) and this list's extras. Undefined when the
   * list also leaves out hidden owners of the shared part: a union must then read it whole.
   */
  parts(): { shared: readonly string[]; excluded: string; extra: readonly string[] } | undefined {
    if (this.hidden.length > 0) return undefined;
    return { shared: this.shared, excluded: this.excluded, extra: this.extra };
  }

  /** A fresh sorted array of every owner. */
  toArray(): string[] {
    return this.first(Number.POSITIVE_INFINITY);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.toArray()[Symbol.iterator]();
  }
}

const NO_OWNERS: readonly string[] = Object.freeze([]);

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

/** Public objects imported through the `*` + `/` + host egress of a scope. */
interface StarImports {
  imported: Set<ConfigObject>;
  byOwner: Map<string, ConfigObject[]>;
  /** Sorted and frozen: shared by every scope with the same `*` egress hosts. */
  sortedOwners: readonly string[];
}

/** Does `scope` (of scope.namespace) import the ServiceEntry or VirtualService `config`: exported there and matched by an egress host. */
export function scopeImports(scope: SidecarScope, config: ConfigObject): boolean {
  return isExportedTo(config.exportTo.scope, config.namespace, scope.namespace) && config.appliesToSidecars && scopeImportsHosts(scope, config.namespace, config.hosts);
}

/** An egress host that names a namespace other than by `*` (`.` and `~` never import foreign objects; '' is malformed). */
function namesNamespace(egress: SidecarEgressHost): boolean {
  return egress.namespace !== '*' && egress.namespace !== '.' && egress.namespace !== '~' && egress.namespace !== '';
}

/** What `*` + `/` + host egress imports depends only on those hosts: the sorted, distinct raw hosts. */
function starKeyOf(egressHosts: readonly SidecarEgressHost[]): string {
  const raws = new Set<string>();
  for (const egress of egressHosts) if (egress.namespace === '*') raws.add(egress.raw);
  return [...raws].sort().join('\n');
}

export class ImportGraph {
  private readonly publicIndex = new HostIndex<ImportEntry>();
  private readonly publicByNamespace = new Map<string, ImportEntry[]>();
  private readonly namedTo = new Map<string, ImportEntry[]>();
  /** The public entry of each object that has one (an object has at most one). */
  private readonly publicEntryOf = new Map<ConfigObject, ImportEntry>();
  private readonly starCache = new Map<string, StarImports>();
  /** `ns/host` egress (raw) -> the public objects of ns it imports. */
  private readonly namedCache = new Map<string, ConfigObject[]>();
  /** DestinationRules that configure some service of their namespace visible elsewhere. */
  private readonly rulesReachingOthers = new Set<ConfigObject>();
  /** Every imported DestinationRule entry under the service hosts it is imported through. */
  private readonly ruleEntries = new HostIndex<ImportEntry>();
  /** Own-rule wildcard pattern -> owner namespaces of the rule entries it covers (see hidingPatterns). */
  private readonly coveredOwnersCache = new Map<string, Set<string>>();
  /** `*` egress key + own-rule patterns -> the public rules those patterns hide. */
  private readonly hiddenStarCache = new Map<string, ReadonlySet<ConfigObject>>();
  /** Hostnames that Services or ServiceEntries of several namespaces define, with those definitions. */
  private readonly contestedHosts = new Map<string, ConfigObject[]>();
  /** Public rule entries imported through a contested hostname (see hostDead). */
  private readonly contestedPublicEntries: ImportEntry[] = [];
  readonly destinationRules: DestinationRuleIndex;

  /**
   * @param configs every exportable object of the snapshot (Services and ServiceEntries are also what DestinationRules attach to)
   * @param counts which objects are candidates for import (e.g. tenant-owned); Services are never imported config
   * @param destinationRules Istio's DestinationRule index over every rule of `configs` (built from them when absent)
   * @param chooseDefinition which of several definitions of one hostname visible to a scope its proxies use
   *   (precedence.ts chooseServiceDefinition); without it every definition counts
   */
  constructor(
    configs: ConfigObject[],
    private readonly sidecars: SidecarIndex,
    counts: (config: ConfigObject) => boolean = () => true,
    destinationRules?: DestinationRuleIndex,
    private readonly chooseDefinition?: (scope: SidecarScope, candidates: ConfigObject[]) => ConfigObject | undefined,
  ) {
    this.destinationRules = destinationRules ?? new DestinationRuleIndex(configs, sidecars.rootNamespace);
    const servicesByNamespace = new Map<string, ConfigObject[]>();
    const ruleNamespaces = new Set<string>();
    const definitionsByHost = new Map<string, ConfigObject[]>();
    for (const config of configs) {
      if (config.kind !== 'Service' && config.kind !== 'ServiceEntry') continue;
      pushTo(servicesByNamespace, config.namespace, config);
      for (const host of new Set(config.hosts)) pushTo(definitionsByHost, host, config);
    }
    for (const [host, definitions] of definitionsByHost) if (new Set(definitions.map((config) => config.namespace)).size > 1) this.contestedHosts.set(host, definitions);
    for (const config of configs) {
      if (config.kind === 'Service' || !config.appliesToSidecars || !counts(config)) continue;
      if (config.kind === 'DestinationRule') ruleNamespaces.add(config.namespace);
      else this.addEntry({ config, hosts: config.hosts }, config.exportTo.scope.all, config.exportTo.scope.names);
    }
    for (const namespace of ruleNamespaces) this.addDestinationRules(namespace, servicesByNamespace.get(namespace) ?? [], counts);
  }

  private addEntry(entry: ImportEntry, isPublic: boolean, namedTargets: Iterable<string>): void {
    if (entry.hosts.length === 0) return;
    if (entry.config.kind === 'DestinationRule') for (const host of entry.hosts) this.ruleEntries.add(host, entry);
    if (isPublic) {
      for (const host of entry.hosts) this.publicIndex.add(host, entry);
      pushTo(this.publicByNamespace, entry.config.namespace, entry);
      this.publicEntryOf.set(entry.config, entry);
      return;
    }
    for (const target of namedTargets) if (target !== entry.config.namespace) pushTo(this.namedTo, target, entry);
  }

  /**
   * The DestinationRules of M that reach other namespaces, each under the hosts of M's services
   * it configures there. For a service S of M, only M's most specific exported rules for S's
   * host are consulted (getExportedDestinationRuleFromNamespace after MostSpecificHostMatch);
   * such a rule reaches N when both it and S are exported to N (N only imports S if S is
   * visible there). Whether N's own rules hide it is decided per namespace (hidingPatterns, ruleDeadIn).
   */
  private addDestinationRules(owner: string, servicesOfNamespace: ConfigObject[], counts: (config: ConfigObject) => boolean): void {
    const publicHosts = new Map<ConfigObject, string[]>();
    const namedHosts = new Map<ConfigObject, Map<string, string[]>>();
    for (const service of servicesOfNamespace) {
      for (const serviceHost of service.hosts) {
        const found = this.destinationRules.exportedRules(owner, serviceHost);
        if (!found) continue;
        for (const rule of found.rules) {
          if (!rule.appliesToSidecars || !counts(rule)) continue;
          if (rule.exportTo.scope.all && service.exportTo.scope.all) {
            pushTo(publicHosts, rule, serviceHost);
            continue;
          }
          for (const target of new Set([...rule.exportTo.scope.names, ...service.exportTo.scope.names])) {
            if (target === owner || !isExportedTo(rule.exportTo.scope, owner, target) || !isExportedTo(service.exportTo.scope, owner, target)) continue;
            let byTarget = namedHosts.get(rule);
            if (!byTarget) namedHosts.set(rule, (byTarget = new Map()));
            pushTo(byTarget, target, serviceHost);
          }
        }
      }
    }
    for (const [rule, hosts] of publicHosts) {
      const entry = { config: rule, hosts };
      this.addEntry(entry, true, []);
      if (hosts.some((host) => this.contestedHosts.has(host))) this.contestedPublicEntries.push(entry);
    }
    for (const [rule, byTarget] of namedHosts) for (const [target, hosts] of byTarget) this.addEntry({ config: rule, hosts }, false, [target]);
    for (const rule of [...publicHosts.keys(), ...namedHosts.keys()]) this.rulesReachingOthers.add(rule);
  }

  /**
   * Step 1 of Istio's lookup: a rule of `namespace` itself for a host (its namespaceLocal
   * index) hides every other namespace's rule for it. Own-rule patterns that cover no foreign
   * rule entry change nothing, so the answer depends only on the patterns that do: namespaces
   * with the same ones (usually none) share it.
   */
  private hidingPatterns(namespace: string): string[] {
    // Asked for every (contested rule, importer) pair by the public importer index: once per namespace.
    let cached = this.hidingPatternsCache.get(namespace);
    if (!cached) {
      cached = this.findHidingPatterns(namespace);
      this.hidingPatternsCache.set(namespace, cached);
    }
    return cached;
  }

  private readonly hidingPatternsCache = new Map<string, string[]>();
  /** Scope -> hostname -> namespace of the definition it uses (definitionNamespace), shared by every question about the scope. */
  private readonly definitionChoices = new WeakMap<SidecarScope, Map<string, string | undefined>>();

  private choicesOf(scope: SidecarScope): Map<string, string | undefined> {
    let choices = this.definitionChoices.get(scope);
    if (!choices) {
      choices = new Map();
      this.definitionChoices.set(scope, choices);
    }
    return choices;
  }

  private findHidingPatterns(namespace: string): string[] {
    const out: string[] = [];
    for (const pattern of this.destinationRules.ownHosts(namespace)) {
      if (!isWildcard(pattern)) {
        // An exact host covers few entries (those through that very host): no cache needed.
        if (this.ruleEntries.exactly(pattern).some((entry) => entry.config.namespace !== namespace)) out.push(pattern);
        continue;
      }
      let owners = this.coveredOwnersCache.get(pattern);
      if (!owners) {
        owners = new Set(this.ruleEntries.coveredBy(pattern).map((entry) => entry.config.namespace));
        this.coveredOwnersCache.set(pattern, owners);
      }
      if (owners.size > 1 || (owners.size === 1 && !owners.has(namespace))) out.push(pattern);
    }
    return out.length > 1 ? out.sort() : out;
  }

  /** Is a rule imported through `hosts` hidden by own rules with these patterns (every host covered)? */
  private static hiddenBy(patterns: readonly string[], hosts: readonly string[]): boolean {
    return hosts.every((host) => patterns.some((pattern) => hostMatches(pattern, host)));
  }

  /**
   * A namespace's proxies use one definition per hostname (sidecar.go selectServices; the choice
   * is precedence.ts chooseServiceDefinition's) and look DestinationRules up in that
   * definition's namespace only: a rule of M reaches a scope through a hostname that several
   * namespaces define only when the scope picks M's definition.
   */
  private definitionNamespace(scope: SidecarScope, host: string, cache: Map<string, string | undefined>): string | undefined {
    if (cache.has(host)) return cache.get(host);
    const candidates = (this.contestedHosts.get(host) ?? []).filter(
      (config) => isExportedTo(config.exportTo.scope, config.namespace, scope.namespace) && scopeImportsHosts(scope, config.namespace, [host]),
    );
    const namespace = candidates.length === 0 ? undefined : (this.chooseDefinition?.(scope, candidates) ?? candidates[0]!).namespace;
    cache.set(host, namespace);
    return namespace;
  }

  /** Is every host through which `config` (a rule) would reach `scope` covered by its own rules or defined for it by another namespace? */
  private ruleDeadIn(scope: SidecarScope, config: ConfigObject, hosts: readonly string[], patterns: readonly string[], cache: Map<string, string | undefined>): boolean {
    if (config.kind !== 'DestinationRule') return false;
    return hosts.every(
      (host) =>
        patterns.some((pattern) => hostMatches(pattern, host)) ||
        (this.chooseDefinition !== undefined && this.contestedHosts.has(host) && this.definitionNamespace(scope, host, cache) !== config.namespace),
    );
  }

  /** Does no scope of `namespace` use `config` (a public rule) through `hosts`? For the public importer index. */
  ruleDeadFor(namespace: string, config: ConfigObject, hosts: readonly string[]): boolean {
    const patterns = this.hidingPatterns(namespace);
    return this.sidecars.scopesOf(namespace).every((scope) => this.ruleDeadIn(scope, config, hosts, patterns, this.choicesOf(scope)));
  }

  /** Is `config` a public rule entry some of whose hosts several namespaces define? */
  isContestedRule(config: ConfigObject): boolean {
    const entry = this.publicEntryOf.get(config);
    return entry !== undefined && config.kind === 'DestinationRule' && this.chooseDefinition !== undefined && entry.hosts.some((host) => this.contestedHosts.has(host));
  }

  /** The public rules of `star` that own-rule `patterns` hide (cached per `*` egress and patterns). */
  private hiddenStarRules(starKey: string, star: StarImports, patterns: readonly string[]): ReadonlySet<ConfigObject> {
    if (patterns.length === 0) return EMPTY;
    const key = `${starKey}\u0000${patterns.join('\n')}`;
    let hidden = this.hiddenStarCache.get(key);
    if (!hidden) {
      const found = new Set<ConfigObject>();
      for (const pattern of patterns) {
        for (const entry of this.ruleEntries.coveredBy(pattern)) {
          const config = entry.config;
          if (found.has(config) || !star.imported.has(config)) continue;
          const publicEntry = this.publicEntryOf.get(config);
          if (publicEntry && ImportGraph.hiddenBy(patterns, publicEntry.hosts)) found.add(config);
        }
      }
      hidden = found;
      this.hiddenStarCache.set(key, hidden);
    }
    return hidden;
  }

  /** False when a (counted) DestinationRule can never apply outside its namespace, whatever the Sidecars. */
  destinationRuleReachesOthers(rule: ConfigObject): boolean {
    return this.rulesReachingOthers.has(rule);
  }

  /** Public objects imported through the `*` egress hosts of a scope (shared by every scope with the same ones). */
  private starImports(egressHosts: readonly SidecarEgressHost[]): StarImports {
    const key = starKeyOf(egressHosts);
    const cached = this.starCache.get(key);
    if (cached) return cached;
    const imported = new Set<ConfigObject>();
    for (const egress of egressHosts) {
      if (egress.namespace === '*') for (const entry of this.publicIndex.overlapping(egress.dnsName)) imported.add(entry.config);
    }
    const byOwner = new Map<string, ConfigObject[]>();
    for (const config of imported) pushTo(byOwner, config.namespace, config);
    const result: StarImports = { imported, byOwner, sortedOwners: Object.freeze([...byOwner.keys()].sort()) };
    this.starCache.set(key, result);
    return result;
  }

  /** Public objects of `egress.namespace` that an `ns/host` egress host imports. */
  private namedImports(egress: SidecarEgressHost): ConfigObject[] {
    let imported = this.namedCache.get(egress.raw);
    if (!imported) {
      imported = [];
      for (const entry of this.publicByNamespace.get(egress.namespace) ?? []) {
        if (entry.hosts.some((host) => hostsOverlap(egress.dnsName, host))) imported.push(entry.config);
      }
      this.namedCache.set(egress.raw, imported);
    }
    return imported;
  }

  /** Foreign objects imported by one scope of `scope.namespace`. */
  scopeImports(scope: SidecarScope): ScopeImports {
    const namespace = scope.namespace;
    const starKey = starKeyOf(scope.egressHosts);
    const star = this.starImports(scope.egressHosts);
    // DestinationRules of other namespaces for hosts this namespace has rules of its own for
    // are never consulted by its proxies (Istio's lookup stops at the proxy's namespace).
    const patterns = this.hidingPatterns(namespace);
    const choices = this.choicesOf(scope);
    const hiddenRule = (config: ConfigObject, hosts: readonly string[]) => this.ruleDeadIn(scope, config, hosts, patterns, choices);
    // Public rules reaching the scope through hostnames several namespaces define, whose
    // definition this scope takes from another namespace (usually none: a per-namespace check).
    let hiddenStar = this.hiddenStarRules(starKey, star, patterns);
    if (this.chooseDefinition) {
      const extra: ConfigObject[] = [];
      for (const entry of this.contestedPublicEntries) {
        if (star.imported.has(entry.config) && !hiddenStar.has(entry.config) && hiddenRule(entry.config, entry.hosts)) extra.push(entry.config);
      }
      if (extra.length > 0) hiddenStar = new Set([...hiddenStar, ...extra]);
    }
    const inStar = (config: ConfigObject) => star.imported.has(config) && !hiddenStar.has(config);
    // Public objects it imports through `ns/host` egress beyond the `*` ones, and objects
    // exported to it by name. Never its own objects (not foreign).
    const namedPublic = new Set<ConfigObject>();
    for (const egress of scope.egressHosts) {
      if (!namesNamespace(egress) || egress.namespace === namespace) continue;
      for (const config of this.namedImports(egress)) {
        if (star.imported.has(config) || namedPublic.has(config)) continue;
        if (!hiddenRule(config, this.publicEntryOf.get(config)?.hosts ?? [])) namedPublic.add(config);
      }
    }
    const privateObjects = new Set<ConfigObject>();
    for (const entry of this.namedTo.get(namespace) ?? []) {
      const config = entry.config;
      if (!inStar(config) && !namedPublic.has(config) && scopeImportsHosts(scope, config.namespace, entry.hosts) && !hiddenRule(config, entry.hosts)) privateObjects.add(config);
    }
    const namedPublicByOwner = new Map<string, ConfigObject[]>();
    for (const config of namedPublic) pushTo(namedPublicByOwner, config.namespace, config);
    const privateByOwner = new Map<string, ConfigObject[]>();
    for (const config of privateObjects) pushTo(privateByOwner, config.namespace, config);
    // Owners of the `*` imports whose every imported object is hidden.
    const hiddenOwners: string[] = [];
    const hiddenByOwner = new Map<string, number>();
    for (const config of hiddenStar) if (config.namespace !== namespace) hiddenByOwner.set(config.namespace, (hiddenByOwner.get(config.namespace) ?? 0) + 1);
    for (const [owner, count] of hiddenByOwner) if (count === star.byOwner.get(owner)?.length) hiddenOwners.push(owner);
    const starOwns = (owner: string) => star.byOwner.has(owner) && !hiddenOwners.includes(owner);
    const beyondStar = (owners: Iterable<string>) => [...new Set(owners)].filter((owner) => !starOwns(owner)).sort();
    const publicOwnerList = new OwnerList(star.sortedOwners, namespace, beyondStar(namedPublicByOwner.keys()), hiddenOwners);
    const ownerList = new OwnerList(star.sortedOwners, namespace, beyondStar([...namedPublicByOwner.keys(), ...privateByOwner.keys()]), hiddenOwners);
    let hiddenForeign = 0;
    for (const count of hiddenByOwner.values()) hiddenForeign += count;
    const publicObjectCount = star.imported.size - (star.byOwner.get(namespace)?.length ?? 0) - hiddenForeign + namedPublic.size;
    const objectCount = publicObjectCount + privateObjects.size;
    const list = (owners: OwnerList, limit: number, withPrivate: boolean): ConfigObject[] => {
      const out: ConfigObject[] = [];
      // Every listed owner contributes at least one object, so `limit` owners are enough.
      for (const owner of owners.first(limit)) {
        const objects = [...(star.byOwner.get(owner) ?? []).filter((config) => !hiddenStar.has(config)), ...(namedPublicByOwner.get(owner) ?? []), ...(withPrivate ? (privateByOwner.get(owner) ?? []) : [])];
        for (const config of objects) {
          if (out.length >= limit) return out;
          out.push(config);
        }
      }
      return out;
    };
    return {
      publicOwnerList,
      publicObjectCount,
      namedObjects: [...privateObjects],
      listPublicObjects(limit = Number.POSITIVE_INFINITY) {
        return list(publicOwnerList, limit, false);
      },
      scope,
      ownerList,
      get owners() {
        return ownerList.toArray();
      },
      objectCount,
      listObjects(limit = Number.POSITIVE_INFINITY) {
        return list(ownerList, limit, true);
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
   * Which of `namespaces` import a public object, answered for many objects at once. A
   * namespace other than the owner imports it through a `*` egress host overlapping one of
   * its hosts, or through an egress host naming the owner. The namespaces are grouped by their
   * `*` egress hosts (all scopes together), and those hosts indexed, so an object's importers
   * are a few shared groups plus the namespaces that name its owner: no scan of every
   * namespace or group per object.
   */
  publicImporterIndex(namespaces: readonly string[]): PublicImporterIndex {
    const groups = new Map<string, ImporterGroup>();
    const groupOf = new Map<string, ImporterGroup>();
    const namingOwner = new Map<string, Array<{ namespace: string; dnsName: string }>>();
    for (const namespace of [...namespaces].sort()) {
      const egressHosts = this.sidecars.scopesOf(namespace).flatMap((scope) => scope.egressHosts);
      const key = starKeyOf(egressHosts);
      let group = groups.get(key);
      if (!group) {
        group = { starEgress: egressHosts.filter((egress) => egress.namespace === '*'), namespaces: [] };
        groups.set(key, group);
      }
      group.namespaces.push(namespace);
      groupOf.set(namespace, group);
      for (const egress of egressHosts) {
        if (namesNamespace(egress) && egress.namespace !== namespace) pushTo(namingOwner, egress.namespace, { namespace, dnsName: egress.dnsName });
      }
    }
    const groupsByEgress = new HostIndex<ImporterGroup>();
    for (const group of groups.values()) for (const egress of group.starEgress) groupsByEgress.add(egress.dnsName, group);
    // Own DestinationRule hosts of these namespaces: a namespace with a rule of its own for a host never uses another's.
    const ownRuleHosts = new HostIndex<string>();
    for (const { namespace, hosts } of this.destinationRules.ownHostsByNamespace()) {
      if (groupOf.has(namespace)) for (const host of hosts) ownRuleHosts.add(host, namespace);
    }
    return new PublicImporterIndex((config) => this.publicEntryOf.get(config), groupsByEgress, groupOf, namingOwner, ownRuleHosts, {
      contested: (config) => this.isContestedRule(config),
      deadFor: (namespace, config, hosts) => this.ruleDeadFor(namespace, config, hosts),
    });
  }
}

/** Namespaces (sorted) with the same `*` egress hosts over all their scopes. */
interface ImporterGroup {
  starEgress: SidecarEgressHost[];
  namespaces: string[];
}

/** See ImportGraph.publicImporterIndex. */
export class PublicImporterIndex {
  constructor(
    private readonly publicEntryOf: (config: ConfigObject) => ImportEntry | undefined,
    /** Each group under each of its `*` egress hosts. */
    private readonly groupsByEgress: HostIndex<ImporterGroup>,
    private readonly groupOf: Map<string, ImporterGroup>,
    /** Owner namespace -> the namespaces whose egress names it, with the host they name. */
    private readonly namingOwner: Map<string, Array<{ namespace: string; dnsName: string }>>,
    /** Host keys of each namespace's own DestinationRules (step 1 of Istio's lookup). */
    private readonly ownRuleHosts: HostIndex<string> = new HostIndex(),
    /** Rules reaching importers through hostnames several namespaces define: decided per importer. */
    private readonly hostChoice?: { contested: (config: ConfigObject) => boolean; deadFor: (namespace: string, config: ConfigObject, hosts: readonly string[]) => boolean },
  ) {}

  /** Namespaces whose own DestinationRules cover every host `config` (a rule) is imported through: they never use it. */
  private hiders(config: ConfigObject, hosts: readonly string[]): Set<string> {
    if (config.kind !== 'DestinationRule' || hosts.length === 0) return new Set();
    let out: Set<string> | undefined;
    for (const host of hosts) {
      const covering = new Set(this.ownRuleHosts.matching(host));
      out = out ? new Set([...out].filter((namespace) => covering.has(namespace))) : covering;
      if (out.size === 0) break;
    }
    out?.delete(config.namespace);
    return out ?? new Set();
  }

  /** The groups importing `config` through `*` egress, and the other namespaces importing it by naming its owner. */
  private importers(config: ConfigObject): { groups: Set<ImporterGroup>; naming: Set<string>; hidden: Set<string> } {
    // Asked twice per flagged object (the message's count, then the report's bounded list): computed once.
    let found = this.importersCache.get(config);
    if (!found) {
      found = this.findImporters(config);
      this.importersCache.set(config, found);
    }
    return found;
  }

  private readonly importersCache = new WeakMap<ConfigObject, { groups: Set<ImporterGroup>; naming: Set<string>; hidden: Set<string> }>();

  private findImporters(config: ConfigObject): { groups: Set<ImporterGroup>; naming: Set<string>; hidden: Set<string> } {
    const groups = new Set<ImporterGroup>();
    const naming = new Set<string>();
    const entry = this.publicEntryOf(config);
    if (!entry) return { groups, naming, hidden: new Set() };
    for (const host of entry.hosts) for (const group of this.groupsByEgress.overlapping(host)) groups.add(group);
    for (const { namespace, dnsName } of this.namingOwner.get(config.namespace) ?? []) {
      if (naming.has(namespace) || groups.has(this.groupOf.get(namespace)!)) continue;
      if (entry.hosts.some((host) => hostsOverlap(dnsName, host))) naming.add(namespace);
    }
    // Importers whose own rules hide this one (or, through a hostname several namespaces define, that use another's definition).
    let hidden: Set<string>;
    if (this.hostChoice?.contested(config)) {
      const candidates = [...naming, ...[...groups].flatMap((group) => group.namespaces)].filter((namespace) => namespace !== config.namespace);
      hidden = new Set(candidates.filter((namespace) => this.hostChoice!.deadFor(namespace, config, entry.hosts)));
    } else {
      hidden = new Set([...this.hiders(config, entry.hosts)].filter((namespace) => naming.has(namespace) || groups.has(this.groupOf.get(namespace)!)));
    }
    return { groups, naming, hidden };
  }

  /** Namespaces other than the owner whose proxies import `config` (a public object): exact count and the first `limit` names. */
  importersOf(config: ConfigObject, limit = 10): { count: number; sample: string[] } {
    const summary = this.importerSummary(config);
    return { count: summary.size, sample: summary.first(limit) };
  }

  /**
   * The importers of `config` (a public object) as allImportersOf lists them, without listing
   * them: exact size, the first names in sorted order and membership, from the importing groups
   * (each sorted) and the namespaces naming the owner. Work follows the number of groups and
   * naming namespaces, not the number of importers. Computed on first use.
   */
  importerSummary(config: ConfigObject): { readonly size: number; first(limit: number): string[]; has(namespace: string): boolean; jsonBytes(): number } {
    const owner = config.namespace;
    const groupOf = this.groupOf;
    const groupBytes = (group: ImporterGroup) => this.groupJsonBytes(group);
    let found: { groups: Set<ImporterGroup>; naming: Set<string>; hidden: Set<string> } | undefined;
    const importers = () => (found ??= this.importers(config));
    let size: number | undefined;
    return {
      get size() {
        if (size === undefined) {
          const { groups, naming, hidden } = importers();
          size = naming.size - hidden.size;
          for (const group of groups) size += group.namespaces.length;
          if (groups.has(groupOf.get(owner)!)) size -= 1;
        }
        return size;
      },
      first(limit: number): string[] {
        const { groups, naming, hidden } = importers();
        const sample: string[] = [...naming];
        // Each group is sorted, so its first limit + 1 + hidden names (the owner and hidden ones may be among them) hold its share of the global first `limit`.
        for (const group of groups) for (const namespace of group.namespaces.slice(0, limit + 1 + hidden.size)) sample.push(namespace);
        return sample.filter((namespace) => namespace !== owner && !hidden.has(namespace)).sort().slice(0, limit);
      },
      has(namespace: string): boolean {
        if (namespace === owner) return false;
        const { groups, naming, hidden } = importers();
        if (hidden.has(namespace)) return false;
        const group = groupOf.get(namespace);
        return naming.has(namespace) || (group !== undefined && groups.has(group));
      },
      // Counted as `size` is: the naming namespaces and whole groups, less the hidden ones and the owner.
      jsonBytes(): number {
        const { groups, naming, hidden } = importers();
        let bytes = 0;
        for (const namespace of naming) bytes += jsonStringBytes(namespace);
        for (const namespace of hidden) bytes -= jsonStringBytes(namespace);
        for (const group of groups) bytes += groupBytes(group);
        if (groups.has(groupOf.get(owner)!)) bytes -= jsonStringBytes(owner);
        return jsonListBytes(this.size, bytes);
      },
    };
  }

  /** Sum of the JSON bytes of a group's names, once per group (groups are shared by many objects). */
  private groupJsonBytes(group: ImporterGroup): number {
    let bytes = this.groupBytesCache.get(group);
    if (bytes === undefined) {
      bytes = 0;
      for (const namespace of group.namespaces) bytes += jsonStringBytes(namespace);
      this.groupBytesCache.set(group, bytes);
    }
    return bytes;
  }

  private readonly groupBytesCache = new WeakMap<ImporterGroup, number>();

  /** Every namespace other than the owner whose proxies import `config` (a public object), sorted. */
  allImportersOf(config: ConfigObject): string[] {
    const owner = config.namespace;
    const { groups, naming, hidden } = this.importers(config);
    const out: string[] = [...naming];
    for (const group of groups) out.push(...group.namespaces);
    return out.filter((namespace) => namespace !== owner && !hidden.has(namespace)).sort();
  }
}

const EMPTY: ReadonlySet<ConfigObject> = new Set();

function pushTo<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
