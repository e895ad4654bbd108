import { readMeshDefault } from '../../mesh/exportto.js';
import { versionLabel } from '../../mesh/version.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';
import { meshConfigResource, meshFieldSource } from './common.js';
import { MESH_DEFAULT_FIELDS } from './mesh-default-exportto-permissive.js';

/**
 * mesh-default-exportto-ineffective: a mesh default does not mean what it says on this Istio
 * version. Before 1.30.3 defaultServiceExportTo/defaultVirtualServiceExportTo only honour
 * `.` and `*`; defaultDestinationRuleExportTo only honours `.` in every version.
 */
export const meshDefaultExportToIneffectiveRule: Rule = {
  meta: {
    id: 'mesh-default-exportto-ineffective',
    title: 'Mesh default exportTo does not mean what it says',
    category: 'mesh',
    defaultSeverity: 'high',
    rationale:
      'Istio reads mesh-default exportTo lists differently from resource-level lists (before 1.30.3 only "." and "*" count; for DestinationRules only "." ever counts). A default naming namespaces can make every object without exportTo invisible everywhere, or public.',
    remediation: 'Use ["."] or ["*"] as mesh defaults and list namespaces on the objects themselves (or upgrade to Istio 1.30.3+ for list semantics on services and virtual services).',
    references: [ISTIO_DOCS.meshConfig, 'https://github.com/istio/istio/blob/master/pilot/pkg/model/push_context.go'],
    requires: ['ConfigMap'],
    versionNote: 'list semantics for defaultServiceExportTo/defaultVirtualServiceExportTo from Istio 1.30.3',
  },
  evaluate({ snapshot }) {
    const results: RuleResult[] = [];
    for (const field of MESH_DEFAULT_FIELDS) {
      const value = snapshot.meshConfig[field];
      if (!value || value.length === 0) continue;
      const { interpretation } = readMeshDefault(field, value, snapshot.istioVersion);
      if (!interpretation) continue;
      results.push({
        message: `Mesh config ${field} ${JSON.stringify(value)} is read by Istio ${versionLabel(snapshot.istioVersion)} as: ${interpretation}.`,
        namespace: '',
        resource: meshConfigResource(snapshot, field),
        subjectKey: field,
        evidence: {
          field,
          value,
          effectiveBehaviour: interpretation,
          meshConfigSource: meshFieldSource(snapshot, field),
          istioVersionAssumed: versionLabel(snapshot.istioVersion),
          istioVersionSource: snapshot.istioVersion.source,
        },
      });
    }
    return results;
  },
};
