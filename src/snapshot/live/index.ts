import type { ClusterIdentity, ClusterSnapshot } from '../types.js';

/** Progress of a live collection, for the CLI's TTY display. */
export interface LiveProgress {
  cluster: string;
  kind: string;
  objectsRead: number;
  done: boolean;
}

export interface LiveCollectionOptions {
  cluster: ClusterIdentity;
  /** ARM ManagedCluster JSON when known (fleet scans), passed through to the snapshot. */
  aksCluster?: Record<string, unknown>;
  /** Overall per-cluster deadline. */
  deadlineMs?: number;
  onProgress?: (progress: LiveProgress) => void;
}

/**
 * Reads a live cluster into a ClusterSnapshot (issue 4). `kubeConfig` is a
 * @kubernetes/client-node KubeConfig with its current context set.
 */
export async function collectLiveSnapshot(_kubeConfig: unknown, _options: LiveCollectionOptions): Promise<ClusterSnapshot> {
  throw new Error('live collection not implemented yet');
}

/** CLI entry: one snapshot per selected kubeconfig context. Nothing is written to disk. */
export async function snapshotsFromKubeconfig(_options: {
  kubeconfigPath?: string;
  context?: string;
  allContexts?: boolean;
  onProgress?: (progress: LiveProgress) => void;
}): Promise<ClusterSnapshot[]> {
  throw new Error('live collection not implemented yet');
}
