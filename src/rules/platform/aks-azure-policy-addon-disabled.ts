import { aksRule } from './aks-rule.js';

export const aksAzurePolicyAddonDisabled = aksRule(
  {
    id: 'aks-azure-policy-addon-disabled',
    title: 'Azure Policy add-on is not enabled',
    defaultSeverity: 'medium',
    rationale: 'Without the Azure Policy add-on, Azure Policy assignments (such as one requiring ServiceEntry exportTo) are not enforced inside the cluster, and fleet-wide governance depends on per-cluster tooling.',
    remediation: 'Enable it: `az aks enable-addons --addons azure-policy --resource-group <rg> --name <cluster>`.',
    references: ['https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes'],
  },
  (facts) =>
    facts.azurePolicyEnabled === true
      ? []
      : [{ message: `The Azure Policy add-on is not enabled on ${facts.clusterName}.`, evidence: { 'addonProfiles.azurepolicy.enabled': facts.azurePolicyEnabled ?? null } }],
);
