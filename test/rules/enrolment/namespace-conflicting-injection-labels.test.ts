import { namespaceConflictingInjectionLabels } from '../../../src/rules/enrolment/namespace-conflicting-injection-labels.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

runRuleTests(namespaceConflictingInjectionLabels, {
  valid: [
    {
      name: 'one label only',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: asm-1-25}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b, labels: {istio-injection: enabled}}
`,
    },
  ],
  invalid: [
    {
      name: 'upstream: istio-injection wins',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled, istio.io/rev: canary}}
`,
      findings: [{ severity: 'low', namespace: 'tenant-a', messageIncludes: ['injected through istio-injection=enabled, not revision canary'] }],
    },
    {
      name: 'AKS add-on: not injected at all',
      meshMode: 'Istio',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled, istio.io/rev: asm-1-25}}
`,
      findings: [{ namespace: 'tenant-a', messageIncludes: ['not injected'] }],
    },
  ],
});
