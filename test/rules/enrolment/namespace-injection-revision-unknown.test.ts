import { namespaceInjectionRevisionUnknown } from '../../../src/rules/enrolment/namespace-injection-revision-unknown.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const aksCluster = { name: 'aks-1', serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-24', 'asm-1-25'] } } };

runRuleTests(namespaceInjectionRevisionUnknown, {
  valid: [
    {
      // Without ARM, installed revisions come from the mesh ConfigMaps: unreadable ConfigMaps make the rule blind
      // (reported by scan-incomplete) instead of calling every revision label unknown.
      name: 'ConfigMaps unreadable: installed revisions unknown, the rule is blind',
      meshRevisions: ['stable'],
      coverage: { ConfigMap: { status: 'forbidden', error: 'configmaps is forbidden' } },
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: canary}}
`,
    },
    {
      name: 'revisions installed according to ARM (az aks show shape)',
      aksCluster,
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: asm-1-24}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b, labels: {istio.io/rev: asm-1-25}}
`,
    },
    {
      name: 'self-managed: revision seen in the mesh ConfigMaps',
      manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-canary, namespace: istio-system}
data: {mesh: "{}"}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: canary}}
`,
    },
    {
      name: 'no installed revision known: nothing to compare against',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: asm-1-20}}
`,
    },
  ],
  invalid: [
    {
      name: 'a revision removed by an upgrade',
      aksCluster,
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: asm-1-22}}
`,
      findings: [{ severity: 'high', namespace: 'tenant-a', subjectKey: 'asm-1-22', messageIncludes: ['asm-1-24, asm-1-25'] }],
    },
    {
      name: 'self-managed: ConfigMap revision differs from the label',
      meshRevisions: ['default'],
      manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "{}"}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: stable}}
`,
      findings: [{ namespace: 'tenant-a', messageIncludes: ['istio.io/rev=stable', 'default'] }],
    },
  ],
});
