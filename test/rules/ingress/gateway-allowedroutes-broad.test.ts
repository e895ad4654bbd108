import { expect } from '@jest/globals';
import { gatewayAllowedRoutesBroadRule } from '../../../src/rules/ingress/gateway-allowedroutes-broad.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { gatewayClass, k8sGateway, ns, nsWithLabels, route } from './fixtures.js';

const config = { systemNamespaces: ['infra'] };
const tenants = ns('infra') + nsWithLabels('tenant-a', { ingress: 'shared' }) + nsWithLabels('tenant-b', { ingress: 'shared' }) + ns('tenant-c');
const listener = (allowedRoutes?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'wildcard-cert' }] }, ...(allowedRoutes ? { allowedRoutes } : {}), ...extra });
const gateway = (...listeners: Array<Record<string, unknown>>) => k8sGateway('infra', 'shared', listeners);

runRuleTests(gatewayAllowedRoutesBroadRule, {
  valid: [
    { name: 'no allowedRoutes: Same namespace only (the default)', config, manifests: tenants + gateway(listener()) },
    { name: 'from: Same explicitly', config, manifests: tenants + gateway(listener({ namespaces: { from: 'Same' } })) },
    {
      name: 'a Selector matching one tenant: a dedicated listener',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'tenant-a' } } } })),
    },
    {
      name: 'a Selector matching only platform namespaces',
      config: { systemNamespaces: ['infra', 'infra-routes'] },
      manifests: tenants + nsWithLabels('infra-routes', { role: 'platform' }) + gateway(listener({ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['platform'] }] } } })),
    },
    // Conformance gateway-invalid-route-kind / gateway-invalid-listeners-unsupported-protocol: such a
    // listener lists no supportedKinds and never counts an attached route (GenerateGatewaySupportedKinds).
    {
      name: 'from: All on a listener whose allowedRoutes.kinds names no kind it supports: it admits no route',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'All' }, kinds: [{ kind: 'TLSRoute' }, { kind: 'UnknownRoute' }] })),
    },
    {
      name: 'from: All on a listener of a protocol Istio does not support (UDP): it admits no route',
      config,
      manifests: tenants + gateway({ name: 'dns', port: 53, protocol: 'UDP', allowedRoutes: { namespaces: { from: 'All' } } }),
    },
    // Istio 1.31 ComputeGatewayListenerConflicts: the later of two indistinct listeners is Conflicted and not programmed.
    {
      name: 'Istio 1.31: from: All on a TCP listener sharing port 443 with an earlier HTTPS listener (ProtocolConflict)',
      config,
      istioVersion: '1.31',
      manifests: tenants + gateway(listener(), { name: 'raw', port: 443, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } }),
    },
    {
      name: 'Istio 1.31: from: All on an HTTPS listener without tls (no server is built for it)',
      config,
      istioVersion: '1.31',
      manifests: tenants + gateway({ name: 'bare', port: 8443, protocol: 'HTTPS', hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'All' } } }),
    },
    // Istio mismatch.yaml: no config for a Gateway whose GatewayClass does not exist.
    {
      name: 'from: All on a Gateway whose GatewayClass is not among the cluster\'s classes: nothing serves it',
      config,
      manifests: tenants + gatewayClass('istio', 'istio.io/gateway-controller') + k8sGateway('infra', 'orphan', [listener({ namespaces: { from: 'All' } })], 'retired-class'),
    },
    {
      name: 'from: All on a Gateway of Istio\'s remote class (istio.io/unmanaged-gateway generates no routes)',
      config,
      manifests: tenants + k8sGateway('infra', 'remote', [listener({ namespaces: { from: 'All' } })], 'istio-remote'),
    },
  ],
  invalid: [
    {
      name: 'from: All on a Gateway of another implementation\'s GatewayClass still fires (same attachment rules)',
      config,
      manifests: tenants + gatewayClass('istio', 'istio.io/gateway-controller') + gatewayClass('envoy', 'gateway.envoyproxy.io/gatewayclass-controller') + k8sGateway('infra', 'edge', [listener({ namespaces: { from: 'All' } })], 'envoy'),
      findings: [{ resourceName: 'edge', check: (f) => expect(f.evidence.gatewayClass).toBe('envoy') }],
    },
    {
      name: 'from: All on a shared Gateway, no route yet: the fix narrows it to the Gateway namespace',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'All' } })),
      findings: [
        {
          severity: 'high',
          namespace: 'infra',
          resourceName: 'shared',
          subjectKey: 'https',
          affectedNamespaces: ['tenant-a', 'tenant-b', 'tenant-c'],
          messageIncludes: ['Listener https of Gateway infra/shared', 'from every namespace', 'any tenant can attach'],
          check: (f) => {
            expect(f.evidence).toMatchObject({ from: 'All', admitsEveryNamespace: true, admittedTenantNamespaceCount: 3, attachedRouteNamespaces: [] });
            expect(f.fix).toMatchObject({ type: 'merge-patch', patch: { spec: { listeners: [{ name: 'https', allowedRoutes: { namespaces: { from: 'Same' } } }] } } });
          },
        },
      ],
    },
    {
      name: 'from: All with one tenant attached: the fix admits exactly that tenant by name',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'All' } })) + route('tenant-a', 'shop', { hostnames: ['shop.example.com'] }),
      findings: [
        {
          messageIncludes: ['routes of tenant-a are attached'],
          check: (f) =>
            expect(f.fix).toMatchObject({ patch: { spec: { listeners: [{ allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['tenant-a'] }] } } } }] } } }),
        },
      ],
    },
    {
      name: 'from: All with two tenants attached: no mechanical fix',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'All' } })) + route('tenant-a', 'shop', { hostnames: ['shop.example.com'] }) + route('tenant-b', 'blog', { hostnames: ['blog.example.com'] }),
      findings: [{ check: (f) => expect(f.fix).toBeUndefined() }],
    },
    {
      name: 'a Selector matching two tenant namespaces',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'Selector', selector: { matchLabels: { ingress: 'shared' } } } })),
      findings: [{ affectedNamespaces: ['tenant-a', 'tenant-b'], messageIncludes: ['ingress=shared', '2 tenant namespaces'], check: (f) => expect(f.evidence.admitsEveryNamespace).toBe(false) }],
    },
    {
      name: 'an empty Selector matches every namespace',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'Selector', selector: {} } })),
      findings: [{ affectedNamespaces: ['tenant-a', 'tenant-b', 'tenant-c'], check: (f) => expect(f.evidence.admitsEveryNamespace).toBe(true) }],
    },
    {
      name: 'a NotIn selector matches every tenant but the excluded one',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['tenant-c'] }] } } })),
      findings: [{ affectedNamespaces: ['tenant-a', 'tenant-b'] }],
    },
    {
      name: 'one finding per broad listener; both carry the same patch',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'All' } }), { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }, listener(undefined, { name: 'admin', hostname: 'admin.example.com' })),
      findings: [
        { subjectKey: 'https', check: (f) => expect((f.fix as unknown as { patch: { spec: { listeners: unknown[] } } }).patch.spec.listeners).toHaveLength(3) },
        { subjectKey: 'http' },
      ],
    },
    {
      name: 'from: All with a kinds list that keeps one supported kind still fires',
      config,
      manifests: tenants + gateway(listener({ namespaces: { from: 'All' }, kinds: [{ kind: 'UnknownRoute' }, { kind: 'HTTPRoute' }] })),
      findings: [{ subjectKey: 'https' }],
    },
    {
      name: 'before Istio 1.31 the TCP listener sharing port 443 with an HTTPS listener is still programmed',
      config,
      istioVersion: '1.30',
      manifests: tenants + gateway(listener(), { name: 'raw', port: 443, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } }),
      findings: [{ subjectKey: 'raw' }],
    },
    {
      name: 'Istio 1.31: of two listeners on one port, the first accepted one is programmed and reported',
      config,
      istioVersion: '1.31',
      manifests: tenants + gateway({ name: 'raw', port: 443, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } }, listener({ namespaces: { from: 'All' } })),
      findings: [{ subjectKey: 'raw' }],
    },
    {
      name: "from: All on a tenant's own Gateway: every other tenant may attach",
      manifests: tenants + k8sGateway('tenant-a', 'own', [listener({ namespaces: { from: 'All' } })]),
      findings: [{ namespace: 'tenant-a', affectedNamespaces: ['infra', 'tenant-b', 'tenant-c'] }],
    },
  ],
});
