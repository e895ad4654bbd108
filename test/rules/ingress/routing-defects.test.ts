/**
 * A cross-namespace backendRef of a route attached to a Gateway needs a ReferenceGrant in the
 * backend's namespace (GEP-709; Istio BackendAllowed). Without one the gateway does not route
 * to it: reported by resource-invalid as a routing defect, not as exposure.
 */
import { expect } from '@jest/globals';
import { createResourceInvalidRule } from '../../../src/rules/coverage/resource-invalid.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { k8sGateway, ns, route, service } from './fixtures.js';

const cluster = ns('infra', 'tenant-a', 'tenant-b') + k8sGateway('infra', 'shared', [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]) + service('tenant-b', 'payments');
const crossRoute = (kind: 'HTTPRoute' | 'GRPCRoute' = 'HTTPRoute', parentRefs?: Array<Record<string, unknown>>) =>
  route('tenant-a', 'checkout', { kind, parentRefs, rules: [{ backendRefs: [{ name: 'payments', namespace: 'tenant-b', port: 8080 }] }] });
const grant = (to: Record<string, unknown>, fromKind = 'HTTPRoute', fromNamespace = 'tenant-a') => `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: from-a, namespace: tenant-b}
spec:
  from: [{group: gateway.networking.k8s.io, kind: ${fromKind}, namespace: ${fromNamespace}}]
  to: [${JSON.stringify(to)}]
`;

runRuleTests(createResourceInvalidRule(), {
  valid: [
    { name: 'a grant without to.name allows it', manifests: cluster + crossRoute() + grant({ group: '', kind: 'Service' }) },
    { name: 'a grant with the matching to.name allows it', manifests: cluster + crossRoute() + grant({ group: '', kind: 'Service', name: 'payments' }) },
    { name: 'a backend in the route\'s own namespace needs no grant', manifests: cluster + route('tenant-a', 'local', { rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] }) },
    {
      name: 'mesh routes (a Service parent) are not checked by Istio (enforceRefGrant=false)',
      manifests: cluster + service('tenant-a', 'web') + crossRoute('HTTPRoute', [{ group: '', kind: 'Service', name: 'web' }]),
    },
  ],
  invalid: [
    {
      name: 'no grant at all',
      manifests: cluster + crossRoute(),
      findings: [
        {
          severity: 'low',
          namespace: 'tenant-a',
          resourceName: 'checkout',
          messageIncludes: ['backendRef Service tenant-b/payments', 'no ReferenceGrant in tenant-b allows HTTPRoutes from tenant-a', 'RefNotPermitted'],
          check: (f) => expect(f.evidence.problemType).toBe('reference'),
        },
      ],
    },
    { name: 'a grant naming another Service', manifests: cluster + crossRoute() + grant({ group: '', kind: 'Service', name: 'ledger' }), findings: [{ resourceName: 'checkout' }] },
    { name: 'a grant for another route kind', manifests: cluster + crossRoute('GRPCRoute') + grant({ group: '', kind: 'Service' }), findings: [{ resourceKind: 'GRPCRoute' }] },
    { name: 'a grant from another namespace', manifests: cluster + crossRoute() + grant({ group: '', kind: 'Service' }, 'HTTPRoute', 'tenant-c'), findings: [{ resourceName: 'checkout' }] },
  ],
});
