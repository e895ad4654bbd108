/**
 * Typed, forgiving reads of the ARM ManagedCluster object (snapshot.aksCluster).
 *
 * Two shapes reach us and both are accepted:
 *  - the ARM GET body, where settings live under `properties`;
 *  - `az aks show -o json`, where the CLI flattens `properties` to the top level.
 * Key case also varies between the two (`authorizedIPRanges` on the wire and in
 * @azure/arm-containerservice, `authorizedIpRanges` from the CLI; `azurepolicy` vs
 * `azurePolicy` for add-on keys), so keys are matched case-insensitively.
 * Field names follow node_modules/@azure/arm-containerservice (models.d.ts:
 * ServiceMeshProfile, IstioServiceMesh, IstioIngressGateway, ManagedClusterAADProfile,
 * ManagedClusterAPIServerAccessProfile, ManagedClusterSecurityProfileDefender).
 */
import type { ResourceRef } from '../rules/types.js';
import type { ClusterSnapshot, MeshRevisionProfile } from '../snapshot/types.js';
import { isRecord } from '../records.js';

/** `record[key]` with the key matched case-insensitively (exact match first). */
export function getIgnoringCase(record: unknown, key: string): unknown {
  if (!isRecord(record)) return undefined;
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
}

/** Follows a path of keys, case-insensitively. */
export function getPath(record: unknown, path: string[]): unknown {
  let current: unknown = record;
  for (const key of path) current = getIgnoringCase(current, key);
  return current;
}

/** A top-level ManagedCluster property, from `properties` (ARM GET) or the top level (az CLI). */
export function aksSetting(cluster: Record<string, unknown> | undefined, path: string[]): unknown {
  if (!cluster) return undefined;
  const [first, ...rest] = path;
  if (first === undefined) return undefined;
  const properties = getIgnoringCase(cluster, 'properties');
  const fromProperties = isRecord(properties) ? getIgnoringCase(properties, first) : undefined;
  const root = fromProperties !== undefined ? fromProperties : getIgnoringCase(cluster, first);
  return getPath(root, rest);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

export interface AksIngressGateway {
  mode: string;
  enabled: boolean;
}

/** The facts the platform rules use, read once. Absent fields stay undefined (unknown is not false). */
export interface AksFacts {
  clusterName: string;
  kubernetesVersion?: string;
  meshMode?: string;
  revisions: string[];
  ingressGateways: AksIngressGateway[];
  pluginCa?: Record<string, unknown>;
  azurePolicyEnabled?: boolean;
  defenderEnabled?: boolean;
  disableLocalAccounts?: boolean;
  aadProfile?: Record<string, unknown>;
  /** `aadProfile.enableAzureRBAC` (ARM wire casing) or `enableAzureRbac` (SDK, az CLI). */
  azureRbacEnabled?: boolean;
  enablePrivateCluster?: boolean;
  authorizedIpRanges: string[];
  publicNetworkAccess?: string;
  adminGroupObjectIds: string[];
}

function optionalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

export function readAksFacts(cluster: Record<string, unknown>, fallbackName = ''): AksFacts {
  const mesh = aksSetting(cluster, ['serviceMeshProfile']);
  const istio = getIgnoringCase(mesh, 'istio');
  const gateways = getPath(istio, ['components', 'ingressGateways']);
  const aad = aksSetting(cluster, ['aadProfile']);
  const plugin = getPath(istio, ['certificateAuthority', 'plugin']);
  const version = aksSetting(cluster, ['currentKubernetesVersion']) ?? aksSetting(cluster, ['kubernetesVersion']);
  return {
    clusterName: typeof cluster.name === 'string' ? cluster.name : fallbackName,
    kubernetesVersion: typeof version === 'string' ? version : undefined,
    meshMode: typeof getIgnoringCase(mesh, 'mode') === 'string' ? (getIgnoringCase(mesh, 'mode') as string) : undefined,
    revisions: stringList(getIgnoringCase(istio, 'revisions')),
    ingressGateways: Array.isArray(gateways)
      ? gateways.filter(isRecord).map((gateway) => ({ mode: String(getIgnoringCase(gateway, 'mode') ?? ''), enabled: optionalBoolean(getIgnoringCase(gateway, 'enabled')) === true }))
      : [],
    pluginCa: isRecord(plugin) && Object.keys(plugin).length > 0 ? plugin : undefined,
    azurePolicyEnabled: optionalBoolean(getPath(aksSetting(cluster, ['addonProfiles']), ['azurepolicy', 'enabled'])),
    defenderEnabled: optionalBoolean(aksSetting(cluster, ['securityProfile', 'defender', 'securityMonitoring', 'enabled'])),
    disableLocalAccounts: optionalBoolean(aksSetting(cluster, ['disableLocalAccounts'])),
    aadProfile: isRecord(aad) ? aad : undefined,
    azureRbacEnabled: optionalBoolean(getIgnoringCase(aad, 'enableAzureRBAC')),
    enablePrivateCluster: optionalBoolean(aksSetting(cluster, ['apiServerAccessProfile', 'enablePrivateCluster'])),
    authorizedIpRanges: stringList(aksSetting(cluster, ['apiServerAccessProfile', 'authorizedIPRanges'])),
    publicNetworkAccess: typeof aksSetting(cluster, ['publicNetworkAccess']) === 'string' ? (aksSetting(cluster, ['publicNetworkAccess']) as string) : undefined,
    adminGroupObjectIds: stringList(getIgnoringCase(aad, 'adminGroupObjectIDs')),
  };
}

/** True when the AKS Istio add-on is on (`serviceMeshProfile.mode: Istio`, any case). */
export function isIstioAddon(facts: AksFacts): boolean {
  return facts.meshMode?.toLowerCase() === 'istio';
}

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
