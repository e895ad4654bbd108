import type { MeshDefaultField } from '../../mesh/exportto.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';
import { meshConfigResource, meshFieldSource } from './common.js';

export const MESH_DEFAULT_FIELDS: MeshDefaultField[] = ['defaultServiceExportTo', 'defaultVirtualServiceExportTo', 'defaultDestinationRuleExportTo'];

/** mesh-default-exportto-permissive: a mesh-default exportTo field is unset or contains `*` (one finding per field). */
export const meshDefaultExportToPermissiveRule: Rule = {
  meta: {
    id: 'mesh-default-exportto-permissive',
    title: 'Mesh default exportTo exports to all namespaces',
    category: 'mesh',
    defaultSeverity: 'medium',
    rationale:
      'Objects without their own exportTo take the mesh default, which is "*" unless set: one missing field in a tenant manifest publishes that object to the whole mesh.',
    remediation:
      'Set the mesh defaults to ["."] (AKS: in ConfigMap istio-shared-configmap-<revision> in aks-istio-system). Note that defaultServiceExportTo ["."] also hides Kubernetes Services from other namespaces unless they carry the networking.istio.io/exportTo annotation.',
    references: [ISTIO_DOCS.meshConfig, ISTIO_DOCS.aksMeshConfig, ISTIO_DOCS.exportTo],
    requires: ['ConfigMap'],
  },
  evaluate({ snapshot }) {
    const results: RuleResult[] = [];
    for (const field of MESH_DEFAULT_FIELDS) {
      const value = snapshot.meshConfig[field];
      const unset = !value || value.length === 0;
      if (!unset && !value.includes('*')) continue;
      const serviceNote = field === 'defaultServiceExportTo' ? '; setting it to ["."] would also hide Kubernetes Services across namespaces unless they carry the networking.istio.io/exportTo annotation' : '';
      results.push({
        message: `Mesh config ${field} is ${unset ? 'unset (defaults to "*")' : `${JSON.stringify(value)}`}: objects without exportTo are exported to every namespace${serviceNote}.`,
        namespace: '',
        resource: meshConfigResource(snapshot, field),
        subjectKey: field,
        evidence: { field, value: value ?? null, meshConfigSource: meshFieldSource(snapshot, field), rootNamespace: snapshot.meshConfig.rootNamespace },
      });
    }
    return results;
  },
};
