import { sidecarSelectorOverlapRule } from '../../../src/rules/sidecar/sidecar-selector-overlap.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const sidecars = `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: by-app, namespace: tenant-a, creationTimestamp: "2023-01-01T00:00:00Z"}
spec: {workloadSelector: {labels: {app: ratings}}, egress: [{hosts: ["./*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: by-version, namespace: tenant-a, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {workloadSelector: {labels: {version: v2}}, egress: [{hosts: ["*/*"]}]}
`;
const deployment = (labels: string) => `
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ratings, namespace: tenant-a}
spec: {template: {metadata: {labels: ${labels}}}}
`;

runRuleTests(sidecarSelectorOverlapRule, {
  valid: [
    { name: 'no workload inventory: no finding', manifests: sidecars },
    { name: 'each workload selected once', manifests: sidecars + deployment('{app: ratings, version: v1}') },
    {
      // Without Pods, whether a selector matches anything is unknown.
      name: 'a selector matching no workload when Pods were not read',
      manifests: sidecars.split('---')[0]!,
    },
    {
      name: 'a workload template (StatefulSet) counts as a match while its Pods are starting',
      manifests: `${sidecars.split('---')[0]!}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ratings, namespace: tenant-a}
spec: {template: {metadata: {labels: {app: ratings}}}}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: tenant-b, labels: {app: other}}
`,
    },
    {
      // Both apply to every workload: two namespace-wide Sidecars, which sidecar-multiple-defaults reports.
      name: 'two Sidecars whose workloadSelector has no labels',
      manifests: `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: everyone, namespace: tenant-a, creationTimestamp: "2023-01-01T00:00:00Z"}
spec: {workloadSelector: {labels: {}}, egress: [{hosts: ["./*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: everyone-too, namespace: tenant-a, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {workloadSelector: {}, egress: [{hosts: ["*/*"]}]}
${deployment('{app: ratings}')}`,
    },
    {
      // selector.go skips conflicts on pods in ambient mode (util.PodInAmbientMode): they have no sidecar.
      name: 'a Pod ztunnel captures selected by both (ambient.istio.io/redirection: enabled)',
      manifests: `${sidecars}
---
apiVersion: v1
kind: Pod
metadata: {name: ratings-abc, namespace: tenant-a, labels: {app: ratings, version: v2, istio.io/dataplane-mode: ambient}, annotations: {ambient.istio.io/redirection: enabled}}
spec: {containers: [{name: c, image: x}]}
`,
    },
  ],
  invalid: [
    {
      // Istio tries selector Sidecars oldest first and an empty selector matches every workload
      // (push_context.go doGetSidecarScope), so the older label-less one takes ratings from by-app.
      name: 'an older Sidecar with a label-less workloadSelector and a labelled one select the same workload',
      manifests: `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: everyone, namespace: tenant-a, creationTimestamp: "2022-01-01T00:00:00Z"}
spec: {workloadSelector: {labels: {}}, egress: [{hosts: ["./*"]}]}
---
${sidecars.split('---')[0]!}${deployment('{app: ratings}')}`,
      findings: [
        { resourceName: 'by-app', subjectKey: 'everyone', messageIncludes: ['Istio applies the older everyone'] },
        { resourceName: 'everyone', subjectKey: 'by-app' },
      ],
    },
    {
      name: 'a Deployment template selected by both',
      manifests: sidecars + deployment('{app: ratings, version: v2}'),
      findings: [
        { severity: 'medium', namespace: 'tenant-a', resourceName: 'by-version', messageIncludes: ['Deployment/ratings', 'older by-app'] },
        // istioctl analyze reports ConflictingSidecarWorkloadSelectors on both Sidecars.
        { severity: 'medium', resourceName: 'by-app', subjectKey: 'by-version', messageIncludes: ['ignores by-version there'] },
      ],
    },
    {
      name: 'a Pod selected by both',
      manifests: `${sidecars}
---
apiVersion: v1
kind: Pod
metadata: {name: ratings-abc, namespace: tenant-a, labels: {app: ratings, version: v2}}
spec: {containers: [{name: c, image: x}]}
`,
      findings: [{ resourceName: 'by-version', messageIncludes: ['Pod/ratings-abc'] }, { resourceName: 'by-app' }],
    },
    {
      // selector.go: ReferencedResourceNotFound for a selector matching no Pod of the Sidecar's own namespace.
      name: 'a selector matching no Pod of its namespace (istioctl analyze testdata sidecar-selector.yaml)',
      manifests: `
apiVersion: v1
kind: Pod
metadata: {name: productpage, namespace: default, labels: {app: productpage}}
---
apiVersion: v1
kind: Pod
metadata: {name: productpage-other, namespace: other, labels: {app: productpage}}
---
apiVersion: v1
kind: Pod
metadata: {name: reviews, namespace: default, labels: {app: reviews}}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: maps-correctly-no-conflicts, namespace: default}
spec: {workloadSelector: {labels: {app: productpage}}, egress: [{hosts: ["./*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: maps-to-nonexistent, namespace: default}
spec: {workloadSelector: {labels: {app: bogus}}, egress: [{hosts: ["./*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: maps-to-different-ns, namespace: other}
spec: {workloadSelector: {labels: {app: reviews}}, egress: [{hosts: ["./*"]}]}
`,
      findings: [
        { resourceName: 'maps-to-nonexistent', namespace: 'default', subjectKey: 'no-matching-workload', messageIncludes: ['selects no workload in default (workloadSelector app=bogus)', 'scopes nothing'] },
        { resourceName: 'maps-to-different-ns', namespace: 'other', subjectKey: 'no-matching-workload' },
      ],
    },
  ],
});
