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
  ],
  invalid: [
    {
      name: 'a Deployment template selected by both',
      manifests: sidecars + deployment('{app: ratings, version: v2}'),
      findings: [{ severity: 'medium', namespace: 'tenant-a', resourceName: 'by-version', messageIncludes: ['Deployment/ratings', 'older by-app'] }],
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
      findings: [{ resourceName: 'by-version', messageIncludes: ['Pod/ratings-abc'] }],
    },
  ],
});
