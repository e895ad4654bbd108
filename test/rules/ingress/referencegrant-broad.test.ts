import { expect } from '@jest/globals';
import { referenceGrantBroadRule } from '../../../src/rules/ingress/referencegrant-broad.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { k8sGateway, ns, route, service } from './fixtures.js';

const cluster = ns('infra', 'tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e', 'tenant-f');
const grant = (namespace: string, name: string, from: Array<{ kind: string; namespace: string; group?: string }>, to: Array<{ kind: string; group?: string; name?: string }>) => `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  from: ${JSON.stringify(from.map((entry) => ({ group: entry.group ?? 'gateway.networking.k8s.io', kind: entry.kind, namespace: entry.namespace })))}
  to: ${JSON.stringify(to.map((entry) => ({ group: entry.group ?? '', kind: entry.kind, ...(entry.name ? { name: entry.name } : {}) })))}
`;
const gateway = k8sGateway('infra', 'shared', [{ name: 'http', port: 80, protocol: 'HTTP' }]);
// A route in the gateway namespace sending traffic to tenant-b's Service.
const crossRoute = route('infra', 'payments', { rules: [{ backendRefs: [{ name: 'payments', namespace: 'tenant-b', port: 8080 }] }] });

runRuleTests(referenceGrantBroadRule, {
  valid: [
    { name: 'a grant naming the Service (to.name)', manifests: cluster + gateway + service('tenant-b', 'payments') + crossRoute + grant('tenant-b', 'gw', [{ kind: 'HTTPRoute', namespace: 'infra' }], [{ kind: 'Service', name: 'payments' }]) },
    { name: 'a grant from its own namespace only changes nothing', manifests: cluster + grant('tenant-b', 'self', [{ kind: 'HTTPRoute', namespace: 'tenant-b' }], [{ kind: 'Service' }]) },
    {
      name: 'a named grant for four namespaces is below the "many" threshold',
      manifests: cluster + grant('tenant-a', 'four', ['tenant-b', 'tenant-c', 'tenant-d', 'tenant-e'].map((namespace) => ({ kind: 'HTTPRoute', namespace })), [{ kind: 'Service', name: 'api' }]),
    },
  ],
  invalid: [
    {
      name: 'no to.name: every Service of the namespace; the fix names the one in use',
      manifests: cluster + gateway + service('tenant-b', 'payments') + crossRoute + grant('tenant-b', 'gw', [{ kind: 'HTTPRoute', namespace: 'infra' }], [{ kind: 'Service' }]),
      findings: [
        {
          severity: 'medium',
          namespace: 'tenant-b',
          resourceName: 'gw',
          subjectKey: 'Service/*',
          affectedNamespaces: ['infra'],
          messageIncludes: ['no to.name for Service', 'HTTPRoute of infra', 'every Service of tenant-b'],
          check: (f) => {
            expect(f.evidence.usedByName).toEqual(['payments']);
            expect(f.fix).toEqual({ type: 'merge-patch', target: { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', name: 'gw', namespace: 'tenant-b' }, patch: { spec: { to: [{ group: '', kind: 'Service', name: 'payments' }] } } });
          },
        },
      ],
    },
    {
      name: 'no to.name and nothing uses it: no mechanical fix',
      manifests: cluster + grant('tenant-b', 'gw', [{ kind: 'HTTPRoute', namespace: 'tenant-a' }], [{ kind: 'Service' }]),
      findings: [{ subjectKey: 'Service/*', affectedNamespaces: ['tenant-a'], check: (f) => expect(f.fix).toBeUndefined() }],
    },
    {
      name: 'every Secret of a namespace for Gateways elsewhere is high; the fix names the certificate in use',
      manifests:
        cluster +
        k8sGateway('infra', 'tls', [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'shop-cert', namespace: 'tenant-a' }] } }]) +
        grant('tenant-a', 'certs', [{ kind: 'Gateway', namespace: 'infra' }], [{ kind: 'Secret' }]),
      findings: [{ severity: 'high', subjectKey: 'Secret/*', check: (f) => expect(f.fix).toMatchObject({ patch: { spec: { to: [{ group: '', kind: 'Secret', name: 'shop-cert' }] } } }) }],
    },
    {
      name: 'a named grant from five namespaces is broad too',
      manifests: cluster + grant('tenant-a', 'many', ['tenant-b', 'tenant-c', 'tenant-d', 'tenant-e', 'tenant-f'].map((namespace) => ({ kind: 'HTTPRoute', namespace })), [{ kind: 'Service', name: 'api' }]),
      findings: [{ severity: 'medium', subjectKey: 'Service/api', messageIncludes: ['to 5 namespaces'] }],
    },
    {
      name: 'two open entries: one finding each, sharing the fix',
      manifests:
        cluster +
        gateway +
        service('tenant-b', 'payments') +
        crossRoute +
        k8sGateway('infra', 'tls', [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'pay-cert', namespace: 'tenant-b' }] } }]) +
        grant('tenant-b', 'all', [{ kind: 'HTTPRoute', namespace: 'infra' }, { kind: 'Gateway', namespace: 'infra' }], [{ kind: 'Service' }, { kind: 'Secret' }]),
      findings: [
        { subjectKey: 'Service/*', check: (f) => expect(f.fix).toMatchObject({ patch: { spec: { to: [{ kind: 'Service', name: 'payments' }, { kind: 'Secret', name: 'pay-cert' }] } } }) },
        { subjectKey: 'Secret/*', severity: 'high' },
      ],
    },
  ],
});
