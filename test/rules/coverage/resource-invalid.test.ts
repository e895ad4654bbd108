import { expect } from '@jest/globals';
import { findRule } from '../../../src/rules/registry.js';
import type { Rule } from '../../../src/rules/types.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const rule = findRule('resource-invalid') as Rule;

runRuleTests(rule, {
  valid: [
    {
      name: 'well-typed Istio objects',
      manifests: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: tenant-a}
spec:
  hosts: [api.example.com]
  exportTo: ["."]
  ports: [{number: 443, name: https, protocol: TLS}]
---
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: tenant-a}
spec:
  egress:
  - hosts: ["./*", "aks-istio-system/*"]
`,
    },
    {
      name: 'a positive status and warnings only',
      manifests: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: tenant-a}
spec: {hosts: [a.example.com], http: [{route: [{destination: {host: a.example.com}}]}]}
status:
  conditions: [{type: Reconciled, status: "True"}]
  validationMessages: [{level: WARNING, type: {code: IST0101, name: ReferencedResourceNotFound}}]
`,
    },
  ],
  invalid: [
    {
      name: 'objects the API server or Istio\'s webhook rejects (bare * host, serviceAccounts with namespaces, port-level mTLS without selector)',
      manifests: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: everything, namespace: tenant-a}
spec: {hosts: ["*"], resolution: DNS}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mixed, namespace: tenant-b}
spec: {rules: [{from: [{source: {serviceAccounts: [web], namespaces: [tenant-c]}}]}]}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ports, namespace: tenant-c}
spec: {portLevelMtls: {"8080": {mode: DISABLE}}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: all, namespace: tenant-d}
spec: {hosts: ["*"], http: [{route: [{destination: {host: web.tenant-d.svc.cluster.local}}]}]}
`,
      findings: [
        { resourceName: 'everything', messageIncludes: ['the API server rejects it', 'hostname cannot be wildcard', 'ignored for exposure'] },
        { resourceName: 'mixed', messageIncludes: ['the API server rejects it', 'Cannot set serviceAccounts with namespaces or principals'] },
        { resourceName: 'ports', messageIncludes: ['portLevelMtls requires selector'] },
        { resourceName: 'all', messageIncludes: ["Istio's validating webhook rejects it", 'wildcard host * is not allowed'] },
      ],
    },
    {
      name: 'exportTo as a string instead of a list',
      manifests: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: tenant-a}
spec:
  hosts: [api.example.com]
  exportTo: "."
`,
      findings: [
        {
          severity: 'low',
          namespace: 'tenant-a',
          resourceKind: 'ServiceEntry',
          resourceName: 'api',
          messageIncludes: ['spec.exportTo', 'must be array', 'ignored for exposure'],
          check: (finding) => expect(finding.source).toEqual({ file: 'test.yaml', line: 1 }),
        },
      ],
    },
    {
      name: 'hosts as a string, egress as an object, workloadSelector as a list',
      manifests: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: tenant-a}
spec: {hosts: a.example.com}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: sc, namespace: tenant-b}
spec: {egress: {hosts: ["./*"]}}
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: dr, namespace: tenant-c}
spec: {host: a.example.com, workloadSelector: [app]}
`,
      findings: [
        { resourceName: 'vs', messageIncludes: ['spec.hosts'] },
        { resourceName: 'sc', messageIncludes: ['spec.egress'] },
        { resourceName: 'dr', messageIncludes: ['spec.workloadSelector'] },
      ],
    },
    {
      name: 'a negative Reconciled condition and an ERROR validation message',
      manifests: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: tenant-a}
spec: {hosts: [x.example.com]}
status:
  conditions: [{type: Reconciled, status: "False", message: "rejected by webhook"}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ap, namespace: tenant-b}
spec: {}
status:
  validationMessages: [{level: ERROR, type: {code: IST0173, name: InvalidPolicy}}]
`,
      findings: [
        { resourceName: 'se', messageIncludes: ['not applied', 'Reconciled=False', 'rejected by webhook'] },
        { resourceName: 'ap', messageIncludes: ['not applied', 'IST0173'] },
      ],
    },
  ],
});
