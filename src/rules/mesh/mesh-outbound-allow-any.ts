import type { Rule } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';
import { meshConfigResource, meshFieldSource } from './common.js';

/** mesh-outbound-allow-any: outboundTrafficPolicy.mode is unset or ALLOW_ANY (the Istio default). */
export const meshOutboundAllowAnyRule: Rule = {
  meta: {
    id: 'mesh-outbound-allow-any',
    title: 'Mesh allows traffic to any external host',
    category: 'mesh',
    defaultSeverity: 'medium',
    rationale:
      'With ALLOW_ANY (the default) proxies pass traffic to unknown hosts straight through: Sidecar scoping shapes configuration but does not stop egress, so it is not a security boundary.',
    remediation: 'Set meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY and declare allowed external hosts as ServiceEntries.',
    references: [ISTIO_DOCS.meshConfig, ISTIO_DOCS.egress, ISTIO_DOCS.aksMeshConfig],
    requires: ['ConfigMap'],
  },
  evaluate({ snapshot }) {
    const mode = snapshot.meshConfig.outboundTrafficPolicyMode;
    if (mode === 'REGISTRY_ONLY') return [];
    return [
      {
        message: `Mesh outboundTrafficPolicy.mode is ${mode ?? 'unset (ALLOW_ANY)'}: workloads can reach any external host not in the registry.`,
        namespace: '',
        resource: meshConfigResource(snapshot, 'outboundTrafficPolicy'),
        subjectKey: 'outboundTrafficPolicy',
        evidence: { mode: mode ?? null, effectiveMode: mode ?? 'ALLOW_ANY', meshConfigSource: meshFieldSource(snapshot, 'outboundTrafficPolicy') },
      },
    ];
  },
};
