import { isRecord, labelsMatch, refOf, stringMapOf, workloadSelectorOf } from '../../mesh/accessors.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS, listForMessage } from '../exposure/common.js';

/** Pod labels of a workload: a Pod's own labels, a Deployment's pod template labels. */
export function workloadLabelsOf(object: K8sObject): Record<string, string> | undefined {
  if (object.snapshotKind === 'Pod') return object.metadata.labels;
  const template = object.spec.template;
  if (!isRecord(template) || !isRecord(template.metadata)) return undefined;
  return stringMapOf(template.metadata.labels);
}

/**
 * sidecar-selector-overlap: two workload-selected Sidecars select the same workload. Istio
 * applies the oldest; the other is silently ignored for that workload. Needs Pods or
 * Deployments in the snapshot; without workloads there is no finding.
 */
export const sidecarSelectorOverlapRule: Rule = {
  meta: {
    id: 'sidecar-selector-overlap',
    title: 'Two Sidecars select the same workload',
    category: 'sidecar',
    defaultSeverity: 'medium',
    rationale:
      'When several Sidecars select one workload, Istio uses the oldest and ignores the rest. The scoping a team reviewed may not be the scoping its workloads get.',
    remediation: 'Make the workloadSelectors disjoint (or merge the Sidecars) so each workload is selected by exactly one Sidecar.',
    references: [ISTIO_DOCS.sidecar],
    requires: ['Sidecar', 'Pod', 'Deployment'],
  },
  evaluate({ snapshot, model }) {
    const workloadsByNamespace = new Map<string, K8sObject[]>();
    for (const workload of [...snapshot.objects.Pod, ...snapshot.objects.Deployment]) {
      const list = workloadsByNamespace.get(workload.metadata.namespace) ?? [];
      list.push(workload);
      workloadsByNamespace.set(workload.metadata.namespace, list);
    }
    const sidecars = model.sidecars();
    const results: RuleResult[] = [];
    for (const [namespace, workloads] of workloadsByNamespace) {
      const selecting = sidecars.selectorSidecarsOf(namespace); // oldest first
      if (selecting.length < 2) continue;
      const pairs = new Map<string, { used: K8sObject; ignored: K8sObject; workloads: string[] }>();
      for (const workload of workloads) {
        const labels = workloadLabelsOf(workload);
        if (!labels) continue;
        const matching = selecting.filter((sidecar) => labelsMatch(workloadSelectorOf(sidecar) ?? {}, labels));
        for (const ignored of matching.slice(1)) {
          const key = `${matching[0]!.metadata.name}\u0000${ignored.metadata.name}`;
          const pair = pairs.get(key) ?? { used: matching[0]!, ignored, workloads: [] };
          pair.workloads.push(`${workload.kind}/${workload.metadata.name}`);
          pairs.set(key, pair);
        }
      }
      for (const { used, ignored, workloads: selected } of pairs.values()) {
        selected.sort();
        results.push({
          message: `Sidecars ${namespace}/${used.metadata.name} and ${namespace}/${ignored.metadata.name} both select ${listForMessage(selected)}; Istio applies the older ${used.metadata.name}.`,
          namespace,
          resource: refOf(ignored),
          affectedNamespaces: [namespace],
          subjectKey: used.metadata.name,
          evidence: { usedSidecar: used.metadata.name, ignoredSidecar: ignored.metadata.name, workloads: selected },
          source: ignored.source,
        });
      }
    }
    return results;
  },
};
