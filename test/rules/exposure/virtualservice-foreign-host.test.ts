import { expect } from '@jest/globals';
import { virtualServiceForeignHostRule } from '../../../src/rules/exposure/virtualservice-foreign-host.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const service = `
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: tenant-b}
spec: {ports: [{port: 80}]}
`;
const vs = (host: string, extra = '') => `
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: steal, namespace: tenant-a}
spec:
  hosts: ["${host}"]
  http: [{route: [{destination: {host: evil.tenant-a.svc.cluster.local}}]}]
${extra}`;

runRuleTests(virtualServiceForeignHostRule, {
  valid: [
    { name: 'routes its own host', manifests: ns('tenant-a', 'tenant-b') + service + vs('web') },
    { name: 'foreign host but restricted to its namespace', manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + service + vs('payments.tenant-b.svc.cluster.local', '  exportTo: ["."]\n') },
    { name: 'gateway-only VirtualService does not touch sidecars', manifests: ns('tenant-a', 'tenant-b') + service + vs('payments.tenant-b.svc.cluster.local', '  gateways: [istio-ingress/public]\n') },
  ],
  invalid: [
    {
      name: "routes another tenant's Service host, imported mesh-wide",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + service + vs('payments.tenant-b.svc.cluster.local'),
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          affectedNamespaces: ['tenant-b', 'tenant-c'],
          messageIncludes: ['Service tenant-b/payments'],
          check: (f) => {
            expect(f.evidence.foreignOwners).toEqual(['tenant-b']);
            expect(f.fix).toMatchObject({ type: 'merge-patch', patch: { spec: { exportTo: ['.'] } } });
          },
        },
      ],
    },
    {
      name: "a wildcard VirtualService covers another tenant's ServiceEntry",
      manifests: `${ns('tenant-a', 'tenant-b', 'tenant-c')}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner, namespace: tenant-b}
spec: {hosts: [api.partner.example.com], exportTo: ["."]}
${vs('*.partner.example.com', '  exportTo: ["tenant-c"]\n')}`,
      findings: [{ affectedNamespaces: ['tenant-c'], messageIncludes: ['ServiceEntry tenant-b/partner'] }],
    },
  ],
});
