import { isIstioAddon } from '../../inventory/aks-facts.js';
import { aksRule } from './aks-rule.js';

export const aksMeshUpgradeInProgress = aksRule(
  {
    id: 'aks-mesh-upgrade-in-progress',
    title: 'AKS mesh canary upgrade in progress',
    defaultSeverity: 'info',
    rationale:
      'With two revisions installed, namespaces may run different Istio versions whose exportTo and host-precedence behaviour differ; findings assume the oldest. A canary left open also keeps the old control plane running.',
    remediation: 'Relabel every namespace to the new revision, restart workloads, then complete (`az aks mesh upgrade complete`) or roll back the upgrade.',
    references: ['https://learn.microsoft.com/azure/aks/istio-upgrade'],
  },
  (facts) => {
    if (!isIstioAddon(facts) || facts.revisions.length < 2) return [];
    return [{ message: `A mesh canary upgrade is in progress on ${facts.clusterName}: revisions ${facts.revisions.join(', ')} are installed.`, evidence: { revisions: facts.revisions } }];
  },
);
