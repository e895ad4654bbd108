import { aksRule } from './aks-rule.js';

export const aksLocalAccountsEnabled = aksRule(
  {
    id: 'aks-local-accounts-enabled',
    title: 'AKS local accounts are enabled',
    defaultSeverity: 'medium',
    rationale: 'Local accounts give a static cluster-admin credential (`az aks get-credentials --admin`) outside Entra ID: no conditional access, no per-user audit, and it bypasses every RBAC restriction on mesh configuration.',
    remediation: 'Disable them: `az aks update --disable-local-accounts --resource-group <rg> --name <cluster>` (requires Entra ID integration).',
    references: ['https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad'],
  },
  (facts) =>
    facts.disableLocalAccounts === true
      ? []
      : [{ message: `Local accounts are enabled on ${facts.clusterName} (disableLocalAccounts is ${facts.disableLocalAccounts ?? 'not set'}).`, evidence: { disableLocalAccounts: facts.disableLocalAccounts ?? null } }],
);
