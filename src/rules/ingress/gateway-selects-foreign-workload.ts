import { refOf } from '../../mesh/accessors.js';
import { gatewaySelectorOf, SCOPE_GATEWAY_ENV, type GatewayWorkload } from '../../mesh/gateway-workloads.js';
import { OwnerList } from '../../mesh/imports.js';
import type { ProxyClass } from '../../mesh/istio-ingress.js';
import { withListSummary } from '../list-summary.js';
import type { Rule, RuleResult } from '../types.js';
import { listForMessage } from '../exposure/common.js';
import { INGRESS_DOCS, MAX_LISTED, nameOf } from './common.js';

/**
 * gateway-selects-foreign-workload: a Gateway in a tenant namespace whose selector (or lack
 * of one) matches gateway proxies of another namespace. Unless istiod scopes Gateways to
 * their namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE, default false), mergeGateways adds its
 * servers to those proxies: the tenant adds listeners, hosts and TLS settings to the shared
 * ingress and can bind its VirtualServices there without the platform's Gateway.
 */
export const gatewaySelectsForeignWorkloadRule: Rule = {
  meta: {
    id: 'gateway-selects-foreign-workload',
    title: "Tenant Gateway configures another namespace's gateway proxies",
    category: 'ingress',
    defaultSeverity: 'high',
    rationale:
      "istiod applies a Gateway to every gateway proxy whose labels match its selector, in any namespace, unless PILOT_SCOPE_GATEWAY_TO_NAMESPACE is on. A tenant's Gateway that selects the shared ingress gateway adds its own servers (ports, hostnames, certificates) to the proxy every tenant's traffic goes through.",
    remediation:
      'Keep Gateways of the shared ingress in the gateway namespace under platform control, and forbid tenant Gateways whose `spec.selector` matches its proxies (an admission rule of your own: the kit in policies/ checks hostname ownership and VirtualService gateway binding, not Gateway selectors); on self-managed Istio set PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true on istiod so a proxy only takes Gateways of its own namespace.',
    references: [INGRESS_DOCS.istioGateway, INGRESS_DOCS.gatewayDeployment, INGRESS_DOCS.gatewayBestPractices],
    requires: ['Gateway', 'VirtualService', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  },
  evaluate({ model }) {
    const ingress = model.istioIngress();
    if (ingress.scoping.scoped) return [];
    // Tenant namespaces binding VirtualServices to each proxy class, and the class of each
    // workload: with a Gateway per tenant on the shared ingress, every Gateway shares its proxy
    // with every tenant, so the bindings are read once, not once per Gateway.
    const binders = new Map<ProxyClass, Set<string>>();
    for (const binding of ingress.bindings) {
      if (!model.isTenant(binding.virtualService.namespace)) continue;
      let set = binders.get(binding.proxy);
      if (!set) binders.set(binding.proxy, (set = new Set()));
      set.add(binding.virtualService.namespace);
    }
    const proxyIds = new Map<ProxyClass, number>();
    const proxiesOfWorkload = new Map<GatewayWorkload, ProxyClass[]>();
    for (const proxy of binders.keys()) {
      proxyIds.set(proxy, proxyIds.size);
      for (const workload of proxy.workloads) proxiesOfWorkload.set(workload, [...(proxiesOfWorkload.get(workload) ?? []), proxy]);
    }
    /** Sorted tenants binding to these proxy classes (shared by every Gateway selecting the same proxies). */
    const sharedBinders = new Map<string, readonly string[]>();
    const results: RuleResult[] = [];
    for (const gateway of ingress.gateways) {
      const namespace = gateway.object.metadata.namespace;
      if (!model.isTenant(namespace)) continue;
      const foreign = gateway.workloads.filter((workload) => workload.namespace !== namespace);
      if (foreign.length === 0) continue;
      const selector = gatewaySelectorOf(gateway.object);
      const foreignNamespaces = [...new Set(foreign.map((workload) => workload.namespace))].sort();
      // Tenants whose hosts are served by the same proxies: they share a proxy with this Gateway's servers.
      const proxies = [...new Set(foreign.flatMap((workload) => proxiesOfWorkload.get(workload) ?? []))].sort((a, b) => proxyIds.get(a)! - proxyIds.get(b)!);
      const proxiesKey = proxies.map((proxy) => proxyIds.get(proxy)).join(',');
      let shared = sharedBinders.get(proxiesKey);
      if (!shared) sharedBinders.set(proxiesKey, (shared = Object.freeze([...new Set(proxies.flatMap((proxy) => [...binders.get(proxy)!]))].sort())));
      const sharing = new OwnerList(shared, namespace);
      const selects = selector && Object.keys(selector).length > 0 ? `selects (${Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(', ')})` : 'has no selector, so it applies to';
      const hosts = [...new Set(gateway.servers.flatMap((server) => server.hosts.map((host) => host.raw)))];
      const result: RuleResult = {
        message: `Gateway ${nameOf(gateway.object)} ${selects} the gateway proxies of ${listForMessage(foreignNamespaces)} and adds its servers (${listForMessage(hosts.map((host) => `"${host}"`))}) to them, because istiod does not scope Gateways to their namespace.`,
        namespace,
        resource: refOf(gateway.object),
        // Every tenant of the shared proxy but this one: a view over the list the Gateways share, built when read.
        get affectedNamespaces() {
          return sharing.toArray();
        },
        evidence: {
          selector: selector ?? null,
          foreignWorkloads: foreign.slice(0, MAX_LISTED).map((workload) => ({ namespace: workload.namespace, labels: workload.labels, source: workload.source, inferred: workload.inferred })),
          servers: gateway.servers.map((server) => ({ port: server.port, protocol: server.protocol, hosts: server.hosts.map((host) => host.raw) })),
          scopeGatewayToNamespace: false,
          scopeGatewayToNamespaceSource: ingress.scoping.source,
          strictGatewayMerging: ingress.scoping.strictMerging,
          strictGatewayMergingSource: ingress.scoping.strictMergingSource,
          setting: SCOPE_GATEWAY_ENV,
        },
        source: gateway.object.source,
      };
      results.push(withListSummary(result, 'affectedNamespaces', sharing));
    }
    return results;
  },
};
