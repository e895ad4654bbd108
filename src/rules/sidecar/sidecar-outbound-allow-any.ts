import { refOf, sidecarOutboundModeOf } from '../../mesh/accessors.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';

/**
 * sidecar-outbound-allow-any: a Sidecar sets outboundTrafficPolicy.mode ALLOW_ANY. The
 * Sidecar's policy replaces the mesh's; `outboundTrafficPolicy: {}` means REGISTRY_ONLY.
 */
export const sidecarOutboundAllowAnyRule: Rule = {
  meta: {
    id: 'sidecar-outbound-allow-any',
    title: 'Sidecar allows traffic to any external host',
    category: 'sidecar',
    defaultSeverity: 'medium',
    rationale:
      'ALLOW_ANY passes traffic to hosts that are not in the registry straight through, so Sidecar scoping and ServiceEntry allow-lists no longer limit egress. Set on a Sidecar, it overrides a REGISTRY_ONLY mesh.',
    remediation: 'Remove outboundTrafficPolicy from the Sidecar or set mode: REGISTRY_ONLY, and declare the needed external hosts as ServiceEntries with exportTo ["."].',
    references: [ISTIO_DOCS.sidecar, ISTIO_DOCS.egress],
    requires: ['Sidecar', 'ConfigMap'],
  },
  evaluate({ snapshot, model }) {
    const results: RuleResult[] = [];
    const meshMode = snapshot.meshConfig.outboundTrafficPolicyMode ?? 'ALLOW_ANY';
    for (const sidecar of snapshot.objects.Sidecar) {
      const namespace = sidecar.metadata.namespace;
      if (model.classOf(namespace) === 'system' && namespace !== model.rootNamespace) continue;
      if (sidecarOutboundModeOf(sidecar) !== 'ALLOW_ANY') continue;
      const overrides = meshMode === 'REGISTRY_ONLY';
      results.push({
        message: `Sidecar ${namespace}/${sidecar.metadata.name} sets outboundTrafficPolicy ALLOW_ANY${overrides ? ', overriding the mesh-wide REGISTRY_ONLY' : ''}.`,
        namespace,
        resource: refOf(sidecar),
        affectedNamespaces: [namespace],
        evidence: {
          sidecarMode: 'ALLOW_ANY',
          meshMode,
          meshModeSource: snapshot.meshConfig.fieldSources.outboundTrafficPolicyMode ?? 'default',
          overridesRegistryOnly: overrides,
        },
        fix: { type: 'merge-patch', target: refOf(sidecar), patch: { spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } } },
        source: sidecar.source,
      });
    }
    return results;
  },
};
