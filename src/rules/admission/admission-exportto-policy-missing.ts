import { findExportToControls, type AdmissionControl } from '../../mesh/admission.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { qualifiedName } from '../transport/refs.js';

/**
 * admission-exportto-policy-missing: nothing stops a tenant from creating a ServiceEntry
 * that is exported everywhere. Recognises Kyverno, Gatekeeper (and so Azure Policy) and
 * ValidatingAdmissionPolicy controls by content; see src/mesh/admission.ts.
 */
export const admissionExportToPolicyMissing: Rule = {
  meta: {
    id: 'admission-exportto-policy-missing',
    title: 'No admission control enforces explicit ServiceEntry exportTo',
    category: 'admission',
    defaultSeverity: 'high',
    rationale:
      'Scanning finds exposure after the fact; only admission control prevents it. Without a policy that rejects or fixes ServiceEntries lacking an explicit, non-wildcard exportTo, any tenant allowed to create one can publish hosts to every namespace between two scans. An audit-only policy reports but does not prevent.',
    remediation:
      'Install the prevention kit from policies/ (Kyverno ClusterPolicy, ValidatingAdmissionPolicy with a Deny binding, or the Gatekeeper template and constraint / Azure Policy assignment) in enforcing mode.',
    references: [
      'https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-export_to',
      'https://kyverno.io/docs/writing-policies/validate/',
      'https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/',
      'https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes',
    ],
    requires: ['ClusterPolicy', 'Constraint', 'ConstraintTemplate', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  },
  evaluate: evaluateAdmission,
};

function describe(control: AdmissionControl): string {
  return `${control.mechanism} ${control.object.kind} ${qualifiedName(control.object)} (${control.detail}${control.notReadyReason ? `; not ready: ${control.notReadyReason}` : ''})`;
}

function evaluateAdmission({ snapshot }: RuleContext): RuleResult[] {
  const controls = findExportToControls(snapshot);
  // A control the engine could not install enforces nothing, whatever its mode says.
  const clusterWide = controls.filter((control) => control.clusterWide && control.ready);
  if (clusterWide.some((control) => control.mode === 'enforce')) return [];
  const evidence = {
    controls: controls.map((control) => ({
      mechanism: control.mechanism,
      kind: control.object.kind,
      name: qualifiedName(control.object),
      mode: control.mode,
      clusterWide: control.clusterWide,
      ready: control.ready,
      detail: control.detail,
    })),
  };
  if (clusterWide.length > 0) {
    return [
      {
        severity: 'medium',
        message: `ServiceEntry exportTo is only audited, not enforced: ${clusterWide.map(describe).join('; ')}.`,
        namespace: '',
        subjectKey: 'audit-only',
        evidence,
        remediation: 'Switch the policy to enforcing: Kyverno `failureAction: Enforce` (or `validationFailureAction: Enforce`), Gatekeeper `enforcementAction: deny` (Azure Policy effect `deny`), or add `Deny` to the ValidatingAdmissionPolicyBinding `validationActions`.',
      },
    ];
  }
  const notReady = controls.filter((control) => !control.ready);
  const namespaced = controls.filter((control) => control.ready && !control.clusterWide);
  const notes = [
    ...(notReady.length > 0 ? [`not ready, so not enforcing: ${notReady.map(describe).join('; ')}`] : []),
    ...(namespaced.length > 0 ? [`namespaced Kyverno Policies only cover their own namespace: ${namespaced.map(describe).join('; ')}`] : []),
  ];
  return [
    {
      message: `No admission control rejects or fixes ServiceEntries without an explicit, non-wildcard exportTo${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`,
      namespace: '',
      subjectKey: 'missing',
      evidence,
    },
  ];
}
