import { compareByAge, refOf } from '../../mesh/accessors.js';
import { isRestricted, type Binding, type GatewayServer, type IngressGateway } from '../../mesh/istio-ingress.js';
import { hostMatches } from '../../mesh/hosts.js';
import type { FindingFix, Rule, RuleResult } from '../types.js';
import { countOf, listForMessage } from '../exposure/common.js';
import { INGRESS_DOCS, MAX_LISTED, nameOf } from './common.js';

/**
 * gateway-hosts-unrestricted: an Istio Gateway serving several tenants (it lives in a
 * platform namespace, or VirtualServices of two or more tenant namespaces bind to it) lists
 * server hosts without a `namespace/` restriction (or with `*\/`), so a VirtualService of any
 * namespace may bind to them (host.NamesForNamespace) and publish under those domains.
 */
export const gatewayHostsUnrestrictedRule: Rule = {
  meta: {
    id: 'gateway-hosts-unrestricted',
    title: 'Shared Istio Gateway lets any namespace bind its hosts',
    category: 'ingress',
    defaultSeverity: 'high',
    rationale:
      "A Gateway server host without a namespace prefix (or with `*/`) accepts VirtualServices from every namespace. On a gateway shared by several tenants, any tenant can then publish routes under another tenant's public hostnames, or under the platform's domains.",
    remediation:
      'Prefix every server host with the namespace that owns it (`tenant-a/shop.example.com`), or `./host` for the Gateway\'s own namespace, so only that namespace\'s VirtualServices can bind; give each tenant its own hostnames.',
    references: [INGRESS_DOCS.istioGateway, INGRESS_DOCS.gatewayBestPractices, INGRESS_DOCS.virtualServiceGateways],
    requires: ['Gateway', 'VirtualService', 'ConfigMap'],
  },
  evaluate({ model }) {
    const ingress = model.istioIngress();
    const results: RuleResult[] = [];
    for (const gateway of ingress.gateways) {
      const open = gateway.servers.flatMap((server) => server.hosts.filter((host) => !isRestricted(host)).map((host) => host.raw));
      if (open.length === 0) continue;
      const bindings = ingress.bindingsOf(gateway.object);
      const tenants = [...new Set(bindings.map((binding) => binding.virtualService.namespace).filter((namespace) => model.isTenant(namespace)))].sort();
      const platform = !model.isTenant(gateway.object.metadata.namespace);
      if (!platform && tenants.length < 2) continue;
      const openHosts = [...new Set(open)];
      const severity = tenants.length >= 2 ? 'high' : 'medium';
      const serves = tenants.length === 0 ? 'no tenant binds to it yet' : `it already serves hosts of ${countOf(tenants.length, 'tenant namespace')} (${listForMessage(tenants)})`;
      results.push({
        severity,
        message: `Gateway ${nameOf(gateway.object)} accepts VirtualServices from any namespace for ${listForMessage(openHosts.map((host) => `"${host}"`))}; ${serves}, so every tenant can publish routes under these hosts.`,
        namespace: gateway.object.metadata.namespace,
        resource: refOf(gateway.object),
        affectedNamespaces: tenants,
        evidence: {
          unrestrictedHosts: openHosts,
          servers: gateway.servers.map((server) => ({ port: server.port, protocol: server.protocol, hosts: server.hosts.map((host) => host.raw) })),
          bindingNamespaces: tenants,
          bindings: bindings.slice(0, MAX_LISTED).map((binding) => ({ virtualService: nameOf(binding.virtualService.object), host: binding.host, port: binding.server.port })),
          bindingCount: bindings.length,
          gatewayWorkloads: gateway.workloads.map((workload) => ({ namespace: workload.namespace, labels: workload.labels, source: workload.source })),
          platformGateway: platform,
        },
        fix: restrictHostsFix(gateway, bindings, (namespace) => model.isTenant(namespace)),
        source: gateway.object.source,
      });
    }
    return results;
  },
};

/**
 * The servers with each unrestricted host replaced by `namespace/host` for what binds through
 * it today (the same virtual hosts keep working; a host several tenants bind stays with the
 * first of them), or `<gateway namespace>/host` when nothing does, so the Gateway's own
 * namespace keeps it.
 */
function restrictHostsFix(gateway: IngressGateway, bindings: Binding[], isTenant: (namespace: string) => boolean): FindingFix | undefined {
  const raw = Array.isArray(gateway.object.spec.servers) ? gateway.object.spec.servers : undefined;
  if (!raw || raw.length !== gateway.servers.length) return undefined;
  const servers = gateway.servers.map((server, index) => ({ ...(raw[index] as Record<string, unknown>), hosts: restrictedHosts(server, bindings.filter((binding) => binding.server === server), gateway.object.metadata.namespace, isTenant) }));
  return { type: 'merge-patch', target: refOf(gateway.object), patch: { spec: { servers } } };
}

function restrictedHosts(server: GatewayServer, bindings: Binding[], gatewayNamespace: string, isTenant: (namespace: string) => boolean): string[] {
  const out: string[] = [];
  for (const host of server.hosts) {
    if (isRestricted(host)) {
      out.push(host.raw);
      continue;
    }
    const through = bindings.filter((binding) => hostMatches(host.dnsName, binding.host) && !server.hosts.some((other) => other.namespace === binding.virtualService.namespace && hostMatches(other.dnsName, binding.host)));
    if (through.length === 0) out.push(`${gatewayNamespace}/${host.dnsName}`);
    // A domain several tenants bind goes to the first claimant only (the oldest VirtualService), as gateway-host-claimed-cross-namespace reads it.
    const byDomain = new Map<string, Binding[]>();
    for (const binding of through) byDomain.set(binding.host, [...(byDomain.get(binding.host) ?? []), binding]);
    for (const [domain, list] of [...byDomain].sort(([a], [b]) => a.localeCompare(b))) {
      const tenants = list.filter((binding) => isTenant(binding.virtualService.namespace)).sort((a, b) => compareByAge(a.virtualService.object, b.virtualService.object));
      const keep = new Set(list.filter((binding) => !isTenant(binding.virtualService.namespace)).map((binding) => binding.virtualService.namespace));
      if (tenants[0]) keep.add(tenants[0].virtualService.namespace);
      for (const namespace of [...keep].sort()) out.push(`${namespace}/${domain}`);
    }
  }
  return [...new Set(out)];
}
