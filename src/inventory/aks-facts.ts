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
 * ManagedClusterAPIServerAccessProfile, ManagedClusterSecurityProfileDefender,
 * ManagedClusterIngressProfile).
 */
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
  /**
   * Managed Gateway API CRDs: `ingressProfile.gatewayAPI.installation` (`Standard` installs the
   * standard-channel CRDs, `Disabled` or absent does not). ManagedCluster API 2026-02-01 and
   * later (azure-rest-api-specs, containerservice aks/stable/2026-02-01/managedClusters.json,
   * ManagedClusterIngressProfileGatewayConfiguration).
   */
  managedGatewayApi?: string;
  /** `ingressProfile.webAppRouting.gatewayAPIImplementations.appRoutingIstio.mode` (`Enabled` / `Disabled`). */
  appRoutingIstio?: string;
}

function optionalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
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
    managedGatewayApi: optionalString(aksSetting(cluster, ['ingressProfile', 'gatewayAPI', 'installation'])),
    appRoutingIstio: optionalString(aksSetting(cluster, ['ingressProfile', 'webAppRouting', 'gatewayAPIImplementations', 'appRoutingIstio', 'mode'])),
  };
}

/** True when the AKS Istio add-on is on (`serviceMeshProfile.mode: Istio`, any case). */
export function isIstioAddon(facts: AksFacts): boolean {
  return facts.meshMode?.toLowerCase() === 'istio';
}
