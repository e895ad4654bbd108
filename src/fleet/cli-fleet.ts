/**
 * `istio-isolation-scanner scan --azure`: the fleet scan in-process, for a developer with their
 * own Azure login (DefaultAzureCredential: az login, VS Code, environment...). Same discovery,
 * access and collection as the Functions; no queue: clusters are scanned here with a small
 * concurrency bound, and a cluster that cannot be scanned comes back with `failure` set.
 */
import type { TokenCredential } from '@azure/identity';
import { RefreshingTokenProvider } from '../access/token.js';
import type { ScannerConfig } from '../config/types.js';
import { collectLiveSnapshot } from '../snapshot/live/index.js';
import type { ClusterSnapshot } from '../snapshot/types.js';
import { ArmClusterReader } from '../inventory/arm.js';
import { createResourceGraphClient, type AzureEndpoints } from '../inventory/azure-clients.js';
import { createAzureCredential } from '../inventory/credential.js';
import { discoverClusters } from '../inventory/discovery.js';
import { snapshotOneCluster, type CollectSnapshot } from './scan-cluster.js';
import type { ScanClusterMessage } from '../inventory/types.js';

export interface FleetCliOptions {
  subscriptions: string[];
  resourceGroups: string[];
  config: ScannerConfig;
  scanId: string;
  onProgress?: (line: string) => void;
  /** Told before a request to a cluster's API server is retried (which cluster, what failed, how long it waits). */
  onRetry?: (cluster: string, retry: { path: string; attempt: number; waitMs: number; error: { message: string } }) => void;
  /** Clusters scanned at the same time (default 4). */
  concurrency?: number;
  /** Per-cluster deadline (default 5 minutes). */
  deadlineMs?: number;
  /** Scan clusters without Entra ID with their admin-equivalent local account (default: skip them). */
  allowLocalAccountCredentials?: boolean;
  /** Tests: the doubles' endpoints and credential, and a collector. */
  endpoints?: AzureEndpoints;
  credential?: TokenCredential;
  collect?: CollectSnapshot;
}

export interface FleetCliCluster {
  snapshot: ClusterSnapshot;
  failure?: string;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_DEADLINE_MS = 5 * 60_000;
const BAR_WIDTH = 20;

/** Pure: "[#######.............] 7/20 clusters, aks-prod: succeeded" */
export function progressLine(done: number, total: number, detail: string): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} clusters, ${detail}`;
}

/** The collector, telling `onRetry` about every retried request of the cluster it reads. */
function withRetryNotices(collect: CollectSnapshot, onRetry: FleetCliOptions['onRetry']): CollectSnapshot {
  if (!onRetry) return collect;
  return (kubeConfig, collectOptions) => collect(kubeConfig, { ...collectOptions, http: { ...collectOptions.http, onRetry: (retry) => onRetry(collectOptions.cluster.name, retry) } });
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the input order in the output. */
async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function scanFleetFromCli(options: FleetCliOptions): Promise<FleetCliCluster[]> {
  const credential = options.credential ?? createAzureCredential({ runningInAzure: false });
  const endpoints = options.endpoints ?? {};
  const progress = options.onProgress ?? (() => undefined);

  progress(`Discovering AKS clusters with Azure Resource Graph${options.subscriptions.length > 0 ? ` in ${options.subscriptions.length} subscription(s)` : ' in every subscription you can read'}...`);
  const discovery = await discoverClusters(createResourceGraphClient(credential, endpoints), { subscriptionIds: options.subscriptions, resourceGroups: options.resourceGroups, tagFilters: [] });
  const total = discovery.clusters.length;
  progress(progressLine(0, total, `${total} found`));

  const services = {
    config: options.config,
    arm: new ArmClusterReader(credential, endpoints),
    aksTokens: new RefreshingTokenProvider(credential),
    collect: withRetryNotices(options.collect ?? ((kubeConfig, collectOptions) => collectLiveSnapshot(kubeConfig as Parameters<typeof collectLiveSnapshot>[0], collectOptions)), options.onRetry),
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    allowLocalAccountCredentials: options.allowLocalAccountCredentials ?? false,
  } satisfies Parameters<typeof snapshotOneCluster>[1];

  let done = 0;
  return mapBounded(discovery.clusters, options.concurrency ?? DEFAULT_CONCURRENCY, async ({ tags: _tags, ...cluster }) => {
    const message: ScanClusterMessage = { version: 1, scanId: options.scanId, cluster, enqueuedAt: new Date().toISOString() };
    // No queue here to retry: a retryable failure is reported like any other.
    const outcome = await snapshotOneCluster(message, services);
    done += 1;
    progress(progressLine(done, total, `${cluster.name}: ${outcome.skipped ? `skipped (${outcome.skipped})` : outcome.failure ? `failed (${outcome.failure})` : 'read'}`));
    return { snapshot: outcome.snapshot, failure: outcome.failure };
  });
}
