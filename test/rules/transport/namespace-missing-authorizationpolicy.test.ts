import { expect } from '@jest/globals';
import { namespaceMissingAuthorizationPolicy } from '../../../src/rules/transport/namespace-missing-authorizationpolicy.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const namespaces = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: aks-istio-system}
`;
const aks = { meshConfig: { rootNamespace: 'aks-istio-system' } };

runRuleTests(namespaceMissingAuthorizationPolicy, {
  valid: [
    {
      name: 'an empty-spec policy (deny all) counts',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: tenant-a}
spec: {}
`,
    },
    {
      name: 'a selector-less policy in the root namespace applies mesh-wide',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mesh-default, namespace: aks-istio-system}
spec: {action: ALLOW, rules: [{from: [{source: {principals: ["cluster.local/ns/aks-istio-ingress/sa/gw"]}}]}]}
`,
    },
    {
      name: 'a workload policy of the namespace itself counts',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api, namespace: tenant-a}
spec: {selector: {matchLabels: {app: api}}, rules: [{from: [{source: {namespaces: [tenant-a]}}]}]}
`,
    },
  ],
  invalid: [
    {
      name: 'no policy at all',
      ...aks,
      manifests: namespaces,
      findings: [
        {
          severity: 'medium',
          namespace: 'tenant-a',
          check: (f) => expect(f.fix).toEqual({ type: 'manifest', manifest: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'default-deny', namespace: 'tenant-a' }, spec: {} } }),
        },
      ],
    },
    {
      name: 'a policy Istio rejected (negative status) and an AUDIT policy do not count',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: broken, namespace: tenant-a}
spec: {}
status:
  conditions: [{type: Reconciled, status: "False", message: invalid}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: audit, namespace: tenant-a}
spec: {action: AUDIT, rules: [{}]}
`,
      findings: [{ namespace: 'tenant-a', messageIncludes: ['tenant-a/broken, not accepted', 'tenant-a/audit, AUDIT'] }],
    },
    {
      name: 'a root-namespace policy with a selector is not a namespace default',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: gw, namespace: aks-istio-system}
spec: {selector: {matchLabels: {app: gateway}}}
`,
      findings: [{ namespace: 'tenant-a' }],
    },
  ],
});
