import { destinationRuleTlsDisabled } from '../../../src/rules/transport/destinationrule-tls-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

runRuleTests(destinationRuleTlsDisabled, {
  valid: [
    {
      name: 'ISTIO_MUTUAL to a mesh service',
      manifests: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: tenant-a}
spec: {host: api, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
`,
    },
    {
      name: 'DISABLE towards an external host (plain HTTP egress is not in-mesh)',
      manifests: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ext, namespace: tenant-a}
spec: {host: legacy.example.com, trafficPolicy: {tls: {mode: DISABLE}}}
`,
    },
    {
      // Whether a host is in-mesh can depend on MESH_INTERNAL ServiceEntries: unread, the whole rule is blind.
      name: 'ServiceEntries unreadable: the rule is blind rather than calling the host external',
      coverage: { ServiceEntry: { status: 'forbidden', error: 'serviceentries.networking.istio.io is forbidden' } },
      manifests: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: vm, namespace: tenant-a}
spec: {host: api, trafficPolicy: {tls: {mode: DISABLE}}}
`,
    },
  ],
  invalid: [
    {
      name: 'top-level DISABLE on a short service name',
      manifests: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: tenant-a}
spec: {host: api, trafficPolicy: {tls: {mode: DISABLE}}}
`,
      findings: [{ severity: 'medium', namespace: 'tenant-a', subjectKey: 'api.tenant-a.svc.cluster.local', messageIncludes: ['spec.trafficPolicy.tls'] }],
    },
    {
      name: 'port-level and subset DISABLE',
      manifests: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: payments, namespace: tenant-b}
spec:
  host: payments.tenant-b.svc.cluster.local
  trafficPolicy:
    portLevelSettings:
    - port: {number: 8080}
      tls: {mode: DISABLE}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {tls: {mode: DISABLE}}
`,
      findings: [{ resourceName: 'payments', messageIncludes: ['portLevelSettings[0].tls (port 8080)', 'spec.subsets[v1].trafficPolicy.tls'] }],
    },
    {
      name: 'DISABLE towards a MESH_INTERNAL ServiceEntry host',
      manifests: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vm, namespace: tenant-a}
spec: {hosts: [vm.internal.corp], location: MESH_INTERNAL, exportTo: ["."]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: vm, namespace: tenant-a}
spec: {host: vm.internal.corp, trafficPolicy: {tls: {mode: DISABLE}}}
`,
      findings: [{ resourceName: 'vm', resourceKind: 'DestinationRule' }],
    },
  ],
});
