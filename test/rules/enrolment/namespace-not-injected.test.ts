import { expect } from '@jest/globals';
import { namespaceNotInjected } from '../../../src/rules/enrolment/namespace-not-injected.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const aksCluster = { name: 'aks-1', properties: { serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-25'] } } } };
const aks = { aksCluster, meshMode: 'Istio' as const, meshConfig: { rootNamespace: 'aks-istio-system' } };

runRuleTests(namespaceNotInjected, {
  valid: [
    {
      name: 'AKS add-on: istio.io/rev label',
      ...aks,
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: asm-1-25}}
`,
    },
    {
      name: 'upstream: istio-injection=enabled',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled}}
`,
    },
    {
      // A label naming a revision tag is enrolment too (istioctl tag set prod-stable --revision default).
      name: 'upstream: istio.io/rev naming a revision tag',
      meshMode: 'self-managed',
      manifests: `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-revision-tag-prod-stable, labels: {istio.io/tag: prod-stable, istio.io/rev: default}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: prod-stable}}
`,
    },
    {
      name: 'AKS add-on: istio.io/rev naming a revision tag of an installed revision',
      ...aks,
      manifests: `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-revision-tag-prod-stable, labels: {istio.io/tag: prod-stable, istio.io/rev: asm-1-25}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: prod-stable}}
`,
    },
    {
      // mutatingwebhook.yaml "auto." webhook; istioctl analyze NamespaceInjectionEnabledByDefault.
      name: 'upstream: sidecarInjectorWebhook.enableNamespacesByDefault enrols unlabelled namespaces',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data:
  values: |-
    {"sidecarInjectorWebhook": {"enableNamespacesByDefault": true, "rewriteAppHTTPProbe": true}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
`,
    },
    {
      name: 'system namespaces are not tenants',
      ...aks,
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
`,
    },
    {
      name: 'no mesh at all (ARM says none): reported by aks-mesh-addon-disabled instead',
      meshMode: 'none',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
`,
    },
  ],
  invalid: [
    {
      name: 'AKS add-on: istio-injection=enabled does nothing',
      ...aks,
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled}}
`,
      findings: [
        {
          severity: 'medium',
          namespace: 'tenant-a',
          messageIncludes: ['istio-injection=enabled does nothing on the AKS add-on'],
          check: (f) => expect(f.fix).toEqual({ type: 'merge-patch', target: { apiVersion: 'v1', kind: 'Namespace', name: 'tenant-a', namespace: '' }, patch: { metadata: { labels: { 'istio.io/rev': 'asm-1-25', 'istio-injection': null } } } }),
        },
      ],
    },
    {
      name: 'upstream: no label, and istio-injection=disabled',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b, labels: {istio-injection: disabled, istio.io/rev: default}}
`,
      findings: [
        { namespace: 'tenant-a', messageIncludes: ['neither'] },
        { namespace: 'tenant-b', messageIncludes: ['istio-injection=disabled disables injection'] },
      ],
    },
    {
      name: 'AKS add-on: both labels means no injection',
      ...aks,
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled, istio.io/rev: asm-1-25}}
`,
      findings: [{ namespace: 'tenant-a', messageIncludes: ['require istio-injection to be absent'] }],
    },
    {
      name: 'upstream: enableNamespacesByDefault does not override an explicit istio-injection=disabled',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data: {values: '{"sidecarInjectorWebhook": {"enableNamespacesByDefault": true}}'}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: disabled}}
`,
      findings: [{ namespace: 'tenant-a', messageIncludes: ['istio-injection=disabled disables injection'] }],
    },
  ],
});
