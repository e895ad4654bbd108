import { policyExceptionExportTo } from '../../../src/rules/admission/policy-exception-exportto.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: serviceentry-exportto}
spec:
  validationFailureAction: Enforce
  rules:
  - name: require-exportto
    match: {any: [{resources: {kinds: [ServiceEntry]}}]}
    validate: {message: "set exportTo", pattern: {spec: {exportTo: ["!*"]}}}
`;

runRuleTests(policyExceptionExportTo, {
  valid: [
    {
      name: 'an exception for an unrelated policy, and a constraint excluding system namespaces only',
      manifests: `${policy}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: other, namespace: kyverno}
spec:
  exceptions: [{policyName: require-labels, ruleNames: [check]}]
  match: {any: [{resources: {kinds: [Pod], namespaces: [tenant-a]}}]}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sIstioServiceEntryExportTo
metadata: {name: se}
spec:
  match:
    excludedNamespaces: [kube-system, gatekeeper-system, azure-arc]
    kinds: [{apiGroups: [networking.istio.io], kinds: [ServiceEntry]}]
  parameters: {note: exportTo}
`,
    },
  ],
  invalid: [
    {
      name: 'Kyverno rule exclude, policy-level validationFailureActionOverrides and rule-level failureActionOverrides naming tenants',
      manifests: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: serviceentry-exportto}
spec:
  validationFailureAction: Enforce
  validationFailureActionOverrides: [{action: Audit, namespaces: [tenant-d, kube-system]}]
  rules:
  - name: require-exportto
    match: {any: [{resources: {kinds: [ServiceEntry]}}]}
    exclude: {any: [{resources: {namespaces: [tenant-c, kyverno]}}]}
    validate:
      message: "set exportTo"
      failureActionOverrides: [{action: Audit, namespaces: [tenant-e]}]
      pattern: {spec: {exportTo: ["!*"]}}
`,
      findings: [
        { severity: 'info', resourceKind: 'ClusterPolicy', subjectKey: 'ClusterPolicy serviceentry-exportto:exclude', affectedNamespaces: ['tenant-c'], messageIncludes: ['excludes', 'tenant-c'] },
        { severity: 'info', resourceKind: 'ClusterPolicy', subjectKey: 'ClusterPolicy serviceentry-exportto:audit-override', affectedNamespaces: ['tenant-d', 'tenant-e'], messageIncludes: ['only audits', 'tenant-d', 'tenant-e'] },
      ],
    },
    {
      // Gatekeeper match.namespaces limits a constraint to the listed namespaces (a trailing or leading * is a glob).
      name: 'a Gatekeeper constraint limited by match.namespaces leaves the other tenant namespaces uncovered',
      manifests: `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-x}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sIstioServiceEntryExportTo
metadata: {name: se}
spec:
  match:
    namespaces: [tenant-a, team-*]
    kinds: [{apiGroups: [networking.istio.io], kinds: [ServiceEntry]}]
  parameters: {note: exportTo}
`,
      findings: [{ severity: 'info', resourceName: 'se', subjectKey: 'K8sIstioServiceEntryExportTo se:namespaces', affectedNamespaces: ['tenant-b'], messageIncludes: ['only applies to namespaces tenant-a, team-*', 'tenant-b'] }],
    },
    {
      name: 'a Kyverno PolicyException and a constraint excluding a tenant namespace',
      manifests: `${policy}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: legacy-team, namespace: kyverno}
spec:
  exceptions: [{policyName: serviceentry-exportto, ruleNames: [require-exportto]}]
  match: {any: [{resources: {kinds: [ServiceEntry], namespaces: [legacy]}}]}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sIstioServiceEntryExportTo
metadata: {name: se}
spec:
  match:
    excludedNamespaces: [kube-system, tenant-b]
    kinds: [{apiGroups: [networking.istio.io], kinds: [ServiceEntry]}]
  parameters: {note: exportTo}
`,
      findings: [
        { severity: 'info', resourceKind: 'PolicyException', resourceName: 'legacy-team', affectedNamespaces: ['legacy'], messageIncludes: ['require-exportto', 'legacy'] },
        { severity: 'info', resourceName: 'se', subjectKey: 'K8sIstioServiceEntryExportTo se', affectedNamespaces: ['tenant-b'], messageIncludes: ['excludes namespaces tenant-b'] },
      ],
    },
  ],
});
