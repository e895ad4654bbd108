import { isIstioAddon } from '../../inventory/aks-facts.js';
import { aksRule } from './aks-rule.js';

export const aksMeshPluginCaMissing = aksRule(
  {
    id: 'aks-mesh-plugin-ca-missing',
    title: 'AKS mesh uses the self-signed CA instead of a plugin CA',
    defaultSeverity: 'info',
    rationale: 'Without `certificateAuthority.plugin` istiod generates its own self-signed root: workload identities are not anchored in your PKI, roots are not rotated from Key Vault, and meshes of different clusters cannot trust each other.',
    remediation: 'Configure a plugin CA from Azure Key Vault (`az aks mesh enable --key-vault-id ... --ca-cert-object-name ...`).',
    references: ['https://learn.microsoft.com/azure/aks/istio-plugin-ca'],
  },
  (facts) => {
    if (!isIstioAddon(facts) || facts.pluginCa) return [];
    return [{ message: `The mesh of ${facts.clusterName} uses istiod's self-signed CA (serviceMeshProfile.istio.certificateAuthority.plugin is not set).`, evidence: { pluginCa: null } }];
  },
);
