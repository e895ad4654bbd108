/**
 * What discovery hands to the per-cluster scan: a reference to one AKS cluster, and the queue
 * message that carries it from the timer to the worker.
 */

/** Which cluster a snapshot, finding or scan record is about. */
export interface ClusterIdentity {
  name: string;
  resourceId?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
}

/** One AKS cluster found by Resource Graph. */
export interface DiscoveredCluster {
  /** ARM resource id (/subscriptions/.../managedClusters/NAME). */
  resourceId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
}

/** Body of one Storage-queue message: one cluster of one fleet scan. */
export interface ScanClusterMessage {
  /** Bumped when the shape changes, so an old message in flight is recognised. */
  version: 1;
  scanId: string;
  cluster: Omit<DiscoveredCluster, 'tags'>;
  enqueuedAt: string;
}

export function identityOf(cluster: Omit<DiscoveredCluster, 'tags'>): ClusterIdentity {
  return {
    name: cluster.name,
    resourceId: cluster.resourceId,
    subscriptionId: cluster.subscriptionId,
    resourceGroup: cluster.resourceGroup,
    location: cluster.location,
  };
}

/** /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name} */
const MANAGED_CLUSTER_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;

export function parseManagedClusterId(resourceId: string): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const match = MANAGED_CLUSTER_ID.exec(resourceId);
  if (!match) return undefined;
  return { subscriptionId: match[1]!, resourceGroup: match[2]!, name: match[3]! };
}

export class InvalidScanMessageError extends Error {
  constructor(reason: string) {
    super(`Invalid scan message: ${reason}`);
    this.name = 'InvalidScanMessageError';
  }
}

/**
 * Validates a queue message. The Functions host hands JSON messages over already parsed; a
 * string (e.g. a message enqueued by hand) is parsed here.
 */
export function parseScanClusterMessage(raw: unknown): ScanClusterMessage {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidScanMessageError('not JSON');
    }
  }
  if (typeof value !== 'object' || value === null) throw new InvalidScanMessageError('not an object');
  const message = value as Partial<ScanClusterMessage>;
  if (message.version !== 1) throw new InvalidScanMessageError(`unsupported version ${String(message.version)}`);
  if (typeof message.scanId !== 'string' || message.scanId === '') throw new InvalidScanMessageError('scanId missing');
  const cluster = message.cluster;
  if (typeof cluster !== 'object' || cluster === null || typeof cluster.resourceId !== 'string') throw new InvalidScanMessageError('cluster.resourceId missing');
  const parsed = parseManagedClusterId(cluster.resourceId);
  if (!parsed) throw new InvalidScanMessageError(`"${cluster.resourceId}" is not an AKS managed cluster resource id`);
  return {
    version: 1,
    scanId: message.scanId,
    cluster: {
      resourceId: cluster.resourceId,
      name: parsed.name,
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
      location: typeof cluster.location === 'string' ? cluster.location : '',
    },
    enqueuedAt: typeof message.enqueuedAt === 'string' ? message.enqueuedAt : '',
  };
}
