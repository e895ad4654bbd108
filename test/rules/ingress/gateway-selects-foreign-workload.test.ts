import { expect } from '@jest/globals';
import { gatewaySelectsForeignWorkloadRule } from '../../../src/rules/ingress/gateway-selects-foreign-workload.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { gatewayDeployment, gatewayVirtualService, istioGateway, ns } from './fixtures.js';
import { istiodDeployment } from '../../helpers/istiod.js';

const EXTERNAL = { istio: 'aks-istio-ingressgateway-external' };
const platform = ns('aks-istio-ingress', 'tenant-a', 'tenant-b') + gatewayDeployment('aks-istio-ingress', 'aks-istio-ingressgateway-external-asm-1-26', { ...EXTERNAL, app: 'aks-istio-ingressgateway-external' });
const tenantGateway = (selector: Record<string, string> | null) => istioGateway('tenant-a', 'mine', ['shop.example.com'], { selector });
const istiod = (value: string) => istiodDeployment({ PILOT_SCOPE_GATEWAY_TO_NAMESPACE: value });

/** A proxy Istio deployed for the Gateway API Gateway infra/shared (managed deployment). */
const managed = ns('infra', 'tenant-a') + gatewayDeployment('infra', 'shared-istio', { 'gateway.networking.k8s.io/gateway-name': 'shared', 'gateway.istio.io/managed': 'istio.io-gateway-controller' });
const istiodStrict = (value: string) => istiod('false').replace('value: "false"}]', `value: "false"}, {name: PILOT_ENABLE_STRICT_GATEWAY_MERGING, value: "${value}"}]`);

runRuleTests(gatewaySelectsForeignWorkloadRule, {
  valid: [
    { name: "a tenant Gateway selecting the tenant's own gateway proxy", manifests: platform + gatewayDeployment('tenant-a', 'gw', { app: 'tenant-a-gw' }) + tenantGateway({ app: 'tenant-a-gw' }) },
    { name: 'istiod scopes Gateways to their namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true)', manifests: platform + istiod('true') + tenantGateway(EXTERNAL) },
    { name: 'the platform Gateway next to its own proxy', manifests: platform + istioGateway('aks-istio-ingress', 'public', ['*'], { selector: EXTERNAL }) },
    { name: 'a tenant Gateway whose selector matches no proxy applies to nothing', manifests: platform + tenantGateway({ app: 'nothing' }) },
    {
      name: "Istio 1.31+ strict gateway merging: a managed Gateway API proxy takes no Istio Gateway of another namespace (filterStrictGatewayMerging)",
      istioVersion: '1.31',
      manifests: managed + tenantGateway(null),
    },
  ],
  invalid: [
    {
      name: 'a tenant Gateway selecting the AKS external ingress gateway',
      manifests: platform + tenantGateway(EXTERNAL) + gatewayVirtualService('tenant-b', 'blog', ['blog.example.com'], ['aks-istio-ingress/public']) + istioGateway('aks-istio-ingress', 'public', ['*'], { selector: EXTERNAL }),
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          resourceName: 'mine',
          affectedNamespaces: ['tenant-b'],
          messageIncludes: ['selects (istio=aks-istio-ingressgateway-external)', 'aks-istio-ingress'],
          check: (f) => {
            expect(f.evidence.foreignWorkloads).toEqual([{ namespace: 'aks-istio-ingress', labels: { ...EXTERNAL, app: 'aks-istio-ingressgateway-external' }, source: 'Deployment aks-istio-ingress/aks-istio-ingressgateway-external-asm-1-26', inferred: false }]);
            expect(String(f.evidence.scopeGatewayToNamespaceSource)).toContain("Istio's default, false");
          },
        },
      ],
    },
    {
      name: 'istiod leaves the setting off explicitly',
      manifests: platform + istiod('false') + tenantGateway(EXTERNAL),
      findings: [{ check: (f) => expect(f.evidence.scopeGatewayToNamespaceSource).toBe('PILOT_SCOPE_GATEWAY_TO_NAMESPACE=false on Deployment istio-system/istiod') }],
    },
    {
      name: 'before Istio 1.31 a selector-less tenant Gateway also configures the managed Gateway API proxy of another namespace',
      istioVersion: '1.30',
      manifests: managed + tenantGateway(null),
      findings: [{ check: (f) => expect(f.evidence).toMatchObject({ strictGatewayMerging: false, foreignWorkloads: [{ namespace: 'infra' }] }) }],
    },
    {
      name: 'Istio 1.31 with PILOT_ENABLE_STRICT_GATEWAY_MERGING=false on istiod',
      istioVersion: '1.31',
      manifests: managed + istiodStrict('false') + tenantGateway(null),
      findings: [{ check: (f) => expect(String(f.evidence.strictGatewayMergingSource)).toContain('PILOT_ENABLE_STRICT_GATEWAY_MERGING=false on Deployment istio-system/istiod') }],
    },
    {
      name: 'a Gateway without selector applies to every gateway proxy',
      manifests: platform + tenantGateway(null),
      findings: [{ messageIncludes: ['has no selector'], check: (f) => expect(f.evidence.selector).toBeNull() }],
    },
    {
      name: 'no proxy in the manifests: the proxy is assumed beside the platform Gateway with the same selector',
      manifests: ns('aks-istio-ingress', 'tenant-a') + istioGateway('aks-istio-ingress', 'public', ['*'], { selector: EXTERNAL }) + tenantGateway(EXTERNAL),
      findings: [{ check: (f) => expect(f.evidence.foreignWorkloads).toMatchObject([{ namespace: 'aks-istio-ingress', labels: EXTERNAL, inferred: true }]) }],
    },
    {
      name: "the AKS add-on's external ingress gateway is known from ARM",
      manifests: ns('aks-istio-ingress', 'tenant-a') + tenantGateway(EXTERNAL),
      aksCluster: { name: 'aks-1', properties: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-26'], components: { ingressGateways: [{ mode: 'External', enabled: true }] } } } } },
      findings: [{ check: (f) => expect(f.evidence.foreignWorkloads).toMatchObject([{ namespace: 'aks-istio-ingress', source: 'AKS add-on external ingress gateway (ARM serviceMeshProfile)', inferred: true }]) }],
    },
  ],
});
