import { refOf } from '../../mesh/accessors.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';

/**
 * sidecar-multiple-defaults: more than one Sidecar for every workload of a namespace (undefined by
 * the API). Istio uses the oldest with a label-less workloadSelector, else the oldest selector-less one.
 */
export const sidecarMultipleDefaultsRule: Rule = {
  meta: {
    id: 'sidecar-multiple-defaults',
    title: 'Several default Sidecars in one namespace',
    category: 'sidecar',
    defaultSeverity: 'high',
    rationale:
      'The Sidecar API allows one selector-less Sidecar per namespace; with more, behaviour is undefined. Istio uses the oldest, so a newer, stricter Sidecar may be silently ignored and reviewers read the wrong one.',
    remediation: 'Merge the egress hosts into one selector-less Sidecar and delete the others.',
    references: [ISTIO_DOCS.sidecar],
    requires: ['Sidecar'],
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    const sidecars = model.sidecars();
    for (const namespace of [...model.snapshot.namespaces.keys()].sort()) {
      // No sidecar runs there, so no Sidecar is used: sidecar-in-ambient-namespace reports them
      // (istioctl analyze's sidecar/selector.go skips ambient namespaces too, NamespaceInAmbientMode).
      if (sidecars.isAmbient(namespace)) continue;
      // A workloadSelector without labels selects every workload and comes before the
      // selector-less Sidecars whatever their age (istioctl analyze's sidecar.SelectorAnalyzer
      // also counts it as namespace-wide; Istio's order: push_context.go initSidecarScopes).
      const wide = sidecars.wideSidecarsOf(namespace);
      const defaults = [...wide, ...sidecars.defaultSidecarsOf(namespace)];
      if (defaults.length < 2) continue;
      const [used, ...ignored] = defaults;
      const ignoredNames = ignored.map((s) => s.metadata.name).join(', ');
      results.push({
        message:
          wide.length === 0
            ? `Namespace ${namespace} has ${defaults.length} Sidecars without workloadSelector; Istio uses the oldest, ${used!.metadata.name}, and ignores ${ignoredNames}.`
            : `Namespace ${namespace} has ${defaults.length} Sidecars that apply to every workload (no workloadSelector, or one without labels); Istio uses ${used!.metadata.name}, the oldest with a label-less workloadSelector, and ignores ${ignoredNames}.`,
        namespace,
        resource: refOf(used!),
        affectedNamespaces: [namespace],
        evidence: {
          sidecars: defaults.map((s) => ({ name: s.metadata.name, creationTimestamp: s.metadata.creationTimestamp ?? null })),
          used: used!.metadata.name,
          ignored: ignored.map((s) => s.metadata.name),
        },
        source: used!.source,
      });
      // Each ignored Sidecar is a finding of its own, on its own object (as istioctl analyze's
      // MultipleSidecarsWithoutWorkloadSelectors reports every one): its author believes it is in force.
      for (const sidecar of ignored) {
        results.push({
          message:
            wide.length === 0
              ? `Sidecar ${namespace}/${sidecar.metadata.name} has no workloadSelector and is ignored: Istio uses the older ${used!.metadata.name} for namespace ${namespace}.`
              : `Sidecar ${namespace}/${sidecar.metadata.name} applies to every workload and is ignored: Istio uses ${used!.metadata.name}, whose workloadSelector has no labels, for namespace ${namespace}.`,
          namespace,
          resource: refOf(sidecar),
          affectedNamespaces: [namespace],
          subjectKey: `ignored:${sidecar.metadata.name}`,
          evidence: { used: used!.metadata.name, ignored: sidecar.metadata.name, creationTimestamp: sidecar.metadata.creationTimestamp ?? null },
          source: sidecar.source,
        });
      }
    }
    return results;
  },
};
