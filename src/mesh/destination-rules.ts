/**
 * Which DestinationRules a proxy uses for a service (docs/semantics.md "DestinationRules"),
 * read from Istio's source (istio/istio pilot/pkg/model/push_context.go `setDestinationRules`,
 * `destinationRule`, `getExportedDestinationRuleFromNamespace`; config.go
 * `MostSpecificHostMatch`; destination_rule.go `mergeDestinationRule`; sidecar.go
 * `selectDestinationRules`).
 *
 * Istio files every rule (host resolved, a workloadSelector making it private) in up to three
 * indexes: `namespaceLocal[ns]` (exportTo empty, `*`, `.` or its own name: what proxies of ns
 * consult first, whatever else the list says), `exportedByNamespace[ns]` (anything but "only
 * its own namespace") and `rootNamespaceLocal` (root rules private to the root). For a proxy of
 * namespace P and a service of hostname H in namespace S it then looks, stopping at the first
 * answer:
 *
 * 1. P's `namespaceLocal` (for a proxy of the root namespace: `rootNamespaceLocal`);
 * 2. S's `exportedByNamespace`, keeping the rules exported to P;
 * 3. the root namespace's `exportedByNamespace`, keeping the rules exported to P.
 *
 * In each index only the most specific host matching H is looked at (`MostSpecificHostMatch`:
 * the exact host, else the longest wildcard whose suffix ends H; a wildcard service H is only
 * matched by wildcard rules), and the exportTo filter comes after that choice: when S's most
 * specific rule is not exported to P, S's less specific rules are not consulted and the
 * lookup falls through to the root namespace. Several rules of one namespace for the same host
 * are merged or kept side by side (subsets concatenated, the oldest top-level policy wins,
 * rules with a workloadSelector first), so all of them are in the proxy's scope. A rule with a
 * workloadSelector hides the others for the whole namespace even for proxies it does not
 * select (those then get no rule from this lookup).
 */
import { compareByAge } from './accessors.js';
import type { ConfigObject } from './config-objects.js';
import { isExportedTo, reachesOtherNamespaces } from './exportto.js';
import { isWildcard, wildcardSuffix } from './hosts.js';

/** Where PushContext.destinationRule found the rules. */
export type DestinationRuleSource = 'proxy-namespace' | 'service-namespace' | 'root-namespace';

export interface DestinationRuleLookup {
  source: DestinationRuleSource;
  /** The host key that matched (the rules' resolved host). */
  host: string;
  /** The rules used, in Istio's merge order (workload-selected first, then oldest first). */
  rules: readonly ConfigObject[];
}

/** One of Istio's consolidatedDestRules: rules by exact host and by wildcard suffix. */
class RuleBucket {
  private readonly exact = new Map<string, ConfigObject[]>();
  /** Keyed by the wildcard's suffix (`.example.com` for `*.example.com`, `` for `*`). */
  private readonly wildcards = new Map<string, ConfigObject[]>();

  add(host: string, rule: ConfigObject): void {
    const map = isWildcard(host) ? this.wildcards : this.exact;
    const key = isWildcard(host) ? wildcardSuffix(host) : host;
    const list = map.get(key);
    if (list) list.push(rule);
    else map.set(key, [rule]);
  }

  sort(): void {
    for (const map of [this.exact, this.wildcards]) for (const list of map.values()) list.sort(mergeOrder);
  }

  /**
   * MostSpecificHostMatch: the exact host, else the wildcard with the longest suffix ending
   * the name (for a wildcard needle, its own suffix first). Costs O(length of the host).
   */
  mostSpecific(host: string): { host: string; rules: ConfigObject[] } | undefined {
    const lower = host.toLowerCase();
    if (!isWildcard(lower)) {
      const rules = this.exact.get(lower);
      if (rules) return { host: lower, rules };
    }
    if (this.wildcards.size === 0) return undefined;
    const name = isWildcard(lower) ? wildcardSuffix(lower) : lower;
    for (let i = 0; i <= name.length; i++) {
      const rules = this.wildcards.get(name.slice(i));
      if (rules) return { host: `*${name.slice(i)}`, rules };
    }
    return undefined;
  }

  /** Every host key (exact hosts and wildcards as written). */
  *hosts(): Iterable<string> {
    yield* this.exact.keys();
    for (const suffix of this.wildcards.keys()) yield `*${suffix}`;
  }
}

/** sortConfigBySelectorAndCreationTime: rules with a workloadSelector first, then oldest first. */
function mergeOrder(a: ConfigObject, b: ConfigObject): number {
  const sa = a.exportTo.source === 'workload-selector';
  const sb = b.exportTo.source === 'workload-selector';
  if (sa !== sb) return sa ? -1 : 1;
  return compareByAge(a.object, b.object);
}

/** Does a proxy of its own namespace consult this rule first (namespaceLocal)? */
export function isNamespaceLocal(rule: ConfigObject): boolean {
  return isExportedTo(rule.exportTo.scope, rule.namespace, rule.namespace);
}

/**
 * Is the rule in exportedByNamespace? Istio leaves out only a list of exactly one entry, `.` or
 * the rule's own namespace (or no list with a `.` mesh default): `[".", "<own>"]` is filed as
 * exported although it reaches no other namespace, and as the most specific rule there it
 * still hides the namespace's less specific exported ones from every other client.
 */
export function isExportedRule(rule: ConfigObject): boolean {
  if (rule.exportTo.source !== 'resource') return reachesOtherNamespaces(rule.exportTo.scope, rule.namespace);
  const values = new Set(rule.exportTo.values);
  return !(values.size === 1 && (values.has('.') || values.has(rule.namespace)));
}

/**
 * Istio's destinationRuleIndex over every DestinationRule of a snapshot (built once; lookups
 * cost O(length of the host)).
 */
export class DestinationRuleIndex {
  private readonly namespaceLocal = new Map<string, RuleBucket>();
  private readonly exported = new Map<string, RuleBucket>();
  private readonly rootLocal = new RuleBucket();

  constructor(
    rules: Iterable<ConfigObject>,
    readonly rootNamespace: string,
  ) {
    for (const rule of rules) {
      if (rule.kind !== 'DestinationRule') continue;
      const host = rule.hosts[0];
      if (host === undefined) continue;
      if (isNamespaceLocal(rule)) bucketOf(this.namespaceLocal, rule.namespace).add(host, rule);
      if (isExportedRule(rule)) bucketOf(this.exported, rule.namespace).add(host, rule);
      else if (rule.namespace === rootNamespace) this.rootLocal.add(host, rule);
    }
    for (const bucket of [...this.namespaceLocal.values(), ...this.exported.values(), this.rootLocal]) bucket.sort();
  }

  /** Step 1: the rules of the proxy's own namespace for `host` (root proxies: root's private rules). */
  ownRules(proxyNamespace: string, host: string): { host: string; rules: ConfigObject[] } | undefined {
    const bucket = proxyNamespace === this.rootNamespace ? this.rootLocal : this.namespaceLocal.get(proxyNamespace);
    return bucket?.mostSpecific(host);
  }

  /** getExportedDestinationRuleFromNamespace before its exportTo filter: `owner`'s most specific exported rules for `host`. */
  exportedRules(owner: string, host: string): { host: string; rules: ConfigObject[] } | undefined {
    return this.exported.get(owner)?.mostSpecific(host);
  }

  /** getExportedDestinationRuleFromNamespace: those of them exported to `proxyNamespace`. */
  exportedRulesFor(owner: string, host: string, proxyNamespace: string): { host: string; rules: ConfigObject[] } | undefined {
    const found = this.exportedRules(owner, host);
    if (!found) return undefined;
    const rules = found.rules.filter((rule) => isExportedTo(rule.exportTo.scope, rule.namespace, proxyNamespace));
    return rules.length > 0 ? { host: found.host, rules } : undefined;
  }

  /** PushContext.destinationRule(proxyNamespace, service): the rules a proxy uses for a service `host` of `serviceNamespace`. */
  lookup(proxyNamespace: string, host: string, serviceNamespace: string): DestinationRuleLookup | undefined {
    const own = this.ownRules(proxyNamespace, host);
    if (own) return { source: 'proxy-namespace', ...own };
    const fromService = this.exportedRulesFor(serviceNamespace, host, proxyNamespace);
    if (fromService) return { source: 'service-namespace', ...fromService };
    const fromRoot = this.exportedRulesFor(this.rootNamespace, host, proxyNamespace);
    if (fromRoot) return { source: 'root-namespace', ...fromRoot };
    return undefined;
  }

  /** The host keys step 1 consults for proxies of `namespace` (its namespaceLocal rules; root: its private rules). */
  ownHosts(namespace: string): Iterable<string> {
    const bucket = namespace === this.rootNamespace ? this.rootLocal : this.namespaceLocal.get(namespace);
    return bucket ? bucket.hosts() : [];
  }

  /** Every namespace with rules of its own (namespaceLocal; root: its private rules), with their host keys. */
  *ownHostsByNamespace(): Iterable<{ namespace: string; hosts: string[] }> {
    for (const namespace of this.namespaceLocal.keys()) yield { namespace, hosts: [...this.ownHosts(namespace)] };
    if (!this.namespaceLocal.has(this.rootNamespace)) {
      const hosts = [...this.ownHosts(this.rootNamespace)];
      if (hosts.length > 0) yield { namespace: this.rootNamespace, hosts };
    }
  }
}

function bucketOf(map: Map<string, RuleBucket>, namespace: string): RuleBucket {
  let bucket = map.get(namespace);
  if (!bucket) {
    bucket = new RuleBucket();
    map.set(namespace, bucket);
  }
  return bucket;
}
