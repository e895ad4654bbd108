import { aksRule } from './aks-rule.js';

export const aksDefenderDisabled = aksRule(
  {
    id: 'aks-defender-disabled',
    title: 'Microsoft Defender threat detection is not enabled',
    defaultSeverity: 'medium',
    rationale: 'Defender for Containers detects runtime threats and suspicious API activity (such as unexpected mesh configuration changes). Without it, abuse of a misconfiguration goes unnoticed.',
    remediation: 'Enable it: `az aks update --enable-defender --resource-group <rg> --name <cluster>`.',
    references: ['https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction'],
  },
  (facts) =>
    facts.defenderEnabled === true
      ? []
      : [{ message: `Microsoft Defender threat detection is not enabled on ${facts.clusterName}.`, evidence: { 'securityProfile.defender.securityMonitoring.enabled': facts.defenderEnabled ?? null } }],
);
