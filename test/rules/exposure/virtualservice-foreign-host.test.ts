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

const wildcardEntry = (namespace: string, host: string, exportTo: string) => `
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: catch-all, namespace: ${namespace}}
spec: {hosts: ["${host}"], exportTo: ${exportTo}, resolution: NONE, ports: [{number: 80, name: http, protocol: HTTP}]}
`;

runRuleTests(virtualServiceForeignHostRule, {
  valid: [
    { name: 'routes its own host', manifests: ns('tenant-a', 'tenant-b') + service + vs('web') },
    { name: 'foreign host but restricted to its namespace', manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + service + vs('payments.tenant-b.svc.cluster.local', '  exportTo: ["."]\n') },
    {
      // A "*" ServiceEntry exported only to its namespace owns nothing outside it; tenant-a routes its own short name.
      name: 'a wildcard ServiceEntry private to another namespace does not make its own short name foreign',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + service + wildcardEntry('tenant-b', '*', '["."]') + vs('web'),
    },
    {
      name: "a public wildcard does not own the VirtualService namespace's own Service names",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + wildcardEntry('tenant-b', '*.svc.cluster.local', '["*"]') + vs('web'),
    },
    {
      name: 'an exact definition beats a covering wildcard of another tenant',
      manifests: `${ns('tenant-a', 'tenant-b', 'tenant-c')}${wildcardEntry('tenant-b', '*.example.com', '["*"]')}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mine, namespace: tenant-a}
spec: {hosts: [api.example.com], exportTo: ["."]}
${vs('api.example.com')}`,
    },
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
    {
      name: "an exact host under another tenant's public wildcard, defined by nobody exactly",
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + wildcardEntry('tenant-b', '*.partner.example.com', '["*"]') + vs('api.partner.example.com'),
      findings: [{ affectedNamespaces: ['tenant-b', 'tenant-c'], messageIncludes: ['ServiceEntry tenant-b/catch-all'] }],
    },
  ],
});
