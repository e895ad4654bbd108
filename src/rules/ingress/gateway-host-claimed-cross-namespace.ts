import { compareByAge, refOf } from '../../mesh/accessors.js';
import type { ConfigObject } from '../../mesh/config-objects.js';
import { exportToEvidence } from '../../mesh/exportto.js';
import { isCatchAllHttpRoute, type VirtualHostGroup } from '../../mesh/istio-ingress.js';
import type { Rule, RuleResult } from '../types.js';
import { listForMessage } from '../exposure/common.js';
import { ingressEdge, INGRESS_DOCS, MAX_LISTED, nameOf, uniqueEdges } from './common.js';

interface Claim {
  virtualService: ConfigObject;
  host: string;
  /** Other tenant namespaces whose routes share the virtual host. */
  others: Set<string>;
  mergedWith: Map<string, ConfigObject>;
  gateways: Set<string>;
  routeConfigs: Set<string>;
  proxyNamespaces: Set<string>;
  /** VirtualServices of the virtual host in the order Envoy tries their routes (first group seen). */
  routeOrder: ConfigObject[];
}

/** True when every http route of the VirtualService is a catch-all (tried after all other routes). */
function onlyCatchAll(config: ConfigObject): boolean {
  const routes = Array.isArray(config.object.spec.http) ? config.object.spec.http : [];
  return routes.length > 0 && routes.every(isCatchAllHttpRoute);
}

/**
 * gateway-host-claimed-cross-namespace: on a gateway, VirtualServices of different tenant
 * namespaces bound to the same host are merged into one Envoy virtual host (vHostDedupMap in
 * buildGatewayHTTPRouteConfig), unlike sidecars where one VirtualService per host wins. The
 * newer tenant adds routes to the first tenant's hostname: a longer prefix takes that
 * tenant's paths, and routes are tried private-first, then by age.
 */
export const gatewayHostClaimedCrossNamespaceRule: Rule = {
  meta: {
    id: 'gateway-host-claimed-cross-namespace',
    title: "Tenant adds routes to another tenant's gateway host",
    category: 'ingress',
    defaultSeverity: 'critical',
    rationale:
      "On an ingress gateway every VirtualService bound to the same host is merged into one virtual host. A tenant that binds a VirtualService to another tenant's hostname adds its own routes to that hostname: it can take over paths (a more specific prefix, or routes Envoy tries first), read the requests and answer for the other tenant.",
    remediation:
      'Remove the host from the VirtualService of the tenant that does not own it, and restrict the Gateway server hosts with a namespace prefix (`owner-namespace/host`) so only the owner can bind.',
    references: [INGRESS_DOCS.istioGateway, INGRESS_DOCS.virtualServiceGateways, INGRESS_DOCS.gatewayBestPractices],
    requires: ['Gateway', 'VirtualService', 'ConfigMap'],
  },
  evaluate({ model }) {
    const claims = new Map<string, Claim>();
    const record = (group: VirtualHostGroup) => {
      const tenantBindings = group.bindings.filter((binding) => model.isTenant(binding.virtualService.namespace));
      const namespaces = new Set(tenantBindings.map((binding) => binding.virtualService.namespace));
      if (namespaces.size < 2) return;
      const first = [...tenantBindings].sort((a, b) => compareByAge(a.virtualService.object, b.virtualService.object))[0]!.virtualService.namespace;
      for (const binding of tenantBindings) {
        const config = binding.virtualService;
        if (config.namespace === first) continue;
        const key = `${nameOf(config.object)}\u0000${group.host}`;
        let claim = claims.get(key);
        if (!claim) {
          claim = { virtualService: config, host: group.host, others: new Set(), mergedWith: new Map(), gateways: new Set(), routeConfigs: new Set(), proxyNamespaces: new Set(), routeOrder: group.bindings.map((entry) => entry.virtualService) };
          claims.set(key, claim);
        }
        for (const other of tenantBindings) {
          if (other.virtualService.namespace === config.namespace) continue;
          claim.others.add(other.virtualService.namespace);
          claim.mergedWith.set(nameOf(other.virtualService.object), other.virtualService);
        }
        for (const entry of group.bindings) if (entry.virtualService === config) claim.gateways.add(nameOf(entry.gateway));
        claim.routeConfigs.add(group.routeConfig);
        claim.proxyNamespaces.add(group.proxy.namespace);
      }
    };
    for (const group of model.istioIngress().virtualHosts()) record(group);

    const results: RuleResult[] = [];
    for (const claim of claims.values()) {
      const config = claim.virtualService;
      const others = [...claim.others].sort();
      const merged = [...claim.mergedWith.keys()].sort();
      const specific = claim.routeOrder.filter((entry) => !onlyCatchAll(entry));
      const firstTried = specific[0] ?? claim.routeOrder[0]!;
      const order = firstTried === config ? `the gateway tries ${config.namespace}'s routes first` : `the gateway tries ${nameOf(firstTried.object)} first, then the others`;
      results.push({
        message: `VirtualService ${nameOf(config.object)} adds routes to host ${claim.host} on ${listForMessage([...claim.gateways].sort())}, merged with ${listForMessage(merged.map((name) => `VirtualService ${name}`))} of ${listForMessage(others)}: ${order}, so ${config.namespace} can take requests meant for ${listForMessage(others)}.`,
        namespace: config.namespace,
        resource: refOf(config.object),
        affectedNamespaces: others,
        subjectKey: claim.host,
        evidence: {
          host: claim.host,
          gateways: [...claim.gateways].sort(),
          routeConfigurations: [...claim.routeConfigs].sort(),
          gatewayProxyNamespaces: [...claim.proxyNamespaces].sort(),
          mergedWith: merged.slice(0, MAX_LISTED),
          routeOrder: claim.routeOrder.slice(0, MAX_LISTED).map((entry) => ({ virtualService: nameOf(entry.object), onlyCatchAllRoutes: onlyCatchAll(entry) })),
          ...exportToEvidence(config.exportTo),
          exposureEdges: uniqueEdges(others.map((other) => ingressEdge(config.namespace, other))),
        },
        source: config.object.source,
      });
    }
    return results;
  },
};
