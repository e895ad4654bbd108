import { expect } from '@jest/globals';
import { gatewayHostClaimedCrossNamespaceRule } from '../../../src/rules/ingress/gateway-host-claimed-cross-namespace.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { gatewayDeployment, gatewayVirtualService, istioGateway, ns } from './fixtures.js';

const platform = ns('aks-istio-ingress', 'tenant-a', 'tenant-b') + gatewayDeployment('aks-istio-ingress', 'ingress', { istio: 'ingressgateway' });
const shared = (hosts: string[]) => platform + istioGateway('aks-istio-ingress', 'public', hosts);
const shopA = gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['aks-istio-ingress/public'], { created: '2024-02-01T00:00:00Z' });
const shopB = (options: { exportTo?: string[]; gateways?: string[]; host?: string } = {}) =>
  gatewayVirtualService('tenant-b', 'promo', [options.host ?? 'shop.example.com'], options.gateways ?? ['aks-istio-ingress/public'], { created: '2024-03-01T00:00:00Z', prefix: '/checkout', exportTo: options.exportTo });

runRuleTests(gatewayHostClaimedCrossNamespaceRule, {
  valid: [
    { name: 'two tenants with their own hosts on one gateway', manifests: shared(['*.example.com']) + shopA + shopB({ host: 'blog.example.com' }) },
    { name: 'the same host from one namespace only', manifests: shared(['*.example.com']) + shopA + gatewayVirtualService('tenant-a', 'shop-api', ['shop.example.com'], ['aks-istio-ingress/public'], { prefix: '/api' }) },
    { name: 'ns/host restriction: only the owner may bind the host', manifests: shared(['tenant-a/shop.example.com', 'tenant-b/*.b.example.com']) + shopA + shopB() },
    { name: 'exportTo ["."]: the gateway proxy namespace does not see the second VirtualService', manifests: shared(['*.example.com']) + shopA + shopB({ exportTo: ['.'] }) },
    {
      name: 'exportTo names the Gateway object namespace, but the proxy runs elsewhere: not bound',
      manifests:
        ns('istio-system', 'istio-ingress', 'tenant-a', 'tenant-b') +
        gatewayDeployment('istio-ingress', 'ingressgateway', { istio: 'ingressgateway' }) +
        istioGateway('istio-system', 'public', ['*.example.com']) +
        gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['istio-system/public']) +
        gatewayVirtualService('tenant-b', 'promo', ['shop.example.com'], ['istio-system/public'], { exportTo: ['.', 'istio-system'] }),
    },
    { name: 'a wildcard host of another tenant is a different virtual host', manifests: shared(['*.example.com']) + shopA + shopB({ host: '*.example.com' }) },
    {
      name: 'the same host on gateways of different proxies is not merged',
      manifests:
        shared(['*.example.com']) +
        gatewayDeployment('aks-istio-ingress', 'internal', { istio: 'internal' }) +
        istioGateway('aks-istio-ingress', 'internal', ['*.example.com'], { selector: { istio: 'internal' } }) +
        shopA +
        shopB({ gateways: ['aks-istio-ingress/internal'] }),
    },
    {
      // mergeGateways (pilot/pkg/model/gateway.go): an older plain-text TCP server on port 80 of the
      // same proxy makes istiod skip the shared HTTP server ("conflict with existing server"), so
      // nothing binds there (gateway-selects-foreign-workload reports tenant-c's Gateway).
      name: "an older Gateway's TCP server on the port drops the shared HTTP server: no merged virtual host",
      manifests: shared(['*.example.com']) + ns('tenant-c') + istioGateway('tenant-c', 'a-tcp', ['*'], { protocol: 'TCP', portName: 'tcp' }) + shopA + shopB(),
    },
    {
      // mergeGateways CheckDuplicates: the first TLS server to claim a host on a port keeps it.
      name: "an older Gateway's TLS server with the same host drops the shared HTTPS server",
      manifests:
        platform +
        ns('tenant-c') +
        istioGateway('aks-istio-ingress', 'public', ['shop.example.com'], { port: 443, protocol: 'HTTPS', portName: 'https', tls: { mode: 'SIMPLE', credentialName: 'shop' } }) +
        istioGateway('tenant-c', 'a-grab', ['shop.example.com'], { port: 443, protocol: 'HTTPS', portName: 'https', tls: { mode: 'SIMPLE', credentialName: 'grab' } }) +
        shopA +
        shopB(),
    },
  ],
  invalid: [
    {
      name: 'a newer Gateway repeating the TLS host is the one dropped: the shared HTTPS server keeps both tenants',
      manifests:
        platform +
        ns('tenant-c') +
        istioGateway('aks-istio-ingress', 'public', ['shop.example.com'], { port: 443, protocol: 'HTTPS', portName: 'https', tls: { mode: 'SIMPLE', credentialName: 'shop' } }) +
        istioGateway('tenant-c', 'z-grab', ['shop.example.com'], { port: 443, protocol: 'HTTPS', portName: 'https', tls: { mode: 'SIMPLE', credentialName: 'grab' } }) +
        shopA +
        shopB(),
      findings: [{ namespace: 'tenant-b', affectedNamespaces: ['tenant-a'], check: (f) => expect(f.evidence.routeConfigurations).toEqual(['https.443.https.public.aks-istio-ingress']) }],
    },
    {
      name: 'two tenants bind the same host: merged, the newer one is reported',
      manifests: shared(['*.example.com']) + shopA + shopB(),
      findings: [
        {
          severity: 'critical',
          namespace: 'tenant-b',
          resourceName: 'promo',
          subjectKey: 'shop.example.com',
          affectedNamespaces: ['tenant-a'],
          messageIncludes: ['VirtualService tenant-a/shop', 'host shop.example.com', 'aks-istio-ingress/public'],
          check: (f) => {
            expect(f.evidence.exposureEdges).toEqual([{ from: 'tenant-b', to: 'tenant-a', kind: 'ingress' }]);
            expect(f.evidence.routeConfigurations).toEqual(['http.80']);
            // The catch-all route of tenant-a goes last; tenant-b's /checkout prefix is tried first.
            expect(f.message).toContain("tries tenant-b's routes first");
            expect(f.evidence.routeOrder).toEqual([
              { virtualService: 'tenant-a/shop', onlyCatchAllRoutes: true },
              { virtualService: 'tenant-b/promo', onlyCatchAllRoutes: false },
            ]);
          },
        },
      ],
    },
    {
      name: "merged across Gateways: a tenant's own Gateway selecting the shared proxy shares the http.80 route configuration",
      manifests: shared(['*.example.com']) + shopA + istioGateway('tenant-b', 'mine', ['shop.example.com']) + shopB({ gateways: ['mine'] }),
      findings: [
        {
          namespace: 'tenant-b',
          affectedNamespaces: ['tenant-a'],
          check: (f) => {
            expect(f.evidence.gateways).toEqual(['tenant-b/mine']);
            // Servers are walked Gateway by Gateway (same creation second: "mine" sorts before "public"), so the newer VirtualService comes first.
            expect(f.evidence.routeOrder).toEqual([
              { virtualService: 'tenant-b/promo', onlyCatchAllRoutes: false },
              { virtualService: 'tenant-a/shop', onlyCatchAllRoutes: true },
            ]);
          },
        },
      ],
    },
    {
      name: 'exportTo naming the gateway proxy namespace binds',
      manifests:
        ns('istio-system', 'istio-ingress', 'tenant-a', 'tenant-b') +
        gatewayDeployment('istio-ingress', 'ingressgateway', { istio: 'ingressgateway' }) +
        istioGateway('istio-system', 'public', ['*.example.com']) +
        gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['istio-system/public']) +
        gatewayVirtualService('tenant-b', 'promo', ['shop.example.com'], ['istio-system/public'], { exportTo: ['.', 'istio-ingress'], created: '2024-03-01T00:00:00Z' }),
      findings: [{ namespace: 'tenant-b', check: (f) => expect(f.evidence.gatewayProxyNamespaces).toEqual(['istio-ingress']) }],
    },
    {
      name: 'a wildcard server host: both exact VirtualService hosts intersect to the same virtual host, and a legacy FQDN gateway name resolves',
      manifests: shared(['*']) + shopA + gatewayVirtualService('tenant-b', 'promo', ['shop.example.com'], ['public.aks-istio-ingress.svc.cluster.local'], { created: '2024-03-01T00:00:00Z' }),
      findings: [{ namespace: 'tenant-b', subjectKey: 'shop.example.com' }],
    },
  ],
});
