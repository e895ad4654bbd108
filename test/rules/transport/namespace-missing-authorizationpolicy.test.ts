import { expect } from '@jest/globals';
import { namespaceMissingAuthorizationPolicy } from '../../../src/rules/transport/namespace-missing-authorizationpolicy.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const namespaces = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: aks-istio-system}
`;
const aks = { meshConfig: { rootNamespace: 'aks-istio-system' } };

/** istioctl analyze testdata authorizationpolicies.yaml, reduced: injected httpbin with one Pod. */
const httpbin = `
apiVersion: v1
kind: Namespace
metadata: {name: httpbin, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: istio-system}
---
apiVersion: v1
kind: Pod
metadata: {name: httpbin-55bf89f8c9-wzfrh, namespace: httpbin, labels: {app: httpbin, version: v1}}
spec: {containers: [{name: server, image: httpbin}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: meshwide-httpbin, namespace: istio-system}
spec: {}
`;
const policy = (namespace: string, name: string, spec: string) => `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec: ${spec}
`;


runRuleTests(namespaceMissingAuthorizationPolicy, {
  valid: [
    {
      name: 'an empty-spec policy (deny all) counts',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: tenant-a}
spec: {}
`,
    },
    {
      name: 'a selector-less policy in the root namespace applies mesh-wide',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mesh-default, namespace: aks-istio-system}
spec: {action: ALLOW, rules: [{from: [{source: {principals: ["cluster.local/ns/aks-istio-ingress/sa/gw"]}}]}]}
`,
    },
    {
      name: 'a selector-less ALLOW policy of the namespace with rules (and a rejected one beside it)',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: same-namespace, namespace: tenant-a}
spec: {rules: [{from: [{source: {namespaces: [tenant-a]}}]}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: broken, namespace: tenant-a}
spec: {}
status: {validationMessages: [{level: ERROR, type: {code: IST0101}}]}
`,
    },
    {
      name: 'a mesh-wide default-deny in the root namespace with workload policies in the namespace',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: aks-istio-system}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api, namespace: tenant-a}
spec: {selector: {matchLabels: {app: api}}, rules: [{from: [{source: {namespaces: [tenant-a]}}]}]}
`,
    },
    {
      name: 'policies that select workloads of the mesh (Pods read)',
      manifests: httpbin + policy('httpbin', 'httpbin', '{selector: {matchLabels: {app: httpbin, version: v1}}, action: DENY, rules: [{from: [{source: {namespaces: [x]}}]}]}') + policy('istio-system', 'meshwide-v1', '{selector: {matchLabels: {version: v1}}}'),
    },
    {
      // The pods a selector is meant for may belong to a controller that could not be read.
      name: 'a selector matching no Pod while a workload kind (CronJob) could not be read',
      manifests: httpbin + policy('httpbin', 'nightly', '{selector: {matchLabels: {app: nightly-report}}, action: DENY, rules: [{}]}'),
      coverage: { Pod: { status: 'read' }, CronJob: { status: 'forbidden', error: 'cronjobs.batch is forbidden' } },
    },
    {
      // Without Pods the question is not asked: a selector may well match pods that were not collected.
      name: 'a selector matching nothing when Pods were not read',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: tenant-a}
spec: {}
${policy('tenant-a', 'bogus', '{selector: {matchLabels: {app: bogus}}, action: DENY, rules: [{}]}')}`,
      ...aks,
    },
  ],
  invalid: [
    {
      name: 'no policy at all',
      ...aks,
      manifests: namespaces,
      findings: [
        {
          severity: 'medium',
          namespace: 'tenant-a',
          check: (f) => expect(f.fix).toEqual({ type: 'manifest', manifest: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'default-deny', namespace: 'tenant-a' }, spec: {} } }),
        },
      ],
    },
    {
      name: 'a policy Istio rejected (negative status) and an AUDIT policy do not count',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: broken, namespace: tenant-a}
spec: {}
status:
  conditions: [{type: Reconciled, status: "False", message: invalid}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: audit, namespace: tenant-a}
spec: {action: AUDIT, rules: [{}]}
`,
      findings: [{ namespace: 'tenant-a', messageIncludes: ['tenant-a/broken, not accepted', 'tenant-a/audit, AUDIT'] }],
    },
    {
      name: 'a root-namespace policy with a selector is not a namespace default',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: gw, namespace: aks-istio-system}
spec: {selector: {matchLabels: {app: gateway}}}
`,
      findings: [{ severity: 'medium', namespace: 'tenant-a', check: (f) => expect(f.evidence.ignoredPolicies).toEqual([{ policy: 'aks-istio-system/gw', reason: 'root-namespace policy with a selector: not a namespace-wide default' }]) }],
    },
    {
      // Decision (docs/rules/namespace-missing-authorizationpolicy.md): a selector covers the workloads it selects,
      // not the namespace; the others accept every caller. Reported, one grade lower.
      name: 'only workload-targeted policies (selector, targetRefs): low',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api, namespace: tenant-a}
spec: {selector: {matchLabels: {app: api}}, rules: [{from: [{source: {namespaces: [tenant-a]}}]}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: gw, namespace: tenant-a}
spec: {targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: web}]}
`,
      findings: [
        {
          severity: 'low',
          namespace: 'tenant-a',
          messageIncludes: ['tenant-a/api', 'tenant-a/gw', 'workloads they do not select'],
          check: (f) => expect(f.evidence.partialPolicies).toEqual([{ policy: 'tenant-a/api', action: 'ALLOW', targeted: true }, { policy: 'tenant-a/gw', action: 'ALLOW', targeted: true }]),
        },
      ],
    },
    {
      // Istio evaluates CUSTOM, then DENY, then ALLOW; with no ALLOW policy a request no DENY matched is allowed.
      name: 'only DENY and CUSTOM policies, even namespace-wide: low (unmatched requests are allowed)',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: block-b, namespace: tenant-a}
spec: {action: DENY, rules: [{from: [{source: {namespaces: [tenant-b]}}]}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext-authz, namespace: tenant-a}
spec: {action: CUSTOM, provider: {name: opa}, rules: [{to: [{operation: {paths: ["/admin/*"]}}]}]}
`,
      findings: [{ severity: 'low', namespace: 'tenant-a', messageIncludes: ['no ALLOW policy', 'tenant-a/block-b', 'tenant-a/ext-authz'] }],
    },
    {
      name: 'policies with wrong types do not crash: a string spec field and an unknown action',
      ...aks,
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: odd, namespace: tenant-a}
spec: {action: 42, selector: "app=api", rules: "all"}
`,
      findings: [{ namespace: 'tenant-a' }],
    },
    {
      // authorizationpolicies.go analyzeNoMatchingWorkloads: httpbin-nopods, meshwide-httpbin-v1, httpbin-empty-namespace-wide.
      name: 'policies that apply to no workload in the mesh (istioctl analyze NoMatchingWorkloadsFound)',
      manifests:
        httpbin +
        policy('httpbin', 'httpbin-nopods', '{selector: {matchLabels: {app: bogus-label, version: v1}}, rules: [{from: [{source: {namespaces: [httpbin]}}]}]}') +
        policy('istio-system', 'meshwide-httpbin-v1', '{selector: {matchLabels: {version: bogus-version}}}') +
        policy('httpbin-empty', 'httpbin-empty-namespace-wide', '{rules: [{from: [{source: {namespaces: [httpbin]}}]}]}'),
      findings: [
        { severity: 'medium', resourceName: 'httpbin-nopods', subjectKey: 'no-matching-workload:httpbin-nopods', messageIncludes: ['applies to no workload in httpbin', 'selector app=bogus-label,version=v1', 'protects nothing'] },
        { severity: 'medium', resourceName: 'meshwide-httpbin-v1', messageIncludes: ['anywhere in the mesh'] },
        { severity: 'info', resourceName: 'httpbin-empty-namespace-wide', messageIncludes: ['no workload in the mesh yet'] },
      ],
    },
    {
      name: 'a policy selecting only a workload without a proxy protects nothing',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: legacy, namespace: tenant-b, labels: {app: legacy, sidecar.istio.io/inject: "false"}}
spec: {containers: [{name: server, image: legacy}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: tenant-b, labels: {app: api}}
spec: {containers: [{name: server, image: api}, {name: istio-proxy, image: proxyv2}]}
${policy('tenant-b', 'default-deny', '{}')}${policy('tenant-b', 'protect-legacy', '{selector: {matchLabels: {app: legacy}}, action: DENY, rules: [{to: [{operation: {paths: ["/admin"]}}]}]}')}`,
      findings: [{ resourceName: 'protect-legacy', messageIncludes: ['matches only workloads without a proxy (Pod/legacy)'] }],
    },
  ],
});
