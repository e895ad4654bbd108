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
import { HostIndex, hostMatches, isWildcard } from './hosts.js';
import { egressDnsMatches, egressMatchOf, scopeImportsHosts, type SidecarIndex, type SidecarScope } from './sidecars.js';

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

  /**
   * The union of lists of one importing namespace (its scopes' lists), sharing the storage of
   * the list with the largest shared part instead of copying every owner (issue 19: a
   * namespace with workload-selector Sidecars merged lists of every public owner). A list whose
   * shared part `covers` says the base's holds is read through its extras and the base's hidden
   * owners only; any other list is read whole (their shared parts are small: few `*` egress hosts).
   */
  static union(lists: readonly OwnerList[], covers: (base: readonly string[], other: readonly string[]) => boolean): OwnerList {
    if (lists.length === 1) return lists[0]!;
    let base = lists[0]!;
    for (const list of lists) if (list.shared.length > base.shared.length) base = list;
    if (lists.some((list) => list.excluded !== base.excluded)) return OwnerList.of(lists.flatMap((list) => list.toArray()));
    const extra = new Set(base.extra);
    const unhidden = new Set<string>();
    const add = (owner: string) => {
      if (owner === base.excluded) return;
      if (!sortedHas(base.shared, owner)) extra.add(owner);
      else if (sortedHas(base.hidden, owner)) unhidden.add(owner);
    };
    for (const list of lists) {
      if (list === base) continue;
      for (const owner of list.extra) add(owner);
      if (list.shared === base.shared || covers(base.shared, list.shared)) {
        for (const owner of base.hidden) if (list.has(owner)) unhidden.add(owner);
      } else {
        for (const owner of list.toArray()) add(owner);
      }
    }
    if (extra.size === base.extra.length && unhidden.size === 0) return base;
    return new OwnerList(base.shared, base.excluded, [...extra].sort(), base.hidden.filter((owner) => !unhidden.has(owner)));
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

  /** `Buffer.byteLength(JSON.stringify(toArray()))`, from the shared part's sum (once per part) and this list's differences. */
  jsonBytes(): number {
    let bytes = partJsonBytes(this.shared);
    if (sortedHas(this.shared, this.excluded)) bytes -= jsonStringBytes(this.excluded);
    for (const owner of this.hidden) bytes -= jsonStringBytes(owner);
    for (const owner of this.extra) bytes += jsonStringBytes(owner);
    return jsonListBytes(this.size, bytes);
  }

  /** Does an owner satisfy `matches`? Reads the shared part once per `matches` (partMatches), then at most the hidden owners and the excluded one beyond a match. */
  some(matches: (owner: string) => boolean): boolean {
    if (this.extra.some(matches)) return true;
    for (const owner of partMatches(this.shared, matches)) if (this.inShared(owner)) return true;
    return false;
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

const partBytesCache = new WeakMap<readonly string[], number>();

/** Sum of jsonStringBytes over a shared part's names, once per part (parts are shared by many lists). */
function partJsonBytes(part: readonly string[]): number {
  let bytes = partBytesCache.get(part);
  if (bytes === undefined) {
    bytes = 0;
    for (const name of part) bytes += jsonStringBytes(name);
    partBytesCache.set(part, bytes);
  }
  return bytes;
}

const partMatchesCache = new WeakMap<(name: string) => boolean, WeakMap<readonly string[], readonly string[]>>();

/**
 * The names of a shared part that satisfy `matches` (e.g. a --tenant glob), once per part and
 * predicate: lists made of shared parts are asked about a predicate without reading each part per list.
 */
function partMatches(part: readonly string[], matches: (name: string) => boolean): readonly string[] {
  let byPart = partMatchesCache.get(matches);
  if (!byPart) {
    byPart = new WeakMap();
    partMatchesCache.set(matches, byPart);
  }
  let found = byPart.get(part);
  if (!found) {
    found = part.filter(matches);
    byPart.set(part, found);
  }
  return found;
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

/** See ImportGraph.hiddenStarBase. */
interface HiddenStarBase {
  hidden: ReadonlySet<ConfigObject>;
  countByOwner: ReadonlyMap<string, number>;
  total: number;
  /** Owners every `*` import of which is hidden, sorted. */
  hiddenOwners: readonly string[];
  hiddenOwnerSet: ReadonlySet<string>;
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
  return isExportedTo(config.exportTo.scope, config.namespace, scope.namespace) && config.appliesToSidecars && scopeImportsHosts(scope, config.namespace, config.hosts, egressMatchOf(config.kind));
}

/** Does an egress host with this DNS part select the entry through one of its hosts (EgressMatch of its kind)? */
function entryImportedBy(entry: ImportEntry, dnsName: string): boolean {
  const match = egressMatchOf(entry.config.kind);
  return entry.hosts.some((host) => egressDnsMatches(dnsName, host, match));
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
  /** Contested hostname -> the namespaces that define it and those its definitions export to by name (see singledOutBy). */
  private readonly contestedOwners = new Map<string, Set<string>>();
  private readonly contestedNamed = new Map<string, Set<string>>();
  /** Namespace -> the contested hostnames it defines / whose definitions name it in exportTo. */
  private readonly contestedHostsDefinedBy = new Map<string, string[]>();
  private readonly contestedHostsNaming = new Map<string, string[]>();
  /** Contested hostname -> the public rule entries imported through it. */
  private readonly contestedEntriesByHost = new Map<string, ImportEntry[]>();
  /** `*` egress key and declared-ness -> the scope standing for every scope with them that no definition singles out. */
  private readonly ordinaryScopes = new Map<string, SidecarScope>();
  private readonly ordinaryScopeCache = new WeakMap<SidecarScope, { key: string; scope: SidecarScope }>();
  private readonly deadClassKeys = new Map<string, string>();
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
    for (const [host, definitions] of definitionsByHost) {
      if (definitions.length < 2) continue;
      const owners = new Set(definitions.map((config) => config.namespace));
      if (owners.size < 2) continue;
      this.contestedHosts.set(host, definitions);
      this.contestedOwners.set(host, owners);
      const named = new Set<string>();
      for (const config of definitions) for (const name of config.exportTo.scope.names) named.add(name);
      this.contestedNamed.set(host, named);
      for (const owner of owners) pushTo(this.contestedHostsDefinedBy, owner, host);
      for (const name of named) pushTo(this.contestedHostsNaming, name, host);
    }
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
      for (const host of new Set(hosts)) if (this.contestedHosts.has(host)) pushTo(this.contestedEntriesByHost, host, entry);
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
   *
   * Which definitions a scope sees, and which it picks, depend on its namespace only when the
   * namespace defines the hostname, is named by a definition's exportTo, or names a defining
   * namespace in its egress (singledOutBy). Any other scope sees exactly the public definitions
   * its `*` egress hosts match, and picks among them by kind and age and by whether a Sidecar
   * is declared: it is answered by the ordinary scope of its shape (ordinaryScopeOf), once per
   * shape and hostname instead of once per scope (issue 19).
   */
  definitionNamespace(scope: SidecarScope, host: string): string | undefined {
    const asked = this.singledOutBy(scope, host) ? scope : this.ordinaryScopeOf(scope).scope;
    const cache = this.choicesOf(asked);
    if (cache.has(host)) return cache.get(host);
    this.definitionFilters += 1;
    const candidates = (this.contestedHosts.get(host) ?? []).filter(
      (config) => isExportedTo(config.exportTo.scope, config.namespace, asked.namespace) && scopeImportsHosts(asked, config.namespace, [host], egressMatchOf(config.kind)),
    );
    const namespace = candidates.length === 0 ? undefined : (this.chooseDefinition?.(asked, candidates) ?? candidates[0]!).namespace;
    cache.set(host, namespace);
    return namespace;
  }

  /** How many times definitionNamespace filtered the definitions of a hostname (a guard test counts them). */
  definitionFilters = 0;

  /** Does the choice of `scope` among the definitions of `host` (contested) depend on its namespace? See definitionNamespace. */
  private singledOutBy(scope: SidecarScope, host: string): boolean {
    const owners = this.contestedOwners.get(host);
    if (!owners) return false;
    if (owners.has(scope.namespace) || this.contestedNamed.get(host)!.has(scope.namespace)) return true;
    for (const egress of scope.egressHosts) if (namesNamespace(egress) && owners.has(egress.namespace)) return true;
    return false;
  }

  /**
   * The scope standing for `scope` when no definition singles it out: a namespace no object can
   * belong to or be exported to by name, the same `*` egress hosts, the same declared-ness.
   */
  private ordinaryScopeOf(scope: SidecarScope): { key: string; scope: SidecarScope } {
    let found = this.ordinaryScopeCache.get(scope);
    if (!found) {
      const declared = scope.kind !== 'default';
      const key = `${declared ? 'declared' : 'default'}\n${starKeyOf(scope.egressHosts)}`;
      let ordinary = this.ordinaryScopes.get(key);
      if (!ordinary) {
        ordinary = { namespace: ORDINARY_NAMESPACE, kind: declared ? 'namespace' : 'default', egressHosts: scope.egressHosts.filter((egress) => egress.namespace === '*'), egressDeclared: declared };
        this.ordinaryScopes.set(key, ordinary);
      }
      found = { key, scope: ordinary };
      this.ordinaryScopeCache.set(scope, found);
    }
    return found;
  }

  /** Is every host through which `config` (a rule) would reach `scope` covered by its own rules or defined for it by another namespace? */
  private ruleDeadIn(scope: SidecarScope, config: ConfigObject, hosts: readonly string[], patterns: readonly string[]): boolean {
    if (config.kind !== 'DestinationRule') return false;
    return hosts.every(
      (host) =>
        patterns.some((pattern) => hostMatches(pattern, host)) ||
        (this.chooseDefinition !== undefined && this.contestedHosts.has(host) && this.definitionNamespace(scope, host) !== config.namespace),
    );
  }

  /** Does no scope of `namespace` use `config` (a public rule) through `hosts`? For the public importer index. */
  ruleDeadFor(namespace: string, config: ConfigObject, hosts: readonly string[]): boolean {
    const patterns = this.hidingPatterns(namespace);
    return this.sidecars.scopesOf(namespace).every((scope) => this.ruleDeadIn(scope, config, hosts, patterns));
  }

  /**
   * Namespaces with the same key answer ruleDeadFor alike for every rule whose contested hosts
   * single none of them out (their own-rule patterns cover those hosts, or singledOutBy is
   * false for each of their scopes): the answer depends on the hiding patterns and on the
   * ordinary scopes only.
   */
  deadClassKey(namespace: string): string {
    let key = this.deadClassKeys.get(namespace);
    if (key === undefined) {
      const scopeKeys = [...new Set(this.sidecars.scopesOf(namespace).map((scope) => this.ordinaryScopeOf(scope).key))].sort();
      key = `${this.hidingPatterns(namespace).join('\n')}\u0000${scopeKeys.join('\u0001')}`;
      this.deadClassKeys.set(namespace, key);
    }
    return key;
  }

  /**
   * The namespaces a contested `host` may single out (defining it, named by a definition's
   * exportTo, or naming a defining namespace: a superset of singledOutBy over their scopes)
   * whose own rules do not hide every rule through it: only their ruleDeadFor may differ from
   * their dead class's. Undefined when `host` is not contested.
   */
  singledOutNamespaces(host: string, naming: (owner: string) => Iterable<string>): readonly string[] | undefined {
    const owners = this.contestedOwners.get(host);
    if (!owners) return undefined;
    let found = this.singledOutCache.get(host);
    if (!found) {
      const all = new Set([...owners, ...this.contestedNamed.get(host)!]);
      for (const owner of owners) for (const namespace of naming(owner)) all.add(namespace);
      found = [...all].filter((namespace) => !this.hidingPatterns(namespace).some((pattern) => hostMatches(pattern, host)));
      this.singledOutCache.set(host, found);
    }
    return found;
  }

  private readonly singledOutCache = new Map<string, string[]>();

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
      if (egress.namespace !== '*') continue;
      for (const entry of this.publicIndex.overlapping(egress.dnsName)) if (entryImportedBy(entry, egress.dnsName)) imported.add(entry.config);
    }
    const byOwner = new Map<string, ConfigObject[]>();
    for (const config of imported) pushTo(byOwner, config.namespace, config);
    const result: StarImports = { imported, byOwner, sortedOwners: Object.freeze([...byOwner.keys()].sort()) };
    if (imported.size === this.publicEntryOf.size) this.everyPublicOwner.add(result.sortedOwners);
    this.starCache.set(key, result);
    return result;
  }

  /** Public objects of `egress.namespace` that an `ns/host` egress host imports. */
  private namedImports(egress: SidecarEgressHost): ConfigObject[] {
    let imported = this.namedCache.get(egress.raw);
    if (!imported) {
      imported = [];
      for (const entry of this.publicByNamespace.get(egress.namespace) ?? []) {
        if (entryImportedBy(entry, egress.dnsName)) imported.push(entry.config);
      }
      this.namedCache.set(egress.raw, imported);
    }
    return imported;
  }

  /**
   * The `*` imports of `scope` hidden from scopes with its ordinary scope (definitionNamespace)
   * and own-rule `patterns`, counted per owner: computed once per such pair, not per scope
   * (every contested public rule was checked for every scope; issue 19).
   */
  private hiddenStarBase(scope: SidecarScope, starKey: string, star: StarImports, patterns: readonly string[]): HiddenStarBase {
    const ordinary = this.ordinaryScopeOf(scope);
    const key = `${ordinary.key}\u0000${patterns.join('\n')}`;
    let base = this.hiddenStarBaseCache.get(key);
    if (!base) {
      const hidden = new Set(this.hiddenStarRules(starKey, star, patterns));
      if (this.chooseDefinition) {
        for (const entry of this.contestedPublicEntries) {
          if (star.imported.has(entry.config) && !hidden.has(entry.config) && this.ruleDeadIn(ordinary.scope, entry.config, entry.hosts, patterns)) hidden.add(entry.config);
        }
      }
      const countByOwner = new Map<string, number>();
      for (const config of hidden) countByOwner.set(config.namespace, (countByOwner.get(config.namespace) ?? 0) + 1);
      const hiddenOwners = [...countByOwner].filter(([owner, count]) => count === star.byOwner.get(owner)?.length).map(([owner]) => owner).sort();
      base = { hidden, countByOwner, total: hidden.size, hiddenOwners, hiddenOwnerSet: new Set(hiddenOwners) };
      this.hiddenStarBaseCache.set(key, base);
    }
    return base;
  }

  private readonly hiddenStarBaseCache = new Map<string, HiddenStarBase>();

  /**
   * Contested hostnames that single `scope` out (singledOutBy) and that its own-rule patterns do
   * not cover: only rules through them may be hidden from it otherwise than from its ordinary scope.
   */
  private singlingHosts(scope: SidecarScope, patterns: readonly string[]): Set<string> {
    const hosts = new Set<string>();
    if (this.contestedHosts.size === 0 || !this.chooseDefinition) return hosts;
    const add = (found: readonly string[] | undefined) => {
      for (const host of found ?? []) if (!patterns.some((pattern) => hostMatches(pattern, host))) hosts.add(host);
    };
    add(this.contestedHostsDefinedBy.get(scope.namespace));
    add(this.contestedHostsNaming.get(scope.namespace));
    for (const egress of scope.egressHosts) if (namesNamespace(egress)) add(this.contestedHostsDefinedBy.get(egress.namespace));
    return hosts;
  }

  /** Foreign objects imported by one scope of `scope.namespace`. */
  scopeImports(scope: SidecarScope): ScopeImports {
    const namespace = scope.namespace;
    const starKey = starKeyOf(scope.egressHosts);
    const star = this.starImports(scope.egressHosts);
    // DestinationRules of other namespaces for hosts this namespace has rules of its own for
    // are never consulted by its proxies (Istio's lookup stops at the proxy's namespace).
    const patterns = this.hidingPatterns(namespace);
    const hiddenRule = (config: ConfigObject, hosts: readonly string[]) => this.ruleDeadIn(scope, config, hosts, patterns);
    // The `*` imports hidden from it: public rules its own rules hide, and rules through hostnames
    // several namespaces define whose definition it takes from another namespace. Shared by the
    // scopes with the same ordinary scope and patterns, corrected for the hostnames that single
    // this scope out (usually none).
    const base = this.hiddenStarBase(scope, starKey, star, patterns);
    const corrections = new Map<ConfigObject, boolean>();
    for (const host of this.singlingHosts(scope, patterns)) {
      for (const entry of this.contestedEntriesByHost.get(host) ?? []) {
        if (star.imported.has(entry.config) && !corrections.has(entry.config)) corrections.set(entry.config, hiddenRule(entry.config, entry.hosts));
      }
    }
    const isHidden = (config: ConfigObject) => corrections.get(config) ?? base.hidden.has(config);
    const inStar = (config: ConfigObject) => star.imported.has(config) && !isHidden(config);
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
      if (!inStar(config) && !namedPublic.has(config) && scopeImportsHosts(scope, config.namespace, entry.hosts, egressMatchOf(config.kind)) && !hiddenRule(config, entry.hosts)) privateObjects.add(config);
    }
    const namedPublicByOwner = new Map<string, ConfigObject[]>();
    for (const config of namedPublic) pushTo(namedPublicByOwner, config.namespace, config);
    const privateByOwner = new Map<string, ConfigObject[]>();
    for (const config of privateObjects) pushTo(privateByOwner, config.namespace, config);
    // Owners of the `*` imports whose every imported object is hidden (never the scope's own namespace).
    const delta = new Map<string, number>();
    for (const [config, hidden] of corrections) if (hidden !== base.hidden.has(config)) delta.set(config.namespace, (delta.get(config.namespace) ?? 0) + (hidden ? 1 : -1));
    const hiddenCount = (owner: string) => (base.countByOwner.get(owner) ?? 0) + (delta.get(owner) ?? 0);
    let hiddenOwners = base.hiddenOwners;
    if (delta.size > 0 || base.hiddenOwnerSet.has(namespace)) {
      const owners = new Set(base.hiddenOwners);
      for (const owner of delta.keys()) {
        if (hiddenCount(owner) === star.byOwner.get(owner)?.length) owners.add(owner);
        else owners.delete(owner);
      }
      owners.delete(namespace);
      hiddenOwners = [...owners].sort();
    }
    const hiddenOwnerSet = hiddenOwners === base.hiddenOwners ? base.hiddenOwnerSet : new Set(hiddenOwners);
    const starOwns = (owner: string) => star.byOwner.has(owner) && !hiddenOwnerSet.has(owner);
    const beyondStar = (owners: Iterable<string>) => [...new Set(owners)].filter((owner) => !starOwns(owner)).sort();
    const publicOwnerList = new OwnerList(star.sortedOwners, namespace, beyondStar(namedPublicByOwner.keys()), hiddenOwners);
    const ownerList = new OwnerList(star.sortedOwners, namespace, beyondStar([...namedPublicByOwner.keys(), ...privateByOwner.keys()]), hiddenOwners);
    let hiddenForeign = base.total - hiddenCount(namespace);
    for (const count of delta.values()) hiddenForeign += count;
    const publicObjectCount = star.imported.size - (star.byOwner.get(namespace)?.length ?? 0) - hiddenForeign + namedPublic.size;
    const objectCount = publicObjectCount + privateObjects.size;
    const list = (owners: OwnerList, limit: number, withPrivate: boolean): ConfigObject[] => {
      const out: ConfigObject[] = [];
      // Every listed owner contributes at least one object, so `limit` owners are enough.
      for (const owner of owners.first(limit)) {
        const objects = [...(star.byOwner.get(owner) ?? []).filter((config) => !isHidden(config)), ...(namedPublicByOwner.get(owner) ?? []), ...(withPrivate ? (privateByOwner.get(owner) ?? []) : [])];
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

  /** The union of owner lists of one namespace's scopes (OwnerList.union), without copying the shared parts. */
  ownerUnion(lists: readonly OwnerList[]): OwnerList {
    return OwnerList.union(lists, (base) => this.everyPublicOwner.has(base));
  }

  /** Shared parts (StarImports.sortedOwners) that hold every owner of a public object: they hold every other shared part. */
  private readonly everyPublicOwner = new WeakSet<readonly string[]>();

  /** Every scope of a namespace with what it imports from other namespaces. */
  importsOf(namespace: string): NamespaceImports {
    const scopes = this.sidecars.scopesOf(namespace).map((scope) => this.scopeImports(scope));
    const ownerList = this.ownerUnion(scopes.map((scope) => scope.ownerList));
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
      classKey: (namespace) => this.deadClassKey(namespace),
      singledOut: (host) => this.singledOutNamespaces(host, (owner) => (namingOwner.get(owner) ?? []).map((naming) => naming.namespace)),
    });
  }
}

/** Namespaces (sorted) with the same `*` egress hosts over all their scopes. */
interface ImporterGroup {
  starEgress: SidecarEgressHost[];
  namespaces: string[];
}

/**
 * Who imports one public object: whole sorted parts (importing `*` egress groups, or for a rule
 * through a contested hostname the dead classes of those groups that use it), plus single
 * namespaces, less the hidden ones. `hidden` holds only names of `parts` or `single`, never the
 * owner; `single` holds no name of a part.
 */
interface Importers {
  parts: Set<readonly string[]>;
  /** The part a namespace would belong to. */
  partOf: (namespace: string) => readonly string[] | undefined;
  single: Set<string>;
  hidden: Set<string>;
}

/** Questions about rules through hostnames several namespaces define, answered by the import graph. */
interface HostChoiceQuestions {
  contested: (config: ConfigObject) => boolean;
  deadFor: (namespace: string, config: ConfigObject, hosts: readonly string[]) => boolean;
  /** ImportGraph.deadClassKey. */
  classKey: (namespace: string) => string;
  /** ImportGraph.singledOutNamespaces; undefined for a hostname one namespace defines. */
  singledOut: (host: string) => readonly string[] | undefined;
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
    /** Rules reaching importers through hostnames several namespaces define: decided per dead class and singled-out importer. */
    private readonly hostChoice?: HostChoiceQuestions,
  ) {}

  /** How many times an importer's use of a rule through a contested hostname was decided (a guard test counts them). */
  deadForQuestions = 0;

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

  /** The importers of `config`, computed once per object (asked for the message's count, then for the report's bounded list). */
  private importers(config: ConfigObject): Importers {
    let found = this.importersCache.get(config);
    if (!found) {
      found = this.findImporters(config);
      this.importersCache.set(config, found);
    }
    return found;
  }

  private readonly importersCache = new WeakMap<ConfigObject, Importers>();
  private readonly groupPart = (namespace: string) => this.groupOf.get(namespace)?.namespaces;

  private findImporters(config: ConfigObject): Importers {
    const groups = new Set<ImporterGroup>();
    const naming = new Set<string>();
    const entry = this.publicEntryOf(config);
    if (!entry) return { parts: new Set(), partOf: this.groupPart, single: naming, hidden: new Set() };
    const match = egressMatchOf(config.kind);
    for (const host of entry.hosts) {
      for (const group of this.groupsByEgress.overlapping(host)) {
        if (match === 'overlapping' || group.starEgress.some((egress) => egressDnsMatches(egress.dnsName, host, match))) groups.add(group);
      }
    }
    for (const { namespace, dnsName } of this.namingOwner.get(config.namespace) ?? []) {
      if (naming.has(namespace) || groups.has(this.groupOf.get(namespace)!)) continue;
      if (entry.hosts.some((host) => egressDnsMatches(dnsName, host, match))) naming.add(namespace);
    }
    if (this.hostChoice?.contested(config)) return this.contestedImporters(config, entry.hosts, groups, naming);
    // Importers whose own rules hide this one.
    const hidden = new Set([...this.hiders(config, entry.hosts)].filter((namespace) => naming.has(namespace) || groups.has(this.groupOf.get(namespace)!)));
    return { parts: new Set([...groups].map((group) => group.namespaces)), partOf: this.groupPart, single: naming, hidden };
  }

  /**
   * The importers of a rule through a hostname several namespaces define: whether an importer's
   * proxies use it depends on the definition each of its scopes picks (ImportGraph.ruleDeadFor).
   * Asked once per dead class of each importing group (ImportGraph.deadClassKey), of a member
   * the rule's hosts do not single out, and once per singled-out importer and per namespace
   * naming the owner: not once per importer (issue 19).
   */
  private contestedImporters(config: ConfigObject, hosts: readonly string[], groups: Set<ImporterGroup>, naming: Set<string>): Importers {
    const choice = this.hostChoice!;
    const owner = config.namespace;
    const deadFor = (namespace: string) => {
      this.deadForQuestions += 1;
      return choice.deadFor(namespace, config, hosts);
    };
    const singledOut = new Set<string>();
    for (const host of hosts) for (const namespace of choice.singledOut(host) ?? []) singledOut.add(namespace);
    const classes = this.deadClasses();
    const parts = new Set<readonly string[]>();
    for (const group of groups) {
      for (const members of classes.byGroup.get(group)!) {
        const representative = members.find((namespace) => namespace !== owner && !singledOut.has(namespace));
        if (representative !== undefined && !deadFor(representative)) parts.add(members);
      }
    }
    const partOf = (namespace: string) => classes.classOf.get(namespace);
    const single = new Set<string>();
    const hidden = new Set<string>();
    for (const namespace of naming) {
      single.add(namespace);
      if (deadFor(namespace)) hidden.add(namespace);
    }
    for (const namespace of singledOut) {
      if (namespace === owner || naming.has(namespace) || !groups.has(this.groupOf.get(namespace)!)) continue;
      const dead = deadFor(namespace);
      if (parts.has(partOf(namespace)!)) {
        if (dead) hidden.add(namespace);
      } else if (!dead) single.add(namespace);
    }
    return { parts, partOf, single, hidden };
  }

  /** Each group's members split by ImportGraph.deadClassKey (each class sorted), built on the first contested rule. */
  private deadClasses(): { byGroup: Map<ImporterGroup, Array<readonly string[]>>; classOf: Map<string, readonly string[]> } {
    if (!this.deadClassesCache) {
      const byGroup = new Map<ImporterGroup, Array<readonly string[]>>();
      const classOf = new Map<string, readonly string[]>();
      const groups = new Set(this.groupOf.values());
      for (const group of groups) {
        const byKey = new Map<string, string[]>();
        for (const namespace of group.namespaces) pushTo(byKey, this.hostChoice!.classKey(namespace), namespace);
        const members = [...byKey.values()];
        for (const list of members) for (const namespace of list) classOf.set(namespace, list);
        byGroup.set(group, members);
      }
      this.deadClassesCache = { byGroup, classOf };
    }
    return this.deadClassesCache;
  }

  private deadClassesCache?: { byGroup: Map<ImporterGroup, Array<readonly string[]>>; classOf: Map<string, readonly string[]> };

  /** Namespaces other than the owner whose proxies import `config` (a public object): exact count and the first `limit` names. */
  importersOf(config: ConfigObject, limit = 10): { count: number; sample: string[] } {
    const summary = this.importerSummary(config);
    return { count: summary.size, sample: summary.first(limit) };
  }

  /**
   * The importers of `config` (a public object) as allImportersOf lists them, without listing
   * them: exact size, the first names in sorted order and membership, from the importing parts
   * (each sorted) and the single namespaces. Work follows the number of parts and single
   * namespaces, not the number of importers. Computed on first use.
   */
  importerSummary(config: ConfigObject): { readonly size: number; first(limit: number): string[]; has(namespace: string): boolean; jsonBytes(): number; some(matches: (namespace: string) => boolean): boolean } {
    const owner = config.namespace;
    let found: Importers | undefined;
    const importers = () => (found ??= this.importers(config));
    const ownerInParts = ({ parts, partOf }: Importers) => {
      const part = partOf(owner);
      return part !== undefined && parts.has(part);
    };
    let size: number | undefined;
    return {
      get size() {
        if (size === undefined) {
          const found = importers();
          size = found.single.size - found.hidden.size;
          for (const part of found.parts) size += part.length;
          if (ownerInParts(found)) size -= 1;
        }
        return size;
      },
      first(limit: number): string[] {
        const { parts, single, hidden } = importers();
        const sample: string[] = [...single];
        // Each part is sorted, so its first limit + 1 + hidden names (the owner and hidden ones may be among them) hold its share of the global first `limit`.
        for (const part of parts) for (const namespace of part.slice(0, limit + 1 + hidden.size)) sample.push(namespace);
        return sample.filter((namespace) => namespace !== owner && !hidden.has(namespace)).sort().slice(0, limit);
      },
      has(namespace: string): boolean {
        if (namespace === owner) return false;
        const { parts, partOf, single, hidden } = importers();
        if (hidden.has(namespace)) return false;
        if (single.has(namespace)) return true;
        const part = partOf(namespace);
        return part !== undefined && parts.has(part);
      },
      // Counted as `size` is: the single namespaces and whole parts, less the hidden ones and the owner.
      jsonBytes(): number {
        const found = importers();
        let bytes = 0;
        for (const namespace of found.single) bytes += jsonStringBytes(namespace);
        for (const namespace of found.hidden) bytes -= jsonStringBytes(namespace);
        for (const part of found.parts) bytes += partJsonBytes(part);
        if (ownerInParts(found)) bytes -= jsonStringBytes(owner);
        return jsonListBytes(this.size, bytes);
      },
      // Each part's matching names once per predicate (partMatches); beyond a match, at most the hidden ones and the owner.
      some(matches: (namespace: string) => boolean): boolean {
        const { parts, single, hidden } = importers();
        for (const namespace of single) if (!hidden.has(namespace) && matches(namespace)) return true;
        for (const part of parts) for (const namespace of partMatches(part, matches)) if (namespace !== owner && !hidden.has(namespace)) return true;
        return false;
      },
    };
  }

  /** Every namespace other than the owner whose proxies import `config` (a public object), sorted. */
  allImportersOf(config: ConfigObject): string[] {
    const owner = config.namespace;
    const { parts, single, hidden } = this.importers(config);
    const out: string[] = [...single];
    for (const part of parts) out.push(...part);
    return out.filter((namespace) => namespace !== owner && !hidden.has(namespace)).sort();
  }
}

const EMPTY: ReadonlySet<ConfigObject> = new Set();

/** The namespace of ordinary scopes (ImportGraph.ordinaryScopeOf): not a valid Kubernetes name, so nothing belongs or is exported to it. */
const ORDINARY_NAMESPACE = '\u0000ordinary';

function pushTo<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
