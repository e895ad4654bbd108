import { workloadInjectionDisabled } from '../../../src/rules/enrolment/workload-injection-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

runRuleTests(workloadInjectionDisabled, {
  valid: [
    {
      name: 'injected workloads, and an opt-out in a system namespace',
      manifests: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: tenant-a}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api, sidecar.istio.io/inject: "true"}}}
---
apiVersion: v1
kind: Pod
metadata: {name: node-agent, namespace: kube-system, labels: {sidecar.istio.io/inject: "false"}}
`,
    },
  ],
  invalid: [
    {
      name: 'Deployment template label and a stand-alone Pod annotation; pods of the Deployment are not repeated',
      manifests: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch, namespace: tenant-a}
spec:
  selector: {matchLabels: {app: batch}}
  template: {metadata: {labels: {app: batch, sidecar.istio.io/inject: "false"}}}
---
apiVersion: v1
kind: Pod
metadata: {name: batch-7d9f-abcde, namespace: tenant-a, labels: {app: batch, sidecar.istio.io/inject: "false"}}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: tenant-b, annotations: {sidecar.istio.io/inject: "false"}}
`,
      findings: [
        { severity: 'medium', resourceKind: 'Deployment', resourceName: 'batch', messageIncludes: ['label sidecar.istio.io/inject'] },
        { resourceKind: 'Pod', resourceName: 'debug', messageIncludes: ['annotation sidecar.istio.io/inject'] },
      ],
    },
  ],
});
