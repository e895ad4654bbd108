import { expect } from '@jest/globals';
import { sidecarEgressHostUnresolvedRule } from '../../../src/rules/sidecar/sidecar-egress-host-unresolved.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const sidecar = (hosts: string) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: tenant-a}
spec: {egress: [{hosts: ${hosts}}]}
`;
const world = `${ns('tenant-a', 'tenant-b', 'istio-system')}
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: tenant-b}
spec: {ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: tenant-a}
spec: {hosts: [api.example.com], exportTo: ["."]}
`;

runRuleTests(sidecarEgressHostUnresolvedRule, {
  valid: [
    { name: 'every host resolves', manifests: world + sidecar('["./*", "istio-system/*", "tenant-b/payments.tenant-b.svc.cluster.local", "./api.example.com", "~/*"]') },
  ],
  invalid: [
    {
      name: 'unknown namespace, unknown host, malformed entry',
      manifests: world + sidecar('["tenant-z/*", "tenant-b/billing.tenant-b.svc.cluster.local", "api.example.com"]'),
      findings: [
        {
          severity: 'low',
          namespace: 'tenant-a',
          check: (f) =>
            expect(f.evidence.unresolvedHosts).toEqual([
              'tenant-z/* (namespace tenant-z does not exist)',
              'tenant-b/billing.tenant-b.svc.cluster.local (matches no host)',
              'api.example.com (not of the form namespace/host)',
            ]),
        },
      ],
    },
  ],
});
