import { REVISION_LABEL, installedRevisions } from '../../mesh/injection.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef } from '../transport/refs.js';

/** namespace-injection-revision-unknown: `istio.io/rev` points at a revision no control plane serves. */
export const namespaceInjectionRevisionUnknown: Rule = {
  meta: {
    id: 'namespace-injection-revision-unknown',
    title: 'Namespace injection label names a revision that is not installed',
    category: 'enrolment',
    defaultSeverity: 'high',
    rationale:
      'No webhook matches an unknown revision, so new pods start without a sidecar (and outside every mesh control) while the label suggests they are meshed. This typically follows a mesh upgrade that removed the old revision before namespaces were relabelled.',
    remediation: 'Relabel the namespace with an installed revision (`kubectl label namespace <ns> istio.io/rev=<revision> --overwrite`) and restart its workloads.',
    references: ['https://learn.microsoft.com/azure/aks/istio-upgrade', 'https://istio.io/latest/docs/setup/upgrade/canary/'],
    // ConfigMap: without ARM, the installed revisions are read from the mesh ConfigMaps.
    requires: ['Namespace', 'ConfigMap'],
  },
  evaluate: evaluateRevisionUnknown,
};

function evaluateRevisionUnknown({ snapshot }: RuleContext): RuleResult[] {
  const revisions = installedRevisions(snapshot);
  // Without any known revision there is nothing to compare against.
  if (revisions.length === 0) return [];
  const results: RuleResult[] = [];
  for (const info of snapshot.namespaces.values()) {
    const revision = info.labels[REVISION_LABEL];
    if (revision === undefined || revisions.includes(revision)) continue;
    const target = revisions.length === 1 ? revisions[0] : undefined;
    results.push({
      message: `Namespace ${info.name} has ${REVISION_LABEL}=${revision}, but the installed revisions are ${revisions.join(', ')}; its new pods get no sidecar.`,
      namespace: info.name,
      resource: namespaceRef(info.name),
      subjectKey: revision,
      evidence: {
        revision,
        installedRevisions: revisions,
        note: 'Revision tags (istio-revision-tag-* webhooks) are not collected; a label naming a tag is reported too.',
      },
      ...(target ? { fix: { type: 'merge-patch' as const, target: namespaceRef(info.name), patch: { metadata: { labels: { [REVISION_LABEL]: target } } } } } : {}),
    });
  }
  return results;
}
