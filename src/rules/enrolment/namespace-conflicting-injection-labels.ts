import { INJECTION_LABEL, REVISION_LABEL, isAksAddon, namespaceInjection } from '../../mesh/injection.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef } from '../transport/refs.js';

/** namespace-conflicting-injection-labels: both injection labels on one namespace. */
export const namespaceConflictingInjectionLabels: Rule = {
  meta: {
    id: 'namespace-conflicting-injection-labels',
    title: 'Namespace carries both istio-injection and istio.io/rev',
    category: 'enrolment',
    defaultSeverity: 'low',
    rationale:
      'With both labels, upstream Istio injects the default revision (istio-injection wins) and the revision label is ignored; the AKS add-on, whose webhooks require istio-injection to be absent, injects nothing. Either way the namespace does not run the revision its label names.',
    remediation: 'Remove the `istio-injection` label and keep `istio.io/rev=<revision>`.',
    references: ['https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy', 'https://learn.microsoft.com/azure/aks/istio-deploy-addon'],
    requires: ['Namespace'],
  },
  evaluate: evaluateConflictingLabels,
};

function evaluateConflictingLabels({ snapshot }: RuleContext): RuleResult[] {
  const aksAddon = isAksAddon(snapshot);
  const results: RuleResult[] = [];
  for (const info of snapshot.namespaces.values()) {
    const injection = info.labels[INJECTION_LABEL];
    const revision = info.labels[REVISION_LABEL];
    if (injection === undefined || revision === undefined) continue;
    const state = namespaceInjection(info.labels, aksAddon, snapshot.meshRevisionTags);
    const effect = state.injected ? `pods are injected through ${state.how}, not revision ${revision}` : `pods are not injected (${state.why})`;
    results.push({
      message: `Namespace ${info.name} has both ${INJECTION_LABEL}=${injection} and ${REVISION_LABEL}=${revision}: ${effect}.`,
      namespace: info.name,
      resource: namespaceRef(info.name),
      subjectKey: 'namespace',
      evidence: { [INJECTION_LABEL]: injection, [REVISION_LABEL]: revision, aksAddon, effect },
      fix: { type: 'merge-patch', target: namespaceRef(info.name), patch: { metadata: { labels: { [INJECTION_LABEL]: null } } } },
    });
  }
  return results;
}
