import { describe, refOf } from '../../mesh/accessors.js';
import { isExportedTo, reachesOtherNamespaces } from '../../mesh/exportto.js';
import { hostMatches, isWildcard } from '../../mesh/hosts.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence, ISTIO_DOCS, listForMessage, versionEvidence } from './common.js';

/**
 * destinationrule-foreign-host: a DestinationRule in M targets a host owned by another tenant
 * namespace. DestinationRule lookup is client namespace, then the host's namespace, then the
 * root namespace (PushContext.destinationRule, see mesh/destination-rules.ts), so it only
 * affects M's own clients unless M is the root namespace. A rule the lookup never reaches is
 * not reported: one that M's own more specific rule hides, one exported only to other
 * namespaces (M's proxies do not consult it and nobody else does), and a root rule hidden for
 * every client by the clients' own rules or the host owner's exported rule.
 *
 * A wildcard host covering hosts of several namespaces (the usual `*.local` mesh-wide
 * policy) does not target a particular tenant and is not reported.
 */
export const destinationRuleForeignHostRule: Rule = {
  meta: {
    id: 'destinationrule-foreign-host',
    title: "DestinationRule targets another tenant's host",
    category: 'exposure',
    defaultSeverity: 'low',
    rationale:
      "A DestinationRule sets load balancing, TLS and connection policy for a host. In a tenant namespace it only affects that namespace's clients; in the root namespace it is the fallback for every client without a closer rule, so it can weaken TLS or redirect subsets for other tenants.",
    remediation: 'Move the DestinationRule to the namespace that owns the host, or keep it only where the client namespace needs it (not in the root namespace).',
    references: [ISTIO_DOCS.destinationRule, 'https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration'],
    requires: ['DestinationRule', 'ServiceEntry', 'Service'],
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    // Services and ServiceEntries only: a shared host is also declared by many rules and routes.
    const index = model.definitionHostIndex();
    const rules = model.destinationRules();
    const root = model.rootNamespace;
    for (const dr of model.configObjects()) {
      if (dr.kind !== 'DestinationRule') continue;
      const inRoot = dr.namespace === root;
      if (!inRoot && !model.isTenant(dr.namespace)) continue;
      for (const host of dr.hosts) {
        const owners = new Map<string, string>();
        const ownerHosts = new Set<string>();
        const matches = isWildcard(host) ? index.overlapping(host).filter((entry) => entry.host !== host && hostMatches(host, entry.host)) : index.exactly(host);
        for (const { config, host: serviceHost } of matches) {
          if ((config.kind === 'Service' || config.kind === 'ServiceEntry') && config.namespace !== dr.namespace) {
            owners.set(config.namespace, describe(config.object));
            ownerHosts.add(serviceHost);
          }
          // Two owners already decide it (a shared host is defined by many namespaces).
          if (owners.size > 1) break;
        }
        if (owners.size !== 1) continue; // none, or a mesh-wide wildcard policy
        const [owner, target] = [...owners.entries()][0]!;
        if (!model.isTenant(owner)) continue;
        // Does a proxy of `client` use this rule for one of the owner's hosts it covers?
        const usedBy = (client: string) => [...ownerHosts].some((serviceHost) => rules.lookup(client, serviceHost, owner)?.rules.includes(dr) === true);
        // A root rule private to the root namespace (exportTo ".") is in Istio's rootNamespaceLocal
        // index, which only root's own proxies consult (push_context.go setDestinationRules, destinationRule).
        const fallback = inRoot && reachesOtherNamespaces(dr.exportTo.scope, dr.namespace);
        const affected = fallback
          ? model.tenantNamespaces().filter((namespace) => namespace !== owner && isExportedTo(dr.exportTo.scope, dr.namespace, namespace) && usedBy(namespace))
          : usedBy(dr.namespace)
            ? [dr.namespace]
            : [];
        // Hidden everywhere by closer rules (the clients' own, the owner's exported one, a more specific one here).
        if (affected.length === 0) continue;
        results.push({
          severity: fallback ? 'high' : 'low',
          message: fallback
            ? `DestinationRule ${dr.namespace}/${dr.object.metadata.name} in the root namespace targets ${host}, the host of ${target}, and applies to every client namespace that has no closer rule.`
            : `DestinationRule ${dr.namespace}/${dr.object.metadata.name} targets ${host}, the host of ${target}; Istio applies it only to clients in ${dr.namespace} (elsewhere the rules of the client's namespace, ${owner} or the root namespace apply).`,
          namespace: dr.namespace,
          resource: refOf(dr.object),
          affectedNamespaces: affected,
          subjectKey: host,
          evidence: { ...configEvidence(dr), host, hostOwner: owner, target, inRootNamespace: inRoot, rootFallback: fallback, affectedSummary: listForMessage(affected), ...versionEvidence(model) },
          source: dr.object.source,
        });
      }
    }
    return results;
  },
};
