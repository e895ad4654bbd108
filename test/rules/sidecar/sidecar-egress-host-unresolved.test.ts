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
    {
      // sidecar.go VSMatches: a VirtualService is selected when either host covers the other.
      name: 'a host inside a wildcard VirtualService of the namespace',
      manifests: `${world}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partners, namespace: tenant-b}
spec: {hosts: ["*.partner.example.com"], http: [{route: [{destination: {host: payments}}]}]}
${sidecar('["tenant-b/api.partner.example.com"]')}`,
    },
  ],
  invalid: [
    {
      // sidecar.go hostClassification.Matches: a service is selected only when the egress host covers its hostname.
      name: 'a host inside a wildcard ServiceEntry of the namespace selects nothing',
      manifests: `${world}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partners, namespace: tenant-b}
spec: {hosts: ["*.partner.example.com"], ports: [{number: 443, name: tls, protocol: TLS}], resolution: NONE}
${sidecar('["tenant-b/api.partner.example.com", "tenant-b/*.example.com"]')}`,
      findings: [{ check: (f) => expect(f.evidence.unresolvedHosts).toEqual(['tenant-b/api.partner.example.com (matches no host)']) }],
    },
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
