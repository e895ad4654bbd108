/**
 * What the ARM ManagedCluster facts mean for findings: the reference platform findings point
 * at and the upgrade advice for an unsupported mesh revision. Reading the ARM object itself is
 * inventory's job (src/inventory/aks-facts.ts).
 */
import { readAksFacts } from '../inventory/aks-facts.js';
import type { ResourceRef } from '../vocabulary.js';
import type { ClusterSnapshot, MeshRevisionProfile } from '../snapshot/types.js';

/** The reference every platform finding points at. */
export function managedClusterRef(snapshot: ClusterSnapshot): ResourceRef {
  const facts = snapshot.aksCluster ? readAksFacts(snapshot.aksCluster, snapshot.cluster.name) : undefined;
  // An ARM resource, not a Kubernetes object: the provider namespace stands in for the API version.
  return { apiVersion: 'Microsoft.ContainerService', kind: 'ManagedCluster', name: facts?.clusterName || snapshot.cluster.name, namespace: '' };
}

/** Numbers of an AKS revision `asm-1-25` -> [1, 25]; undefined when not of that form. */
export function revisionNumbers(revision: string): number[] | undefined {
  const match = /^asm-(\d+)-(\d+)$/.exec(revision);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function compareNumbers(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Kubernetes `1.30.4` -> `1.30` (compatibleWith lists minor versions). */
function kubernetesMinor(version: string | undefined): string | undefined {
  const match = version ? /^v?(\d+)\.(\d+)/.exec(version) : null;
  return match ? `${match[1]}.${match[2]}` : undefined;
}

export interface UpgradeAdvice {
  /** Supported revisions newer than the installed one, oldest first. */
  targets: string[];
  /** The one to move to: the oldest newer supported revision that runs on this Kubernetes version. */
  recommended?: string;
}

/**
 * Where to go from an installed revision that the region no longer lists. The profile
 * cannot give `upgrades` for a revision it no longer has, so the targets are the
 * supported newer revisions; `compatibleWith` (name `kubernetes`) decides which of them
 * runs on the cluster's Kubernetes version. AKS upgrades the mesh one minor at a time
 * (canary), so the oldest compatible one is recommended.
 */
export function upgradeAdvice(installed: string, profile: MeshRevisionProfile, kubernetesVersion: string | undefined): UpgradeAdvice {
  const installedNumbers = revisionNumbers(installed) ?? [0, 0];
  const newer = profile.revisions
    .filter((entry) => {
      const numbers = revisionNumbers(entry.revision);
      return numbers !== undefined && compareNumbers(numbers, installedNumbers) > 0;
    })
    .sort((a, b) => compareNumbers(revisionNumbers(a.revision)!, revisionNumbers(b.revision)!));
  const minor = kubernetesMinor(kubernetesVersion);
  const runsHere = (entry: MeshRevisionProfile['revisions'][number]): boolean => {
    const kubernetes = entry.compatibleWith?.find((item) => item.name.toLowerCase() === 'kubernetes');
    if (!minor || !kubernetes) return true;
    return kubernetes.versions.some((version) => kubernetesMinor(version) === minor);
  };
  return { targets: newer.map((entry) => entry.revision), recommended: newer.find(runsHere)?.revision };
}
