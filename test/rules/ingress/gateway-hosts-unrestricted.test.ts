import { expect } from '@jest/globals';
import { gatewayHostsUnrestrictedRule } from '../../../src/rules/ingress/gateway-hosts-unrestricted.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { gatewayDeployment, gatewayVirtualService, istioGateway, ns } from './fixtures.js';

// The AKS add-on's ingress namespace (system) with its gateway proxy.
const platform = ns('aks-istio-ingress', 'tenant-a', 'tenant-b', 'tenant-c') + gatewayDeployment('aks-istio-ingress', 'ingress', { istio: 'ingressgateway' });
const shared = (hosts: string[]) => platform + istioGateway('aks-istio-ingress', 'public', hosts);
const bindA = gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['aks-istio-ingress/public']);
const bindB = gatewayVirtualService('tenant-b', 'blog', ['blog.example.com'], ['aks-istio-ingress/public']);

runRuleTests(gatewayHostsUnrestrictedRule, {
  valid: [
    { name: 'every host of the shared gateway is restricted to its owner namespace', manifests: shared(['tenant-a/shop.example.com', 'tenant-b/blog.example.com']) + bindA + bindB },
    { name: '"./host" restricts to the Gateway\'s own namespace', manifests: shared(['./admin.example.com']) },
    { name: "a tenant's own gateway used only by that tenant", manifests: platform + istioGateway('tenant-a', 'own', ['*'], { selector: { app: 'tenant-a-gw' } }) + gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['own']) },
    { name: 'no Gateway at all', manifests: platform + bindA },
  ],
  invalid: [
    {
      name: 'a wildcard host on the shared gateway already serving two tenants (high), with a fix naming each owner',
      manifests: shared(['*.example.com']) + bindA + bindB,
      findings: [
        {
          severity: 'high',
          namespace: 'aks-istio-ingress',
          resourceName: 'public',
          affectedNamespaces: ['tenant-a', 'tenant-b'],
          messageIncludes: ['"*.example.com"', 'tenant-a and tenant-b'],
          check: (f) => {
            expect(f.evidence.unrestrictedHosts).toEqual(['*.example.com']);
            expect(f.fix).toMatchObject({ type: 'merge-patch', patch: { spec: { servers: [{ hosts: ['tenant-b/blog.example.com', 'tenant-a/shop.example.com'] }] } } });
          },
        },
      ],
    },
    {
      name: '"*/host" is unrestricted too; serving one tenant is medium, and the fix keeps the bound host for it',
      manifests: shared(['*/shop.example.com', 'tenant-c/c.example.com']) + bindA,
      findings: [
        {
          severity: 'medium',
          affectedNamespaces: ['tenant-a'],
          check: (f) => expect(f.fix).toMatchObject({ patch: { spec: { servers: [{ hosts: ['tenant-a/shop.example.com', 'tenant-c/c.example.com'] }] } } }),
        },
      ],
    },
    {
      name: 'an unused unrestricted host on a platform gateway: the fix gives it to the gateway namespace',
      manifests: shared(['api.example.com']),
      findings: [{ severity: 'medium', affectedNamespaces: [], check: (f) => expect(f.fix).toMatchObject({ patch: { spec: { servers: [{ hosts: ['aks-istio-ingress/api.example.com'] }] } } }) }],
    },
    {
      name: 'a host two tenants bind: the fix gives it to the first claimant (oldest VirtualService) only',
      manifests: shared(['*.example.com']) + gatewayVirtualService('tenant-b', 'promo', ['shop.example.com'], ['aks-istio-ingress/public'], { created: '2024-05-01T00:00:00Z' }) + gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['aks-istio-ingress/public'], { created: '2024-01-01T00:00:00Z' }),
      findings: [{ severity: 'high', check: (f) => expect(f.fix).toMatchObject({ patch: { spec: { servers: [{ hosts: ['tenant-a/shop.example.com'] }] } } }) }],
    },
    {
      name: '"*/*" opens the whole server',
      manifests: shared(['*/*']) + bindA + bindB,
      findings: [{ severity: 'high', check: (f) => expect(f.evidence.unrestrictedHosts).toEqual(['*/*']) }],
    },
    {
      name: 'a tenant gateway another tenant binds to is shared',
      manifests: platform + istioGateway('tenant-a', 'own', ['*.example.com'], { selector: { app: 'tenant-a-gw' } }) + gatewayDeployment('tenant-a', 'gw', { app: 'tenant-a-gw' }) + gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['own']) + gatewayVirtualService('tenant-b', 'blog', ['blog.example.com'], ['tenant-a/own']),
      findings: [{ severity: 'high', namespace: 'tenant-a', affectedNamespaces: ['tenant-a', 'tenant-b'] }],
    },
    {
      name: 'exportTo toward the gateway proxy namespace: a VirtualService exported only to its own namespace does not bind (medium, one tenant)',
      manifests: shared(['*.example.com']) + bindA + gatewayVirtualService('tenant-b', 'blog', ['blog.example.com'], ['aks-istio-ingress/public'], { exportTo: ['.'] }),
      findings: [{ severity: 'medium', affectedNamespaces: ['tenant-a'] }],
    },
    {
      name: 'a VirtualService exported by name to the gateway proxy namespace binds (high)',
      manifests: shared(['*.example.com']) + bindA + gatewayVirtualService('tenant-b', 'blog', ['blog.example.com'], ['aks-istio-ingress/public'], { exportTo: ['.', 'aks-istio-ingress'] }),
      findings: [{ severity: 'high', affectedNamespaces: ['tenant-a', 'tenant-b'] }],
    },
  ],
});
