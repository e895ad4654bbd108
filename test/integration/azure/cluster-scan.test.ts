import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvocationContext } from '@azure/functions';
import { readAppSettings } from '../../../src/config/app-settings.js';
import { defaultConfig } from '../../../src/config/types.js';
import { scanFleetFromCli } from '../../../src/fleet/cli-fleet.js';
import { createFleetServices, type FleetServices, type ResultSink } from '../../../src/fleet/fleet-services.js';
import type { ScanClusterMessage } from '../../../src/inventory/types.js';
import type { ClusterScanResult } from '../../../src/report/types.js';
import { AKS_SERVER_APP_ID } from '../../../src/access/token.js';
import { createRecordFailedScanHandler } from '../../../functions/handlers/record-failed-scan.js';
import { createScanClusterHandler } from '../../../functions/handlers/scan-cluster.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../../doubles/arm/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { startAzureDoubles, type AzureDoubles } from './fixture.js';

const SUB = 'dddddddd-0000-4000-8000-000000000004';
const RG = 'scan-rg';
const AKS_TOKEN = 'aks-token-for-cluster-scan-tests';

/** A sink that keeps what it is given (the Log Analytics sink has its own tests and the e2e). */
class RecordingSink implements ResultSink {
  results: ClusterScanResult[] = [];
  async upload(result: ClusterScanResult): Promise<void> {
    this.results.push(result);
  }
}

function messageFor(name: string): ScanClusterMessage {
  return { version: 1, scanId: 'scan-1', cluster: { resourceId: managedClusterId({ subscriptionId: SUB, resourceGroup: RG, name }), name, subscriptionId: SUB, resourceGroup: RG, location: 'westeurope' }, enqueuedAt: '' };
}

describe('one cluster scan: retry or record, by cause', () => {
  let azure: AzureDoubles;
  let kube: KubeApiServerDouble;
  let sink: RecordingSink;
  let services: FleetServices;
  const logs: Array<{ level: string; text: string }> = [];
  const context = () => new InvocationContext({ functionName: 'test', triggerMetadata: { dequeueCount: 1 }, logHandler: (level, ...args) => logs.push({ level, text: args.join(' ') }) });

  beforeAll(async () => {
    azure = await startAzureDoubles({ fixedTokens: { [AKS_SERVER_APP_ID]: AKS_TOKEN } });
    kube = await startKubeApiServerDouble({ token: AKS_TOKEN, objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a' } }] });
    const add = (name: string, properties: Record<string, unknown>, server: string, extra: { userCredentialForbidden?: boolean } = {}) => {
      azure.resourceGraph.addCluster({ id: managedClusterId({ subscriptionId: SUB, resourceGroup: RG, name }), name, resourceGroup: RG, subscriptionId: SUB, location: 'westeurope', tags: {} });
      azure.arm.addCluster({ subscriptionId: SUB, resourceGroup: RG, name, location: 'westeurope', properties, userKubeconfig: aksUserKubeconfig(name, server, kube.caPem), ...extra });
    };
    add('healthy', healthyClusterProperties(), kube.url);
    add('local-accounts', healthyClusterProperties({ aadProfile: undefined, disableLocalAccounts: false }), kube.url);
    add('no-user-role', healthyClusterProperties(), kube.url, { userCredentialForbidden: true });
    add('unreachable', healthyClusterProperties({ apiServerAccessProfile: { authorizedIPRanges: ['203.0.113.7/32'] } }), 'https://127.0.0.1:9');
    azure.arm.setMeshRevisionProfile('westeurope', [{ revision: 'asm-1-24', upgrades: [] }]);
    sink = new RecordingSink();
    const settings = readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, { needsLogs: false });
    services = createFleetServices(settings, { credential: azure.credential, endpoints: azure.endpoints, sink, probeTimeoutMs: 2000 });
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([azure?.close(), kube?.close()]);
  });

  const lastResult = () => sink.results.at(-1)!;

  it('scans a reachable Entra ID cluster and ships the result', async () => {
    await createScanClusterHandler(() => services)(messageFor('healthy'), context());
    expect(lastResult().record).toMatchObject({ status: 'succeeded', scanId: 'scan-1', cluster: { name: 'healthy', subscriptionId: SUB } });
    expect(kube.requests.every((r) => r.status !== 401)).toBe(true);
  });

  it('records a local-accounts-only cluster as skipped at once (no retry, no admin credential)', async () => {
    await expect(createScanClusterHandler(() => services)(messageFor('local-accounts'), context())).resolves.toBeUndefined();
    expect(lastResult().record.status).toBe('skipped');
    expect(lastResult().record.error).toContain('no Entra ID integration');
    expect(lastResult().findings.map((f) => f.ruleId)).toContain('scan-incomplete');
  });

  it('records a missing listClusterUserCredential permission as failed at once, naming the action and the role', async () => {
    await createScanClusterHandler(() => services)(messageFor('no-user-role'), context());
    expect(lastResult().record).toMatchObject({ status: 'failed', cluster: { name: 'no-user-role' } });
    expect(lastResult().record.error).toContain('managedClusters/listClusterUserCredential/action');
    expect(lastResult().record.error).toContain('Istio Isolation Scanner ARM Reader');
  });

  it('records a cluster deleted since discovery as failed', async () => {
    await createScanClusterHandler(() => services)(messageFor('gone'), context());
    expect(lastResult().record.error).toContain('no longer exists');
  });

  it('throws for an unreachable cluster so the queue retries, shipping nothing', async () => {
    const before = sink.results.length;
    await expect(createScanClusterHandler(() => services)(messageFor('unreachable'), context())).rejects.toThrow(/unreachable.*authorized IP ranges \(203\.0\.113\.7\/32\)/);
    expect(sink.results.length).toBe(before);
    expect(logs.at(-1)).toMatchObject({ level: 'warning' });
  });

  it('drops a malformed message with an error log instead of retrying it', async () => {
    const before = sink.results.length;
    await createScanClusterHandler(() => services)({ version: 1, scanId: 's', cluster: { resourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z' } }, context());
    expect(sink.results.length).toBe(before);
    expect(logs.at(-1)).toMatchObject({ level: 'error' });
    expect(logs.at(-1)!.text).toContain('not an AKS managed cluster resource id');
  });

  it('poison handler: writes a failed record with the reason found again', async () => {
    await createRecordFailedScanHandler(() => services)(messageFor('unreachable'), context());
    expect(lastResult().record.status).toBe('failed');
    expect(lastResult().record.error).toMatch(/failed on each of 5 attempts: API server https:\/\/127\.0\.0\.1:9 is unreachable/);
    expect(lastResult().record.meshMode).toBe('Istio');
  });

  it('CLI: scans the fleet in-process with progress, failures reported per cluster', async () => {
    const lines: string[] = [];
    const clusters = await scanFleetFromCli({ subscriptions: [SUB], resourceGroups: [], config: defaultConfig(), scanId: 'cli-scan', onProgress: (line) => lines.push(line), credential: azure.credential, endpoints: azure.endpoints, concurrency: 2 });
    const byName = Object.fromEntries(clusters.map((c) => [c.snapshot.cluster.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['healthy', 'local-accounts', 'no-user-role', 'unreachable']);
    expect(byName.healthy!.failure).toBeUndefined();
    expect(byName.healthy!.snapshot.namespaces.has('tenant-a')).toBe(true);
    expect(byName.unreachable!.failure).toContain('unreachable');
    expect(byName['local-accounts']!.failure).toBeUndefined();
    expect(byName['local-accounts']!.snapshot.skipped).toContain('scanned only with Entra ID');
    expect(lines.some((line) => line.includes('local-accounts: skipped (scanned only with Entra ID'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^\[#{20}\] 4\/4 clusters/);
  });

  it('CLI: tells about every retried request, naming the cluster', async () => {
    const retries: string[] = [];
    kube.setFaults([{ kind: 'Namespace', status: 429, retryAfterSeconds: 0, times: 1 }]);
    try {
      await scanFleetFromCli({ subscriptions: [SUB], resourceGroups: [RG], config: defaultConfig(), scanId: 'cli-retry', onRetry: (cluster, retry) => retries.push(`${cluster} ${retry.path} ${retry.attempt} ${retry.waitMs}`), credential: azure.credential, endpoints: azure.endpoints, concurrency: 1 });
    } finally {
      kube.setFaults([]);
    }
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/^healthy \/api\/v1\/namespaces\S* 1 0$/);
  });
});
