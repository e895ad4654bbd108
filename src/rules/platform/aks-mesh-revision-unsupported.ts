import { isIstioAddon } from '../../inventory/aks-facts.js';
import { upgradeAdvice } from '../../mesh/aks.js';
import { aksRule } from './aks-rule.js';

/**
 * aks-mesh-revision-unsupported: takes the region's supported revisions from the mesh
 * revision profile (snapshot.meshRevisionProfile, `az aks mesh get-revisions`). Without it
 * the rule cannot tell and stays silent.
 */
export const aksMeshRevisionUnsupported = aksRule(
  {
    id: 'aks-mesh-revision-unsupported',
    title: 'Installed AKS mesh revision is no longer supported',
    defaultSeverity: 'high',
    rationale:
      'AKS supports a small window of Istio add-on revisions per region. A revision that has left the mesh revision profile receives no security patches and blocks cluster upgrades; its proxies keep the behaviour (and CVEs) of an old Istio.',
    remediation: 'Start a canary upgrade to the recommended revision (`az aks mesh upgrade start --revision <revision>`), relabel namespaces, restart workloads, then complete the upgrade.',
    references: ['https://learn.microsoft.com/azure/aks/istio-support-policy', 'https://learn.microsoft.com/azure/aks/istio-upgrade', 'https://learn.microsoft.com/rest/api/aks/managed-clusters/get-mesh-revision-profile'],
  },
  (facts, snapshot) => {
    const profile = snapshot.meshRevisionProfile;
    if (!profile || !isIstioAddon(facts)) return [];
    const supported = profile.revisions.map((entry) => entry.revision);
    return facts.revisions
      .filter((revision) => !supported.includes(revision))
      .map((revision) => {
        const advice = upgradeAdvice(revision, profile, facts.kubernetesVersion);
        const target = advice.recommended ? `move to ${advice.recommended}` : advice.targets.length > 0 ? `move to one of ${advice.targets.join(', ')} (none lists Kubernetes ${facts.kubernetesVersion} as compatible; upgrade Kubernetes too)` : 'no newer supported revision is listed';
        return {
          message: `Mesh revision ${revision} on ${facts.clusterName} is not in the region's supported revisions (${supported.join(', ') || 'none'}): ${target}.`,
          subjectKey: revision,
          evidence: { installedRevision: revision, supportedRevisions: supported, upgradeTargets: advice.targets, recommended: advice.recommended ?? null, kubernetesVersion: facts.kubernetesVersion ?? null },
          remediation: advice.recommended
            ? `az aks mesh upgrade start --resource-group <rg> --name ${facts.clusterName} --revision ${advice.recommended}; relabel namespaces with istio.io/rev=${advice.recommended}, restart workloads, then az aks mesh upgrade complete.`
            : undefined,
        };
      });
  },
);
