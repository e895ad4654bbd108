import { findExportToControls, findExportToExemptions } from '../../mesh/admission.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { refOf } from '../transport/refs.js';

/** policy-exception-exportto: exemptions from the exportTo admission control, listed for review. */
export const policyExceptionExportTo: Rule = {
  meta: {
    id: 'policy-exception-exportto',
    title: 'Exemption from the exportTo admission policy',
    category: 'admission',
    defaultSeverity: 'info',
    rationale:
      'A Kyverno PolicyException or a Gatekeeper constraint exclusion lets the exempted namespaces create ServiceEntries exported everywhere. Exemptions are sometimes needed (shared namespaces) but must be reviewed, because they silently reopen the hole the policy closes.',
    remediation: 'Confirm the exemption is still needed and limited to shared namespaces; otherwise delete it or narrow its match.',
    references: ['https://kyverno.io/docs/writing-policies/exceptions/', 'https://open-policy-agent.github.io/gatekeeper/website/docs/howto/#the-match-field'],
    requires: ['PolicyException', 'ClusterPolicy', 'Policy', 'Constraint', 'ConstraintTemplate', 'Namespace'],
  },
  evaluate: evaluateExceptions,
};

/** Namespaces Azure Policy for Kubernetes excludes by default (its `excludedNamespaces` parameter default). */
const AZURE_POLICY_DEFAULT_EXCLUSIONS = new Set(['kube-system', 'gatekeeper-system', 'azure-arc', 'azure-extensions-usage-system']);

function evaluateExceptions({ snapshot, model }: RuleContext): RuleResult[] {
  const controls = findExportToControls(snapshot);
  // Excluding system namespaces is the normal Azure Policy / Gatekeeper default, not an exemption to review.
  const reviewable = (namespace: string): boolean => namespace.includes('*') || (!AZURE_POLICY_DEFAULT_EXCLUSIONS.has(namespace) && model.classOf(namespace) !== 'system');
  const exemptions = findExportToExemptions(snapshot, controls, reviewable, model.tenantNamespaces());
  return exemptions.map((exemption) => ({
    message: `${exemption.description}.`,
    namespace: exemption.object.metadata.namespace,
    resource: refOf(exemption.object),
    // The original key stays for PolicyExceptions and excludedNamespaces (stable FindingIds); newer aspects add a suffix.
    subjectKey: exemption.aspect ? `${exemption.exemptedPolicy}:${exemption.aspect}` : exemption.exemptedPolicy,
    affectedNamespaces: exemption.namespaces.filter((namespace) => !namespace.includes('*')),
    evidence: { exemptedPolicy: exemption.exemptedPolicy, namespaces: exemption.namespaces, ...(exemption.aspect ? { kind: exemption.aspect } : {}) },
    source: exemption.object.source,
  }));
}
