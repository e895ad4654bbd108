import { INJECTION_LABEL, REVISION_LABEL, installedRevisions, resolveRevisionLabel } from '../../mesh/injection.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef } from '../transport/refs.js';

/**
 * namespace-injection-revision-unknown: `istio.io/rev` points at a revision no control plane
 * serves, directly or through a revision tag (istio-revision-tag-<tag> webhook) whose
 * revision is gone.
 */
export const namespaceInjectionRevisionUnknown: Rule = {
  meta: {
    id: 'namespace-injection-revision-unknown',
    title: 'Namespace injection label names a revision that is not installed',
    category: 'enrolment',
    defaultSeverity: 'high',
    rationale:
      'No webhook matches an unknown revision, so new pods start without a sidecar (and outside every mesh control) while the label suggests they are meshed. This typically follows a mesh upgrade that removed the old revision before namespaces were relabelled, or before a revision tag was moved to the new revision.',
    remediation:
      'Relabel the namespace with an installed revision (`kubectl label namespace <ns> istio.io/rev=<revision> --overwrite`), or, when the label is a revision tag, point the tag at an installed revision (`istioctl tag set <tag> --revision <revision> --overwrite`); then restart its workloads.',
    references: [
      'https://learn.microsoft.com/azure/aks/istio-upgrade',
      'https://istio.io/latest/docs/setup/upgrade/canary/',
      'https://istio.io/latest/docs/setup/upgrade/canary/#stable-revision-labels',
    ],
    // ConfigMap: without ARM, the installed revisions are read from the mesh ConfigMaps.
    // MutatingWebhookConfiguration: revision tags; unread, every tag would look unknown.
    requires: ['Namespace', 'ConfigMap', 'MutatingWebhookConfiguration'],
  },
  evaluate: evaluateRevisionUnknown,
};

function evaluateRevisionUnknown({ snapshot }: RuleContext): RuleResult[] {
  const revisions = installedRevisions(snapshot);
  // Without any known revision there is nothing to compare against.
  if (revisions.length === 0) return [];
  const tags = snapshot.meshRevisionTags;
  const results: RuleResult[] = [];
  for (const info of snapshot.namespaces.values()) {
    const value = info.labels[REVISION_LABEL];
    if (value === undefined) continue;
    // With istio-injection set the revision label is not what decides (the default revision
    // injects, or injection is disabled, or on the AKS add-on nothing does):
    // namespace-conflicting-injection-labels reports that instead.
    if (info.labels[INJECTION_LABEL] !== undefined) continue;
    const target = resolveRevisionLabel(value, revisions, tags);
    if (target.kind === 'revision' || (target.kind === 'tag' && target.revisionInstalled)) continue;
    const installed = revisions.join(', ');
    if (target.kind === 'tag') {
      // The namespace label is fine; the tag is stale. Moving the tag is a cluster-wide
      // decision (every namespace using it follows), so no mechanical fix is offered.
      results.push({
        message: `Namespace ${info.name} has ${REVISION_LABEL}=${value}, a revision tag pointing at revision ${target.revision}, which is not installed (installed revisions: ${installed}); its new pods get no sidecar.`,
        namespace: info.name,
        resource: namespaceRef(info.name),
        subjectKey: value,
        evidence: { revision: value, revisionTag: value, tagRevision: target.revision, tagWebhook: `istio-revision-tag-${value}`, installedRevisions: revisions },
      });
      continue;
    }
    const onlyRevision = revisions.length === 1 ? revisions[0] : undefined;
    results.push({
      message: `Namespace ${info.name} has ${REVISION_LABEL}=${value}, which is neither an installed revision (${installed}) nor a revision tag; its new pods get no sidecar.`,
      namespace: info.name,
      resource: namespaceRef(info.name),
      subjectKey: value,
      evidence: { revision: value, installedRevisions: revisions, revisionTags: tags },
      ...(onlyRevision ? { fix: { type: 'merge-patch' as const, target: namespaceRef(info.name), patch: { metadata: { labels: { [REVISION_LABEL]: onlyRevision } } } } } : {}),
    });
  }
  return results;
}
