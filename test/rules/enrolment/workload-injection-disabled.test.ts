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
    {
      // Istio's injector reads the label when present and only falls back to the annotation.
      name: 'the label wins over the annotation: label "true" with annotation "false" is injected; YAML-style "Yes"/"on" inject',
      manifests: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: tenant-a}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web, sidecar.istio.io/inject: "true"}, annotations: {sidecar.istio.io/inject: "false"}}}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: tenant-a, annotations: {sidecar.istio.io/inject: "Yes"}}
---
apiVersion: v1
kind: Pod
metadata: {name: tool2, namespace: tenant-a, labels: {sidecar.istio.io/inject: "on"}}
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
    {
      // The injector lower-cases the value; anything but y/yes/true/on (or empty) disables injection.
      name: 'any value other than y/yes/true/on disables: "False", "no", "off", and a label "false" overriding annotation "true"',
      manifests: `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: tenant-a, annotations: {sidecar.istio.io/inject: "False"}}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: tenant-a, labels: {sidecar.istio.io/inject: "no"}}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: tenant-a, annotations: {sidecar.istio.io/inject: "off"}}
---
apiVersion: v1
kind: Pod
metadata: {name: d, namespace: tenant-a, labels: {sidecar.istio.io/inject: "false"}, annotations: {sidecar.istio.io/inject: "true"}}
`,
      findings: [
        { resourceName: 'a', messageIncludes: ['annotation sidecar.istio.io/inject: "False"'] },
        { resourceName: 'b', messageIncludes: ['label sidecar.istio.io/inject: "no"'] },
        { resourceName: 'c', messageIncludes: ['annotation sidecar.istio.io/inject: "off"'] },
        { resourceName: 'd', messageIncludes: ['label sidecar.istio.io/inject: "false"'] },
      ],
    },
  ],
});
