import { refOf } from '../../mesh/accessors.js';
import type { Rule } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';

/** root-sidecar-has-selector: the root namespace has Sidecars, but all select workloads: there is no mesh-wide default. */
export const rootSidecarHasSelectorRule: Rule = {
  meta: {
    id: 'root-sidecar-has-selector',
    title: 'Root namespace Sidecar has a workloadSelector',
    category: 'sidecar',
    defaultSeverity: 'low',
    rationale:
      'Only a selector-less Sidecar in the root namespace is the mesh-wide default. One with a workloadSelector applies to matching workloads of the root namespace alone, so tenants that rely on it get no scoping.',
    remediation: 'Remove the workloadSelector from the root namespace Sidecar (or add a selector-less one) to make it the mesh-wide default.',
    references: [ISTIO_DOCS.sidecar],
    requires: ['Sidecar', 'ConfigMap'],
  },
  evaluate({ model }) {
    const sidecars = model.sidecars();
    const root = model.rootNamespace;
    const selected = sidecars.selectorSidecarsOf(root);
    if (selected.length === 0 || sidecars.defaultSidecarsOf(root).length > 0) return [];
    return selected.map((sidecar) => ({
      message: `Sidecar ${root}/${sidecar.metadata.name} in the root namespace has a workloadSelector, so it is not a mesh-wide default and the mesh has none.`,
      namespace: root,
      resource: refOf(sidecar),
      evidence: { rootNamespace: root, workloadSelector: sidecar.spec.workloadSelector ?? null },
      fix: { type: 'merge-patch' as const, target: refOf(sidecar), patch: { spec: { workloadSelector: null } } },
      source: sidecar.source,
    }));
  },
};
