import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import { admissionExportToPolicyMissing } from '../../../src/rules/admission/admission-exportto-policy-missing.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

// The prevention kit's real Gatekeeper template (policies/), recognised by its rego, not its name.
const gatekeeperTemplate = readFileSync(new URL('../../../policies/gatekeeper/serviceentry-exportto-template.yaml', import.meta.url), 'utf8');

const kyverno = (failureAction: string, kind = 'ServiceEntry'): string => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: tenant-guardrails}
spec:
  rules:
  - name: serviceentry-scope
    match:
      any:
      - resources: {kinds: ["${kind}"]}
    validate:
      failureAction: ${failureAction}
      message: "exportTo must be explicit"
      pattern:
        spec:
          exportTo: ["!*"]
`;

const vap = (actions: string): string => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: se-scope}
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [networking.istio.io]
      apiVersions: ["*"]
      operations: [CREATE, UPDATE]
      resources: [serviceentries]
  validations:
  - expression: "has(object.spec.exportTo) && !object.spec.exportTo.exists(e, e == '*')"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: se-scope-binding}
spec: {policyName: se-scope, validationActions: [${actions}]}
`;

const constraint = (action: string): string => `
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sIstioServiceEntryExportTo
metadata: {name: azurepolicy-k8sistioserviceentryexportto-abc123}
spec:
  enforcementAction: ${action}
  match:
    kinds: [{apiGroups: [networking.istio.io], kinds: [ServiceEntry, VirtualService, DestinationRule]}]
`;

runRuleTests(admissionExportToPolicyMissing, {
  valid: [
    { name: 'Kyverno validate in Enforce (rule-level failureAction)', manifests: kyverno('Enforce') },
    { name: 'Kyverno with a fully qualified kind', manifests: kyverno('Enforce', 'networking.istio.io/v1/ServiceEntry') },
    {
      name: 'Kyverno mutate rule that sets exportTo (policy in Audit otherwise)',
      manifests: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: defaults}
spec:
  validationFailureAction: Audit
  rules:
  - name: add-exportto
    match: {any: [{resources: {kinds: [ServiceEntry]}}]}
    mutate:
      patchStrategicMerge:
        spec:
          +(exportTo): ["."]
`,
    },
    { name: 'Gatekeeper constraint (Azure Policy) with deny, from the prevention kit template', manifests: `${gatekeeperTemplate}\n---\n${constraint('deny')}` },
    { name: 'ValidatingAdmissionPolicy bound with Deny', manifests: vap('Deny, Audit') },
    {
      // Kyverno 1.13+: the rule's validate.failureAction overrides the policy's validationFailureAction.
      name: 'Kyverno policy in Audit with a rule-level failureAction Enforce (lowercase legacy values too)',
      manifests: kyverno('Enforce').replace('spec:\n  rules:', 'spec:\n  validationFailureAction: audit\n  rules:'),
    },
    {
      name: 'Gatekeeper scoped enforcement with deny at the validation webhook',
      manifests: `${gatekeeperTemplate}\n---\n${constraint('scoped')}  scopedEnforcementActions:\n  - action: deny\n    enforcementPoints: [{name: validation.gatekeeper.sh}]\n`,
    },
  ],
  invalid: [
    { name: 'nothing installed', manifests: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-a}\n', findings: [{ severity: 'high', subjectKey: 'missing', messageIncludes: ['No admission control'] }] },
    {
      name: 'Kyverno in Audit only',
      manifests: kyverno('Audit'),
      findings: [{ severity: 'medium', subjectKey: 'audit-only', messageIncludes: ['only audited', 'ClusterPolicy tenant-guardrails'] }],
    },
    {
      name: 'Gatekeeper constraint in dryrun (Azure Policy effect audit)',
      manifests: `${gatekeeperTemplate}\n---\n${constraint('dryrun')}`,
      findings: [{ severity: 'medium', messageIncludes: ['gatekeeper'] }],
    },
    {
      name: 'Kyverno policy in Enforce but the rule-level failureAction says Audit',
      manifests: kyverno('Audit').replace('spec:\n  rules:', 'spec:\n  validationFailureAction: Enforce\n  rules:'),
      findings: [{ severity: 'medium', subjectKey: 'audit-only', messageIncludes: ['validate rule serviceentry-scope (audit)'] }],
    },
    {
      // Gatekeeper enforcementAction warn admits the object with a warning: audit only.
      name: 'Gatekeeper constraint in warn',
      manifests: `${gatekeeperTemplate}\n---\n${constraint('warn')}`,
      findings: [{ severity: 'medium', messageIncludes: ['enforcementAction warn'] }],
    },
    {
      name: 'Gatekeeper scoped enforcement that denies only in gator (CI), not at admission',
      manifests: `${gatekeeperTemplate}\n---\n${constraint('scoped')}  scopedEnforcementActions:\n  - action: deny\n    enforcementPoints: [{name: gator.gatekeeper.sh}]\n  - action: warn\n    enforcementPoints: [{name: validation.gatekeeper.sh}]\n`,
      findings: [{ severity: 'medium', messageIncludes: ['enforcementAction scoped'] }],
    },
    {
      // Kyverno sets the Ready condition to False when it could not configure the webhook for a policy.
      name: 'an Enforce ClusterPolicy that Kyverno reports as not Ready enforces nothing',
      manifests: `${kyverno('Enforce')}status:\n  conditions: [{type: Ready, status: "False", reason: Failed, message: "webhook not configured"}]\n`,
      findings: [
        {
          severity: 'high',
          subjectKey: 'missing',
          messageIncludes: ['not ready', 'tenant-guardrails'],
          check: (f) => expect(f.evidence.controls).toEqual([expect.objectContaining({ name: 'tenant-guardrails', mode: 'enforce', ready: false })]),
        },
      ],
    },
    { name: 'VAP bound with Warn and Audit only', manifests: vap('Warn, Audit'), findings: [{ severity: 'medium', messageIncludes: ['validating-admission-policy'] }] },
    {
      name: 'a policy on exportTo of other kinds, a constraint whose template is about something else, an unbound VAP',
      manifests: `${kyverno('Enforce', 'VirtualService')}
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srequiredlabels}
spec:
  crd: {spec: {names: {kind: K8sRequiredLabels}}}
  targets: [{target: admission.k8s.gatekeeper.sh, rego: "package k8srequiredlabels\\nviolation[{\\"msg\\": \\"x\\"}] { true }"}]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: se-labels}
spec: {match: {kinds: [{apiGroups: ["*"], kinds: [ServiceEntry]}]}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: unbound}
spec:
  matchConstraints: {resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"]}]}
  validations: [{expression: "has(object.spec.exportTo)"}]
`,
      findings: [{ severity: 'high', check: (f) => expect(f.evidence.controls).toEqual([]) }],
    },
    {
      name: 'a namespaced Kyverno Policy in Enforce protects only its namespace',
      manifests: kyverno('Enforce').replace('kind: ClusterPolicy', 'kind: Policy').replace('metadata: {name: tenant-guardrails}', 'metadata: {name: tenant-guardrails, namespace: tenant-a}'),
      findings: [{ severity: 'high', messageIncludes: ['namespaced Kyverno Policies only cover their own namespace'] }],
    },
  ],
});
