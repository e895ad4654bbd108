import { aksRule } from './aks-rule.js';

export const aksAzureRbacDisabled = aksRule(
  {
    id: 'aks-azure-rbac-disabled',
    title: 'Entra ID integration with Azure RBAC is not enabled',
    defaultSeverity: 'medium',
    rationale: 'Without Entra ID and Azure RBAC for Kubernetes authorization, cluster access (including who may write mesh configuration) is managed per cluster in Kubernetes RBAC, outside central identity governance and access reviews.',
    remediation: 'Enable managed Entra ID integration and Azure RBAC: `az aks update --enable-aad --enable-azure-rbac --resource-group <rg> --name <cluster>`.',
    references: ['https://learn.microsoft.com/azure/aks/manage-azure-rbac', 'https://learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id'],
  },
  (facts) => {
    if (facts.aadProfile && facts.azureRbacEnabled === true) return [];
    const why = facts.aadProfile ? 'aadProfile.enableAzureRbac is not true' : 'no Entra ID integration (aadProfile absent)';
    return [{ message: `Azure RBAC for Kubernetes authorization is not enabled on ${facts.clusterName}: ${why}.`, evidence: { aadProfile: facts.aadProfile ? { managed: facts.aadProfile.managed ?? null, enableAzureRbac: facts.azureRbacEnabled ?? null } : null } }];
  },
);
