import { isIstioAddon } from '../../inventory/aks-facts.js';
import { aksRule } from './aks-rule.js';

export const aksMeshAddonDisabled = aksRule(
  {
    id: 'aks-mesh-addon-disabled',
    title: 'AKS Istio add-on is not enabled',
    defaultSeverity: 'info',
    rationale:
      'Without the managed add-on (`serviceMeshProfile.mode: Istio`) the cluster either has no mesh, so none of the isolation controls exist, or runs a self-managed Istio that Microsoft does not patch or upgrade. The scanner then uses the upstream root namespace istio-system.',
    remediation: 'Enable the add-on (`az aks mesh enable`) or, for a deliberate self-managed Istio, suppress this finding with a reason.',
    references: ['https://learn.microsoft.com/azure/aks/istio-deploy-addon', 'https://learn.microsoft.com/rest/api/aks/managed-clusters/get'],
  },
  (facts, snapshot) => {
    if (isIstioAddon(facts)) return [];
    const selfManaged = snapshot.meshMode === 'self-managed';
    return [
      {
        message: `The AKS Istio add-on is not enabled on ${facts.clusterName} (serviceMeshProfile.mode is ${facts.meshMode ?? 'not set'})${selfManaged ? '; a self-managed Istio was found and is scanned with the upstream root namespace' : ''}.`,
        evidence: { serviceMeshMode: facts.meshMode ?? null, meshModeInCluster: snapshot.meshMode },
      },
    ];
  },
);
