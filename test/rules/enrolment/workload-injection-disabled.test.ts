import { workloadInjectionDisabled } from '../../../src/rules/enrolment/workload-injection-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const injectedNamespace = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled}}`;

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
      name: 'the label wins over the annotation: label "true" with annotation "false" is injected; YAML-style "Yes"/"on" inject (Istio < 1.27)',
      istioVersion: '1.26',
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
    {
      // inject.go injectRequired from 1.27: only "true" and "false" count; anything else falls back to the namespace default.
      name: 'Istio >= 1.27: "False", "no" and "off" are not opt-outs (the namespace default applies)',
      istioVersion: '1.27',
      manifests: `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: tenant-a, annotations: {sidecar.istio.io/inject: "False"}}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: tenant-a, labels: {sidecar.istio.io/inject: "no"}}
`,
    },
    {
      name: 'pods of an injected namespace with istio-proxy (container or native sidecar), on the host network, captured by ztunnel, or finished',
      meshMode: 'self-managed',
      manifests: `${injectedNamespace}
---
apiVersion: v1
kind: Pod
metadata: {name: injected, namespace: tenant-a}
spec: {containers: [{name: app, image: app}, {name: istio-proxy, image: proxyv2}]}
---
apiVersion: v1
kind: Pod
metadata: {name: native-sidecar, namespace: tenant-a}
spec: {initContainers: [{name: istio-proxy, image: proxyv2, restartPolicy: Always}], containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: node-agent, namespace: tenant-a}
spec: {hostNetwork: true, containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: captured, namespace: tenant-a, annotations: {ambient.istio.io/redirection: enabled}}
spec: {containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: done, namespace: tenant-a}
spec: {containers: [{name: app, image: app}]}
status: {phase: Succeeded}
`,
    },
    {
      name: 'pods without a proxy where none is expected: an ambient namespace, a namespace that is not injected, a system namespace',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-ambient, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-plain}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: tenant-ambient}
spec: {containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: tenant-plain}
spec: {containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: kube-system}
spec: {containers: [{name: app, image: app}]}
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
      // Before 1.27 the injector lower-cases the value; anything but y/yes/true/on (or empty) disables injection.
      name: 'Istio < 1.27: any value other than y/yes/true/on disables: "False", "no", "off", and a label "false" overriding annotation "true"',
      istioVersion: '1.26',
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
    {
      name: 'every workload controller with a pod template; a Job created by a flagged CronJob and a ReplicaSet of a flagged Deployment are not repeated',
      manifests: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: tenant-a}
spec: {selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db, sidecar.istio.io/inject: "false"}}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: tenant-a}
spec: {selector: {matchLabels: {app: agent}}, template: {metadata: {labels: {app: agent}, annotations: {sidecar.istio.io/inject: "false"}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: tenant-a}
spec: {schedule: "0 * * * *", jobTemplate: {spec: {template: {metadata: {labels: {sidecar.istio.io/inject: "false"}}}}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: report-28000000, namespace: tenant-a, ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: report, uid: "1"}]}
spec: {template: {metadata: {labels: {sidecar.istio.io/inject: "false"}}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: tenant-a}
spec: {template: {metadata: {labels: {sidecar.istio.io/inject: "false"}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: tenant-a}
spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web, sidecar.istio.io/inject: "false"}}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-5d8f, namespace: tenant-a, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: "2"}]}
spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web, sidecar.istio.io/inject: "false"}}}}
`,
      findings: [
        { resourceKind: 'StatefulSet', resourceName: 'db', messageIncludes: ['StatefulSet tenant-a/db disables sidecar injection'] },
        { resourceKind: 'DaemonSet', resourceName: 'agent', messageIncludes: ['annotation sidecar.istio.io/inject'] },
        { resourceKind: 'CronJob', resourceName: 'report' },
        { resourceKind: 'Job', resourceName: 'migrate' },
        { resourceKind: 'Deployment', resourceName: 'web' },
      ],
    },
    {
      // istioctl analyze PodMissingProxy (injection.go): a running pod of an injected namespace without istio-proxy.
      name: 'a running Pod without istio-proxy in a namespace that injects sidecars',
      meshMode: 'self-managed',
      manifests: `${injectedNamespace}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b, labels: {istio.io/rev: canary, istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Pod
metadata: {name: noninjectedpod, namespace: tenant-a}
spec: {containers: [{name: server, image: adservice}]}
---
apiVersion: v1
kind: Pod
metadata: {name: podinjectiondisabled, namespace: tenant-a, annotations: {sidecar.istio.io/inject: "false"}}
spec: {containers: [{name: server, image: adservice}]}
---
apiVersion: v1
kind: Pod
metadata: {name: legacy, namespace: tenant-b}
spec: {containers: [{name: server, image: adservice}]}
`,
      findings: [
        { severity: 'medium', resourceKind: 'Pod', resourceName: 'noninjectedpod', subjectKey: 'missing-proxy', messageIncludes: ['without an istio-proxy sidecar', 'istio-injection=enabled'] },
        // The opt-out is reported as such, not as a missing proxy.
        { resourceName: 'podinjectiondisabled', subjectKey: 'workload' },
        // Sidecar injection wins over the ambient label: this pod is expected to have a sidecar.
        { resourceName: 'legacy', subjectKey: 'missing-proxy', messageIncludes: ['istio.io/rev=canary'] },
      ],
    },
    {
      name: 'sidecarInjectorWebhook.enableNamespacesByDefault: a pod of an unlabelled namespace is expected to have a sidecar',
      meshMode: 'self-managed',
      manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data:
  values: '{"global": {"proxy": {"autoInject": "enabled"}}, "sidecarInjectorWebhook": {"enableNamespacesByDefault": true}}'
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-c}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: tenant-c}
spec: {containers: [{name: server, image: app}]}
`,
      findings: [{ resourceName: 'app', subjectKey: 'missing-proxy', messageIncludes: ['enableNamespacesByDefault (ConfigMap istio-system/istio-sidecar-injector)'] }],
    },
  ],
});
