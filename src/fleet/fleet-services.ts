/**
 * Wiring of the fleet scan: every client built once from the validated app settings. The
 * Functions and the CLI use it; tests build it with `overrides` pointing at local doubles.
 */
import type { TokenCredential } from '@azure/identity';
import type { LogsIngestionClientOptions } from '@azure/monitor-ingestion';
import { RefreshingTokenProvider } from '../access/token.js';
import type { AppSettings } from '../config/app-settings.js';
import { LogAnalyticsSink } from '../report/log-analytics/sink.js';
import type { ClusterScanResult } from '../report/types.js';
import { collectLiveSnapshot } from '../snapshot/live/index.js';
import { ArmClusterReader } from '../inventory/arm.js';
import { createResourceGraphClient, type AzureEndpoints } from '../inventory/azure-clients.js';
import { createAzureCredential } from '../inventory/credential.js';
import { discoverClusters, type DiscoveryResult } from '../inventory/discovery.js';
import type { ClusterScanServices, CollectSnapshot } from './scan-cluster.js';
import { createQueueClient, type QueueClient } from '../inventory/scan-queue.js';

export interface ResultSink {
  upload(result: ClusterScanResult): Promise<void>;
}

/** What the timer needs: discover the clusters and enqueue them. No Log Analytics. */
export interface DiscoveryServices {
  settings: AppSettings;
  discover(): Promise<DiscoveryResult>;
  queue: QueueClient;
}

/** What the queue workers need on top: scan one cluster and ship the result. */
export interface FleetServices extends DiscoveryServices, ClusterScanServices {
  sink: ResultSink;
}

export interface FleetServiceOverrides {
  credential?: TokenCredential;
  endpoints?: AzureEndpoints;
  collect?: CollectSnapshot;
  sink?: ResultSink;
  /** Options for the Log Analytics client (tests: `tlsOptions` with the double's CA). */
  logsClientOptions?: LogsIngestionClientOptions;
  probeTimeoutMs?: number;
}

/** The timer's services: Resource Graph and the scan queue only, so it runs without the Log Analytics settings. */
export function createDiscoveryServices(settings: AppSettings, overrides: Pick<FleetServiceOverrides, 'credential' | 'endpoints'> = {}): DiscoveryServices {
  const credential = overrides.credential ?? createAzureCredential(settings);
  const endpoints = overrides.endpoints ?? {};
  const resourceGraph = createResourceGraphClient(credential, endpoints);
  return {
    settings,
    discover: () => discoverClusters(resourceGraph, { subscriptionIds: settings.subscriptionIds, resourceGroups: settings.resourceGroups, tagFilters: settings.tagFilters }),
    queue: createQueueClient(settings.queueConnection, settings.scanQueueName, credential, endpoints.trustedCaPem),
  };
}

export function createFleetServices(settings: AppSettings, overrides: FleetServiceOverrides = {}): FleetServices {
  const credential = overrides.credential ?? createAzureCredential(settings);
  const endpoints = overrides.endpoints ?? {};
  const sink = overrides.sink ?? new LogAnalyticsSink({
    endpoint: settings.logs.endpoint,
    ruleId: settings.logs.dcrImmutableId,
    findingsStream: settings.logs.findingsStream,
    scansStream: settings.logs.scansStream,
    credential,
    clientOptions: overrides.logsClientOptions,
  });
  return {
    ...createDiscoveryServices(settings, { credential, endpoints }),
    config: settings.scannerConfig,
    arm: new ArmClusterReader(credential, endpoints),
    aksTokens: new RefreshingTokenProvider(credential),
    collect: overrides.collect ?? ((kubeConfig, options) => collectLiveSnapshot(kubeConfig as Parameters<typeof collectLiveSnapshot>[0], options)),
    deadlineMs: settings.clusterScanDeadlineMs,
    probeTimeoutMs: overrides.probeTimeoutMs,
    allowLocalAccountCredentials: settings.allowLocalAccountCredentials,
    sink,
  };
}
