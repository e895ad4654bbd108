/**
 * One cluster of a fleet scan, end to end: ARM details -> access -> live snapshot -> rules ->
 * ClusterScanResult. Used by the scanCluster Function, the poison-queue Function and the CLI.
 *
 * Failure policy (why some failures throw and others do not):
 *  - transient or network failures throw a retryable ClusterAccessError: the queue retries the
 *    message, and after maxDequeueCount the poison handler writes the failed record;
 *  - failures no retry can fix (missing Azure role, cluster deleted) return a 'failed' result
 *    at once, with the platform findings ARM alone can give;
 *  - a cluster without Entra ID integration is not scanned unless the operator opted in
 *    (allowLocalAccountCredentials): its only credential is an admin-equivalent local account.
 *    It gets a 'skipped' result (and a finding) without its credential even being requested.
 */
import { authenticationBlocker, buildKubeConfig, buildLocalAccountKubeConfig, ClusterAccessError, explainProbeFailure, probeApiServer } from '../access/cluster-access.js';
import type { TokenProvider } from '../access/token.js';
import { apiServerFromKubeconfig, localAccountFromKubeconfig, type ApiServerEndpoint } from '../access/user-credential.js';
import type { ScannerConfig } from '../config/types.js';
import { readAksFacts, type AksFacts } from '../inventory/aks-facts.js';
import type { ClusterScanResult } from '../report/types.js';
import { scanSnapshot } from '../report/scan-result.js';
import { assembleSnapshot } from '../snapshot/assemble.js';
import type { LiveCollectionOptions } from '../snapshot/live/index.js';
import { SNAPSHOT_KINDS, type ClusterIdentity, type ClusterSnapshot, type CoverageEntry, type MeshRevisionProfile, type SnapshotKind } from '../snapshot/types.js';
import { httpStatusOf, type ArmClusterReader } from '../inventory/arm.js';
import { identityOf, type ScanClusterMessage } from '../inventory/types.js';

export type CollectSnapshot = (kubeConfig: unknown, options: LiveCollectionOptions) => Promise<ClusterSnapshot>;

export interface ClusterScanServices {
  config: ScannerConfig;
  arm: ArmClusterReader;
  /** Tokens for the AKS Entra ID server audience. */
  aksTokens: TokenProvider;
  collect: CollectSnapshot;
  deadlineMs: number;
  /** TLS connect timeout of the line-of-sight probe. */
  probeTimeoutMs?: number;
  /**
   * Scan clusters without Entra ID with their local account (cluster-admin), as the operator
   * explicitly accepted (SCAN_LOCAL_ACCOUNT_CLUSTERS). Default: skip them.
   */
  allowLocalAccountCredentials?: boolean;
}

const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** What ARM says about a cluster, gathered before touching its API server. */
interface ArmView {
  aksCluster: Record<string, unknown>;
  facts: AksFacts;
  meshRevisionProfile?: MeshRevisionProfile;
}

/** Words for ARM errors: missing roles and deleted clusters are not worth a retry. */
function armFailure(what: string, error: unknown, missingRole: string): ClusterAccessError {
  const status = httpStatusOf(error);
  const message = (error as Error).message ?? String(error);
  if (status === 404) return new ClusterAccessError(`${what}: the cluster no longer exists (HTTP 404)`, false);
  if (status === 401 || status === 403) return new ClusterAccessError(`${what}: the scanner's identity lacks ${missingRole} (HTTP ${status})`, false);
  return new ClusterAccessError(`${what} failed${status ? ` (HTTP ${status})` : ''}: ${message}`, true);
}

async function readArm(cluster: ScanClusterMessage['cluster'], arm: ArmClusterReader): Promise<ArmView> {
  let aksCluster: Record<string, unknown>;
  try {
    aksCluster = await arm.getCluster(cluster);
  } catch (error) {
    throw armFailure('Reading the cluster from Azure Resource Manager', error, 'Microsoft.ContainerService/managedClusters/read on the cluster (the custom "Istio Isolation Scanner ARM Reader" role, infra/roles/scanner-arm-reader.json)');
  }
  const location = cluster.location || (typeof aksCluster.location === 'string' ? aksCluster.location : '');
  const meshRevisionProfile = location ? await arm.meshRevisionProfile(cluster.subscriptionId, location) : undefined;
  return { aksCluster, facts: readAksFacts(aksCluster, cluster.name), meshRevisionProfile };
}

/** The API server and how to authenticate to it. */
interface ApiServerAccess {
  endpoint: ApiServerEndpoint;
  /** The user credential's kubeconfig, kept only to read a local account from (opt-in). */
  kubeconfigText: string;
}

/** ARM user credential -> API server endpoint -> line-of-sight probe. Throws ClusterAccessError. */
async function reachApiServer(cluster: ScanClusterMessage['cluster'], view: ArmView, services: ClusterScanServices): Promise<ApiServerAccess> {
  // Without Entra ID the user credential is an admin-equivalent local account: not even requested unless accepted.
  const blocker = authenticationBlocker(view.facts);
  if (blocker && !services.allowLocalAccountCredentials) throw new ClusterAccessError(`Cannot authenticate to ${cluster.name}: ${blocker}`, false);
  let kubeconfigText: string;
  try {
    kubeconfigText = await services.arm.getUserKubeconfig(cluster);
  } catch (error) {
    throw armFailure('Reading the cluster user credential', error, 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action on the cluster (the custom "Istio Isolation Scanner ARM Reader" role, infra/roles/scanner-arm-reader.json)');
  }
  let endpoint: ApiServerEndpoint;
  try {
    endpoint = apiServerFromKubeconfig(kubeconfigText);
  } catch (error) {
    throw new ClusterAccessError((error as Error).message, false);
  }
  try {
    await probeApiServer(endpoint, services.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  } catch (error) {
    throw explainProbeFailure(endpoint.server, error, view.facts);
  }
  return { endpoint, kubeconfigText };
}

/** The managed identity's token for Entra ID clusters; the opted-in local account otherwise. */
function kubeConfigFor(cluster: ScanClusterMessage['cluster'], view: ArmView, access: ApiServerAccess, services: ClusterScanServices): unknown {
  if (!authenticationBlocker(view.facts)) return buildKubeConfig(cluster.name, access.endpoint, services.aksTokens);
  try {
    return buildLocalAccountKubeConfig(cluster.name, access.endpoint, localAccountFromKubeconfig(access.kubeconfigText));
  } catch (error) {
    throw new ClusterAccessError(`Cannot authenticate to ${cluster.name} with its local account: ${(error as Error).message}`, false);
  }
}

/** A snapshot of a cluster not scanned by policy: nothing read, and why. */
export function skippedSnapshot(identity: ClusterIdentity, reason: string, arm: { aksCluster?: Record<string, unknown>; meshRevisionProfile?: MeshRevisionProfile } = {}): ClusterSnapshot {
  const snapshot = failedSnapshot(identity, reason, arm);
  snapshot.skipped = reason;
  return snapshot;
}

/**
 * A snapshot with every kind unread, so only the ARM-based platform rules and scan-incomplete
 * report. `apiRequests` keeps the requests a failed collection made (the scan record counts them).
 */
export function failedSnapshot(identity: ClusterIdentity, reason: string, arm: { aksCluster?: Record<string, unknown>; meshRevisionProfile?: MeshRevisionProfile } = {}, apiRequests = 0): ClusterSnapshot {
  const coverage = Object.fromEntries(SNAPSHOT_KINDS.map((kind) => [kind, { status: 'failed', error: reason } satisfies CoverageEntry])) as Record<SnapshotKind, CoverageEntry>;
  return assembleSnapshot({ cluster: identity, source: 'live', objects: [], coverage, apiRequests, aksCluster: arm.aksCluster, meshRevisionProfile: arm.meshRevisionProfile });
}

/** A 'failed' result with the platform findings ARM alone can give. */
export function failedScanResult(
  identity: ClusterIdentity,
  reason: string,
  context: { scanId: string; startedAt: number; config: ScannerConfig; aksCluster?: Record<string, unknown>; meshRevisionProfile?: MeshRevisionProfile },
): ClusterScanResult {
  return scanSnapshot(failedSnapshot(identity, reason, context), context.config, { scanId: context.scanId, startedAt: context.startedAt, failure: reason });
}

/**
 * Live collection reports an unusable cluster as a snapshot with every kind unread rather than
 * an error. Every kind forbidden means the identity has no Kubernetes read access (a retry will
 * not help); every kind failed means the API server stopped answering (worth a retry).
 */
function nothingReadReason(snapshot: ClusterSnapshot): ClusterAccessError | undefined {
  const entries = SNAPSHOT_KINDS.map((kind) => snapshot.coverage[kind]);
  if (entries.some((entry) => entry === undefined || (entry.status !== 'failed' && entry.status !== 'forbidden'))) return undefined;
  const firstError = entries.find((entry) => entry?.error)?.error ?? 'no detail';
  if (entries.every((entry) => entry?.status === 'forbidden')) {
    return new ClusterAccessError(`The scanner's identity may not read any kind on ${snapshot.cluster.name} (${firstError}); grant the read-only role the project ships (docs/fleet-scanning.md "Permissions").`, false);
  }
  return new ClusterAccessError(`No kind could be read from ${snapshot.cluster.name}: ${firstError}`, true);
}

/** A cluster's snapshot, or why it has none (then `snapshot` holds only what ARM told). */
export interface ClusterSnapshotOutcome {
  snapshot: ClusterSnapshot;
  failure?: string;
  /** True when a later attempt may succeed (network, throttling, server errors). */
  retryable: boolean;
  /** Set (to why) when the cluster was not scanned by policy; `snapshot` then holds only what ARM told. */
  skipped?: string;
}

/** ARM details -> access -> live snapshot. Never throws for access failures: they come back as `failure`. */
export async function snapshotOneCluster(message: ScanClusterMessage, services: ClusterScanServices): Promise<ClusterSnapshotOutcome> {
  const identity = identityOf(message.cluster);
  let view: ArmView | undefined;
  let apiRequests = 0;
  try {
    view = await readArm(message.cluster, services.arm);
    const blocker = authenticationBlocker(view.facts);
    if (blocker && !services.allowLocalAccountCredentials) {
      return { snapshot: skippedSnapshot(identity, blocker, view), skipped: blocker, retryable: false };
    }
    const access = await reachApiServer(message.cluster, view, services);
    const kubeConfig = kubeConfigFor(message.cluster, view, access, services);
    const http = services.config.maxApiResponseMiB ? { maxResponseBytes: services.config.maxApiResponseMiB * 1024 * 1024 } : undefined;
    const snapshot = await services.collect(kubeConfig, { cluster: identity, aksCluster: view.aksCluster, meshRevisionProfile: view.meshRevisionProfile, deadlineMs: services.deadlineMs, ...(http ? { http } : {}) });
    snapshot.meshRevisionProfile ??= view.meshRevisionProfile;
    apiRequests = snapshot.apiRequests;
    const unreadable = nothingReadReason(snapshot);
    if (unreadable) throw unreadable;
    return { snapshot, retryable: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const retryable = !(error instanceof ClusterAccessError) || error.retryable;
    return { snapshot: failedSnapshot(identity, reason, view ?? {}, apiRequests), failure: reason, retryable };
  }
}

/**
 * Scans one cluster for the queue worker. Returns a succeeded/partial result, or a failed one
 * for failures no retry can fix; throws a ClusterAccessError when a retry may help.
 */
export async function scanOneCluster(message: ScanClusterMessage, services: ClusterScanServices): Promise<ClusterScanResult> {
  const startedAt = Date.now();
  const outcome = await snapshotOneCluster(message, services);
  if (outcome.failure && outcome.retryable) throw new ClusterAccessError(outcome.failure, true);
  return scanSnapshot(outcome.snapshot, services.config, { scanId: message.scanId, startedAt, failure: outcome.failure, skipped: outcome.skipped });
}

/**
 * For the poison queue: the scan failed on every attempt and the queue message does not carry
 * the last error, so the reason is found again (ARM, credential, line of sight), and the result
 * carries the platform findings ARM alone can give.
 */
export async function diagnoseFailedCluster(message: ScanClusterMessage, services: ClusterScanServices, attempts: number): Promise<ClusterScanResult> {
  const startedAt = Date.now();
  const identity = identityOf(message.cluster);
  let view: ArmView | undefined;
  let reason: string;
  try {
    view = await readArm(message.cluster, services.arm);
    await reachApiServer(message.cluster, view, services);
    reason = `The scan failed on each of ${attempts} attempts although the API server answers now; see the Function's logs for scan ${message.scanId}.`;
  } catch (error) {
    reason = `The scan failed on each of ${attempts} attempts: ${(error as Error).message}`;
  }
  return failedScanResult(identity, reason, { scanId: message.scanId, startedAt, config: services.config, aksCluster: view?.aksCluster, meshRevisionProfile: view?.meshRevisionProfile });
}
