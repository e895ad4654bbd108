import { labelsMatch, refOf, workloadSelectorOf } from '../../mesh/accessors.js';
import { AMBIENT_REDIRECTION } from '../../mesh/injection.js';
import { selectsEveryWorkload } from '../../mesh/sidecars.js';
import { podsRead, podTemplateOf, WORKLOAD_KINDS } from '../../mesh/workloads.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS, listForMessage } from '../exposure/common.js';

/** Pod labels of a workload: a Pod's own labels, a controller's pod template labels. */
export function workloadLabelsOf(object: K8sObject): Record<string, string> | undefined {
  return podTemplateOf(object)?.labels;
}

/**
 * sidecar-selector-overlap: a workload-selected Sidecar does not scope what it was written
 * for. As istioctl analyze's sidecar.SelectorAnalyzer (pkg/config/analysis/analyzers/sidecar/selector.go):
 *
 * - two workload-selected Sidecars select the same workload: Istio applies the oldest and
 *   silently ignores the other for that workload (one finding on each of the two);
 * - a Sidecar's workloadSelector matches no Pod (nor workload template) of its namespace, when
 *   the Pods were read: it scopes nothing, and the workloads it was meant for use the
 *   namespace's scope (ReferencedResourceNotFound upstream).
 *
 * Needs workloads in the snapshot; without them there is no finding. Ambient namespaces are
 * sidecar-in-ambient-namespace's concern.
 */
export const sidecarSelectorOverlapRule: Rule = {
  meta: {
    id: 'sidecar-selector-overlap',
    title: 'Workload-selected Sidecar does not apply as written',
    category: 'sidecar',
    defaultSeverity: 'medium',
    rationale:
      'When several Sidecars select one workload, Istio uses the oldest and ignores the rest; a Sidecar whose selector matches no workload scopes nothing. Either way the scoping a team reviewed is not the scoping its workloads get.',
    remediation:
      'Make the workloadSelectors disjoint (or merge the Sidecars) so each workload is selected by exactly one Sidecar, and fix or delete Sidecars whose selector matches no workload.',
    references: [ISTIO_DOCS.sidecar, 'https://github.com/istio/istio/blob/master/pkg/config/analysis/analyzers/sidecar/selector.go'],
    requires: ['Sidecar', ...WORKLOAD_KINDS],
  },
  evaluate({ snapshot, model }) {
    const sidecars = model.sidecars();
    const workloads = model.workloads();
    const checkUnmatched = podsRead(snapshot);
    const results: RuleResult[] = [];
    const namespaces = new Set([...workloads.namespaces(), ...snapshot.objects.Sidecar.map((sidecar) => sidecar.metadata.namespace)]);
    for (const namespace of [...namespaces].sort()) {
      if (sidecars.isAmbient(namespace)) continue;
      const selecting = sidecars.selectorSidecarsOf(namespace); // oldest first
      if (selecting.length === 0) continue;
      const matchedBy = new Map<K8sObject, string[]>();
      const pairs = new Map<string, { used: K8sObject; ignored: K8sObject; workloads: string[] }>();
      for (const { object: workload, template } of workloads.workloadsOf(namespace)) {
        const matching = selecting.filter((sidecar) => labelsMatch(workloadSelectorOf(sidecar) ?? {}, template.labels));
        for (const sidecar of matching) matchedBy.set(sidecar, [...(matchedBy.get(sidecar) ?? []), `${workload.kind}/${workload.metadata.name}`]);
        // A pod ztunnel captures has no sidecar for any Sidecar to scope: istioctl analyze reports
        // no conflict there (selector.go, util.PodInAmbientMode), only that the policy is ineffective.
        if (template.annotations[AMBIENT_REDIRECTION] === 'enabled') continue;
        for (const ignored of matching.slice(1)) {
          // Two label-less selectors are two namespace-wide Sidecars: sidecar-multiple-defaults reports them.
          if (selectsEveryWorkload(matching[0]!) && selectsEveryWorkload(ignored)) continue;
          const key = `${matching[0]!.metadata.name}\u0000${ignored.metadata.name}`;
          const pair = pairs.get(key) ?? { used: matching[0]!, ignored, workloads: [] };
          pair.workloads.push(`${workload.kind}/${workload.metadata.name}`);
          pairs.set(key, pair);
        }
      }
      for (const { used, ignored, workloads: selected } of pairs.values()) {
        selected.sort();
        const evidence = { usedSidecar: used.metadata.name, ignoredSidecar: ignored.metadata.name, workloads: selected };
        results.push({
          message: `Sidecars ${namespace}/${used.metadata.name} and ${namespace}/${ignored.metadata.name} both select ${listForMessage(selected)}; Istio applies the older ${used.metadata.name}.`,
          namespace,
          resource: refOf(ignored),
          affectedNamespaces: [namespace],
          subjectKey: used.metadata.name,
          evidence,
          source: ignored.source,
        });
        results.push({
          message: `Sidecar ${namespace}/${used.metadata.name} also selects ${listForMessage(selected)}, which newer Sidecar ${namespace}/${ignored.metadata.name} selects too; Istio applies ${used.metadata.name} and ignores ${ignored.metadata.name} there.`,
          namespace,
          resource: refOf(used),
          affectedNamespaces: [namespace],
          subjectKey: ignored.metadata.name,
          evidence,
          source: used.source,
        });
      }
      if (!checkUnmatched) continue;
      for (const sidecar of selecting) {
        const selector = workloadSelectorOf(sidecar) ?? {};
        // An empty selector selects every workload (sidecar.go SubsetOf): nothing to report.
        if (Object.keys(selector).length === 0 || matchedBy.has(sidecar)) continue;
        const text = Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
        results.push({
          message: `Sidecar ${namespace}/${sidecar.metadata.name} selects no workload in ${namespace} (workloadSelector ${text}): it scopes nothing, and the workloads it was meant for use the namespace's scope.`,
          namespace,
          resource: refOf(sidecar),
          affectedNamespaces: [namespace],
          subjectKey: 'no-matching-workload',
          evidence: { workloadSelector: selector },
          source: sidecar.source,
        });
      }
    }
    return results;
  },
};
