import { aksRule } from './aks-rule.js';

/** Ranges that restrict nothing. */
const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);

export const aksApiServerUnrestricted = aksRule(
  {
    id: 'aks-api-server-unrestricted',
    title: 'AKS API server is public without authorized IP ranges',
    defaultSeverity: 'medium',
    rationale: 'A public API server endpoint open to every address exposes the cluster\'s control plane (and every credential leak) to the internet; authorized IP ranges or a private cluster reduce that surface.',
    remediation: 'Set authorized IP ranges (`az aks update --api-server-authorized-ip-ranges <cidrs>`) or use a private cluster.',
    references: ['https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges', 'https://learn.microsoft.com/azure/aks/private-clusters'],
  },
  (facts) => {
    if (facts.enablePrivateCluster === true || facts.publicNetworkAccess?.toLowerCase() === 'disabled') return [];
    const ranges = facts.authorizedIpRanges.filter((range) => !OPEN_RANGES.has(range));
    if (ranges.length > 0) return [];
    return [
      {
        message: `The API server of ${facts.clusterName} is public and accepts every source address (${facts.authorizedIpRanges.length > 0 ? `authorized ranges ${facts.authorizedIpRanges.join(', ')}` : 'no authorized IP ranges'}).`,
        evidence: { enablePrivateCluster: facts.enablePrivateCluster ?? null, authorizedIPRanges: facts.authorizedIpRanges, publicNetworkAccess: facts.publicNetworkAccess ?? null },
      },
    ];
  },
);
