/**
 * Reads of one cluster from Azure Resource Manager with @azure/arm-containerservice: the
 * ManagedCluster (mesh profile, add-ons, security profile, Entra ID, local accounts, API server
 * access), the cluster user credential (API server address and CA) and the mesh revision
 * profile of its region, cached per region for the life of this reader (one run).
 */
import type { ContainerServiceClient } from '@azure/arm-containerservice';
import type { TokenCredential } from '@azure/identity';
import { meshRevisionProfileFromArm, type MeshRevisionProfile } from './mesh-revision-profile.js';
import { createContainerServiceClient, type AzureEndpoints } from './azure-clients.js';
import type { ScanClusterMessage } from './types.js';

type ClusterRef = ScanClusterMessage['cluster'];

/** JSON round trip: the SDK model carries Dates and byte arrays; snapshots and records want plain JSON. */
function plainJson(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** The HTTP status of an SDK RestError, if any. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

export class ArmClusterReader {
  private readonly clients = new Map<string, ContainerServiceClient>();
  private readonly revisionProfiles = new Map<string, Promise<MeshRevisionProfile | undefined>>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly endpoints: AzureEndpoints = {},
  ) {}

  private client(subscriptionId: string): ContainerServiceClient {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = createContainerServiceClient(this.credential, subscriptionId, this.endpoints);
      this.clients.set(subscriptionId, client);
    }
    return client;
  }

  /** ManagedCluster in the SDK's shape (ARM `properties` flattened to the top level, as `az aks show` prints it). */
  async getCluster(cluster: ClusterRef): Promise<Record<string, unknown>> {
    return plainJson(await this.client(cluster.subscriptionId).managedClusters.get(cluster.resourceGroup, cluster.name));
  }

  /** The kubeconfig text of the cluster user credential (managedClusters/listClusterUserCredential/action). */
  async getUserKubeconfig(cluster: ClusterRef): Promise<string> {
    const result = await this.client(cluster.subscriptionId).managedClusters.listClusterUserCredentials(cluster.resourceGroup, cluster.name);
    const first = result.kubeconfigs?.[0]?.value;
    if (!first) throw new Error('listClusterUserCredential returned no kubeconfig');
    return Buffer.from(first).toString('utf8');
  }

  /**
   * Supported Istio revisions of a region. Cached per region: every cluster of the run in that
   * region shares one request. Undefined when it cannot be read (the revision rule then cannot
   * judge; the failure is not fatal to the scan).
   */
  meshRevisionProfile(subscriptionId: string, location: string): Promise<MeshRevisionProfile | undefined> {
    const key = location.toLowerCase().replace(/\s+/g, '');
    let cached = this.revisionProfiles.get(key);
    if (!cached) {
      cached = this.client(subscriptionId)
        .managedClusters.getMeshRevisionProfile(location, 'istio')
        .then((profile) => meshRevisionProfileFromArm(plainJson(profile)))
        .catch(() => undefined);
      this.revisionProfiles.set(key, cached);
    }
    return cached;
  }
}
