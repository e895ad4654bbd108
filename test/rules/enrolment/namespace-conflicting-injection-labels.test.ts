import { expect } from '@jest/globals';
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
    {
      // injection.go NamespaceMultipleInjectionLabels: a disabled istio-injection makes the other labels moot.
      name: 'istio-injection=disabled with istio.io/rev or the ambient label (istioctl analyze testdata not-conflict-ns-1/2)',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: not-conflict-ns-1, labels: {istio-injection: disabled, istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Namespace
metadata: {name: not-conflict-ns-2, labels: {istio-injection: disabled, istio.io/rev: test}}
`,
    },
    { name: 'ambient alone', meshMode: 'self-managed', manifests: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: amb, labels: {istio.io/dataplane-mode: ambient}}\n' },
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
      findings: [{ severity: 'low', namespace: 'tenant-a', messageIncludes: ['pods get sidecars through istio-injection=enabled', 'revision canary is ignored'] }],
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
    {
      // The injection webhooks ignore dataplane-mode, and istio-cni skips pods that have a sidecar (enablement_selector.go).
      name: 'an injection label with istio.io/dataplane-mode=ambient: pods get sidecars, not ambient (testdata multi-ns-2/3)',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: multi-ns-2, labels: {istio-injection: enabled, istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Namespace
metadata: {name: multi-ns-3, labels: {istio.io/rev: test, istio.io/dataplane-mode: ambient}}
`,
      findings: [
        {
          namespace: 'multi-ns-2',
          messageIncludes: ['pods get sidecars through istio-injection=enabled', 'ztunnel never captures them'],
          check: (f) => {
            expect(f.evidence.mode).toBe('sidecar');
            expect(f.fix).toMatchObject({ patch: { metadata: { labels: { 'istio.io/dataplane-mode': null } } } });
          },
        },
        { namespace: 'multi-ns-3', messageIncludes: ['istio.io/rev=test', 'istio.io/dataplane-mode=ambient is ignored'] },
      ],
    },
  ],
});
