import { expect } from '@jest/globals';
import { authorizationPolicyUnknownNamespace } from '../../../src/rules/transport/authorizationpolicy-unknown-namespace.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const namespaces = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: prod-web}
`;

runRuleTests(authorizationPolicyUnknownNamespace, {
  valid: [
    {
      name: 'existing names and a prefix pattern that matches',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ap, namespace: tenant-a}
spec: {rules: [{from: [{source: {namespaces: [tenant-a, "prod-*"]}}]}]}
`,
    },
    {
      name: 'no Namespace objects read: existence unknown, nothing reported',
      manifests: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ap, namespace: tenant-a}
spec: {rules: [{from: [{source: {namespaces: [ghost]}}]}]}
`,
    },
  ],
  invalid: [
    {
      name: 'a misspelt namespace and a pattern that matches nothing',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ap, namespace: tenant-a}
spec:
  rules:
  - from: [{source: {namespaces: [tenant-b]}}]
  - from: [{source: {namespaces: ["staging-*"]}}]
`,
      findings: [{ severity: 'low', resourceName: 'ap', subjectKey: 'staging-*,tenant-b', messageIncludes: ['staging-*, tenant-b'] }],
    },
    {
      // authorizationpolicies.go analyzeNamespaceNotFound checks namespaces and notNamespaces (testdata httpbin-bogus-not-ns).
      name: 'notNamespaces naming namespaces that do not exist',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: httpbin-bogus-not-ns, namespace: tenant-a}
spec:
  rules:
  - from:
    - source: {principals: ["cluster.local/ns/default/sa/sleep"]}
    - source: {notNamespaces: ["prod-*", "*-bogus", "bogus-*", "*", tenant-a]}
`,
      findings: [
        {
          resourceName: 'httpbin-bogus-not-ns',
          subjectKey: '*-bogus,bogus-*',
          messageIncludes: ['*-bogus, bogus-*'],
          check: (f) => expect(f.evidence.fields).toEqual(['spec.rules[0].from[1].source.notNamespaces']),
        },
      ],
    },
  ],
});
