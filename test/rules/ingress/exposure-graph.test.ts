/**
 * The ingress rules' evidence.exposureEdges become `ingress` edges of the tenant exposure
 * graph (the HTML and markdown drawings) and lines under the terminal matrix.
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { exposureGraphOf } from '../../../src/report/exposure-graph.js';
import { renderIngressEdges, renderTable } from '../../../src/report/render/table.js';
import { scanSnapshot } from '../../../src/report/scan-result.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';
import { gatewayDeployment, gatewayVirtualService, istioGateway, k8sGateway, ns, route } from './fixtures.js';

const manifests =
  ns('aks-istio-ingress', 'infra', 'tenant-a', 'tenant-b', 'tenant-c') +
  gatewayDeployment('aks-istio-ingress', 'ingress', { istio: 'ingressgateway' }) +
  istioGateway('aks-istio-ingress', 'public', ['*.example.com']) +
  gatewayVirtualService('tenant-a', 'shop', ['shop.example.com'], ['aks-istio-ingress/public'], { created: '2024-01-01T00:00:00Z' }) +
  gatewayVirtualService('tenant-b', 'promo', ['shop.example.com'], ['aks-istio-ingress/public'], { created: '2024-02-01T00:00:00Z' }) +
  k8sGateway('infra', 'shared', [{ name: 'http', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]) +
  route('tenant-a', 'docs', { hostnames: ['docs.example.com'], created: '2024-01-01T00:00:00Z' }) +
  route('tenant-c', 'docs-v2', { hostnames: ['docs.example.com'], created: '2024-02-01T00:00:00Z', rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/v2' } }], backendRefs: [{ name: 'v2', port: 80 }] }] });

const result = scanSnapshot(snapshotFromYaml({ manifests }), defaultConfig({ systemNamespaces: ['infra'] }), { scanId: 'test', startedAt: Date.now() });

describe('ingress edges of the exposure graph', () => {
  it('draws one edge from the namespace whose routes reach in to the one whose hostname it is', () => {
    const ingress = exposureGraphOf(result.findings, result.tenantNamespaceNames ?? []).edges.filter((edge) => edge.kind === 'ingress');
    expect(ingress.map(({ from, to, severity }) => ({ from, to, severity }))).toEqual([
      { from: 'tenant-b', to: 'tenant-a', severity: 'critical' },
      { from: 'tenant-c', to: 'tenant-a', severity: 'critical' },
    ]);
  });

  it('lists them under the terminal matrix', () => {
    const lines = renderIngressEdges(result.findings, result.tenantNamespaceNames ?? []);
    expect(lines.slice(2)).toEqual(['    I tenant-b -> tenant-a (critical, 1 finding(s))', '    I tenant-c -> tenant-a (critical, 1 finding(s))']);
    expect(renderTable({ scanId: 'test', scanner: { version: '0' }, clusters: [result] }, { color: false })).toContain('Shared ingress');
    expect(renderIngressEdges([], [])).toEqual([]);
  });
});
