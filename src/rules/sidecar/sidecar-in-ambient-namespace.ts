import { refOf } from '../../mesh/accessors.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';

/** sidecar-in-ambient-namespace: Sidecars have no effect in ambient namespaces (istio.io/dataplane-mode=ambient). */
export const sidecarInAmbientNamespaceRule: Rule = {
  meta: {
    id: 'sidecar-in-ambient-namespace',
    title: 'Sidecar in an ambient namespace has no effect',
    category: 'sidecar',
    defaultSeverity: 'info',
    rationale:
      'Ambient-mode workloads have no sidecar proxy, so a Sidecar resource there scopes nothing. The namespace is not credited with scoping.',
    remediation: 'Remove the Sidecar, or scope ambient traffic with waypoint proxies and AuthorizationPolicies instead.',
    references: [ISTIO_DOCS.sidecar, 'https://istio.io/latest/docs/ambient/overview/'],
    requires: ['Sidecar', 'Namespace'],
  },
  evaluate({ snapshot, model }) {
    const results: RuleResult[] = [];
    const sidecars = model.sidecars();
    for (const sidecar of snapshot.objects.Sidecar) {
      const namespace = sidecar.metadata.namespace;
      if (!sidecars.isAmbient(namespace)) continue;
      results.push({
        message: `Sidecar ${namespace}/${sidecar.metadata.name} is in ambient namespace ${namespace} and has no effect.`,
        namespace,
        resource: refOf(sidecar),
        affectedNamespaces: [namespace],
        evidence: { dataplaneMode: 'ambient' },
        source: sidecar.source,
      });
    }
    return results;
  },
};
