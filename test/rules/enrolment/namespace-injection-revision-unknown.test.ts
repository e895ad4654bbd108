import { namespaceInjectionRevisionUnknown } from '../../../src/rules/enrolment/namespace-injection-revision-unknown.js';
import { expect } from '@jest/globals';
import { runRuleTests } from '../../helpers/rule-tester.js';

const aksCluster = { name: 'aks-1', serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-24', 'asm-1-25'] } } };

/** What `istioctl tag set <tag> --revision <revision>` creates (labels as istioctl/pkg/tag sets them). */
const tagWebhook = (tag: string, revision: string) => `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-revision-tag-${tag}
  labels: {istio.io/tag: ${tag}, istio.io/rev: ${revision}, app: sidecar-injector}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  namespaceSelector:
    matchExpressions:
    - {key: istio.io/rev, operator: In, values: [${tag}]}
    - {key: istio-injection, operator: DoesNotExist}
`;

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
      name: 'revision tag pointing at an installed AKS revision',
      aksCluster,
      manifests: `${tagWebhook('prod-stable', 'asm-1-25')}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: prod-stable}}
`,
    },
    {
      name: 'self-managed: revision tag pointing at the revision of the mesh ConfigMap',
      manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-1-26-2, namespace: istio-system}
data: {mesh: "{}"}
---${tagWebhook('prod-stable', '1-26-2')}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: prod-stable}}
`,
    },
    {
      // An unreadable webhook list would turn every tag into an "unknown revision": the rule is blind instead.
      name: 'webhook configurations unreadable: tags unknown, the rule is blind',
      aksCluster,
      coverage: { MutatingWebhookConfiguration: { status: 'forbidden', error: 'mutatingwebhookconfigurations is forbidden' } },
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: prod-stable}}
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
    {
      // istioctl analyze testdata injection.yaml multi-ns-1 / not-conflict-ns-2: istio-injection decides, not the revision label.
      name: 'an unknown revision label next to istio-injection (enabled: the default revision injects; disabled: nothing does)',
      meshRevisions: ['canary'],
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: multi-ns-1, labels: {istio-injection: enabled, istio.io/rev: test}}
---
apiVersion: v1
kind: Namespace
metadata: {name: not-conflict-ns-2, labels: {istio-injection: disabled, istio.io/rev: test}}
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
    {
      name: 'revision tag left pointing at a revision the upgrade removed',
      aksCluster,
      manifests: `${tagWebhook('prod-stable', 'asm-1-23')}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: prod-stable}}
`,
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          subjectKey: 'prod-stable',
          messageIncludes: ['istio.io/rev=prod-stable', 'revision tag pointing at revision asm-1-23', 'asm-1-24, asm-1-25'],
          // Moving a tag is a cluster-wide decision: no mechanical namespace patch.
          check: (finding) => expect(finding.fix).toBeUndefined(),
        },
      ],
    },
    {
      name: 'a tag webhook without istio.io/tag is not a tag: the label names nothing installed',
      aksCluster,
      manifests: `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-revision-tag-prod-stable, labels: {istio.io/rev: asm-1-25}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio.io/rev: prod-stable}}
`,
      findings: [{ namespace: 'tenant-a', subjectKey: 'prod-stable', messageIncludes: ['neither an installed revision', 'nor a revision tag'] }],
    },
  ],
});
