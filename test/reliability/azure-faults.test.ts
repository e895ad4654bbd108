/**
 * ARM and Resource Graph faults on the fleet path: discovery (Resource Graph) then the
 * per-cluster scan (ARM cluster GET, user credential, live collection from the API server
 * double), with the unmodified Azure SDKs against the local doubles. 5xx answers come from a
 * fault proxy in front of the ARM double (which only throttles by itself).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RefreshingTokenProvider } from '../../src/access/token.js';
import { defaultConfig } from '../../src/config/types.js';
import { ArmClusterReader } from '../../src/inventory/arm.js';
import { createResourceGraphClient, type AzureEndpoints } from '../../src/inventory/azure-clients.js';
import { discoverClusters } from '../../src/inventory/discovery.js';
import { scanOneCluster, type ClusterScanServices } from '../../src/fleet/scan-cluster.js';
import type { DiscoveredCluster, ScanClusterMessage } from '../../src/inventory/types.js';
import type { ClusterScanResult } from '../../src/report/types.js';
import { collectLiveSnapshot } from '../../src/snapshot/live/index.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../doubles/arm/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { StaticTokenCredential } from '../helpers/credentials.js';
import { startAzureDoubles, type AzureDoubles } from '../integration/azure/fixture.js';
import { DEMO_DIR, FAST_HTTP } from '../integration/live/helpers.js';
import { startFaultProxy, type FaultProxy, type ProxyPlan } from './fault-proxy.js';
import { expectNoFindingLost, scenarioSummary } from './scenarios.js';

const SUBSCRIPTION = 'dddddddd-0000-4000-8000-000000000009';
const RESOURCE_GROUP = 'rg-reliability';
const LIVE = 'aks-contaminated';
const GONE = 'aks-deleted-meanwhile';

let azure: AzureDoubles;
let kube: KubeApiServerDouble;
let armProxy: FaultProxy;
let baseline: ClusterScanResult;

function services(endpoints: AzureEndpoints): ClusterScanServices {
  return {
    config: defaultConfig(),
    arm: new ArmClusterReader(azure.credential, endpoints),
    // The API server double accepts its own token; the provider is the production one.
    aksTokens: new RefreshingTokenProvider(new StaticTokenCredential(kube.token)),
    collect: (kubeConfig, options) => collectLiveSnapshot(kubeConfig as Parameters<typeof collectLiveSnapshot>[0], { ...options, http: FAST_HTTP }),
    deadlineMs: 30_000,
    probeTimeoutMs: 2000,
  };
}

function messageFor(cluster: DiscoveredCluster): ScanClusterMessage {
  const { tags: _tags, ...ref } = cluster;
  return { version: 1, scanId: 'scan-azure-faults', cluster: ref, enqueuedAt: new Date().toISOString() };
}

async function discover(): Promise<DiscoveredCluster[]> {
  const result = await discoverClusters(createResourceGraphClient(azure.credential, azure.endpoints), { subscriptionIds: [SUBSCRIPTION], resourceGroups: [], tagFilters: [] });
  return result.clusters;
}

const ids = (result: ClusterScanResult) => result.findings.map((finding) => finding.findingId);

beforeAll(async () => {
  azure = await startAzureDoubles();
  kube = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, LIVE) });
  armProxy = await startFaultProxy({ upstream: azure.arm.baseUrl, upstreamCaPem: azure.pki.caPem, pki: azure.pki });
  for (const name of [LIVE, GONE]) {
    azure.resourceGraph.addCluster({ id: managedClusterId({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name }), name, resourceGroup: RESOURCE_GROUP, subscriptionId: SUBSCRIPTION, location: 'westeurope', tags: {} });
  }
  // Only the live cluster exists in ARM: the other was deleted after Resource Graph indexed it.
  azure.arm.addCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: LIVE, location: 'westeurope', properties: healthyClusterProperties(), userKubeconfig: aksUserKubeconfig(LIVE, kube.url, kube.caPem) });
  const live = (await discover()).find((cluster) => cluster.name === LIVE)!;
  baseline = await scanOneCluster(messageFor(live), services(azure.endpoints));
  expect(baseline.record.status).toBe('succeeded');
  expect(baseline.findings.length).toBeGreaterThan(5);
});
afterAll(async () => {
  process.stdout.write(`\n[reliability] azure-faults: ${scenarioSummary()}\n`);
  await Promise.all([armProxy?.close(), kube?.close(), azure?.close()]);
});

describe('ARM and Resource Graph faults', () => {
  it('arm-429-storm: discovery and the cluster GET wait out throttling; the scan loses nothing', async () => {
    const rgBefore = azure.resourceGraph.requests.length;
    const armBefore = azure.arm.requests.length;
    azure.resourceGraph.throttle('/resources', 3, 1);
    azure.arm.throttle(`/managedClusters/${LIVE}`, 2, 1);

    const clusters = await discover();
    expect(clusters.map((cluster) => cluster.name).sort()).toEqual([GONE, LIVE].sort());
    const result = await scanOneCluster(messageFor(clusters.find((cluster) => cluster.name === LIVE)!), services(azure.endpoints));

    expect(azure.resourceGraph.requests.slice(rgBefore).map((request) => request.status)).toEqual([429, 429, 429, 200]);
    expect(azure.arm.requests.slice(armBefore).filter((request) => request.status === 429)).toHaveLength(2);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('arm-429-storm', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('arm-5xx: server errors on the cluster GET and the user credential are retried by the SDK', async () => {
    const remaining = { get: 2, credential: 1 };
    const plan: ProxyPlan = ({ method, url }) => {
      const lower = url.toLowerCase();
      if (method === 'POST' && lower.includes('/listclusterusercredential') && remaining.credential-- > 0) return { type: 'status', status: 503, body: { error: { code: 'ServiceUnavailable', message: 'try again' } } };
      if (method === 'GET' && lower.includes(`/managedclusters/${LIVE.toLowerCase()}?`) && remaining.get-- > 0) return { type: 'status', status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } };
      return { type: 'forward' };
    };
    armProxy.setPlan(plan);
    armProxy.calls.length = 0;
    const live = (await discover()).find((cluster) => cluster.name === LIVE)!;
    const result = await scanOneCluster(messageFor(live), services({ ...azure.endpoints, resourceManager: armProxy.url }));

    expect(armProxy.calls.filter((call) => call.action === 'status').map((call) => call.status).sort()).toEqual([500, 500, 503]);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('arm-5xx', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('arm-cluster-disappears: a cluster deleted after discovery ends in a failed record at once', async () => {
    const gone = (await discover()).find((cluster) => cluster.name === GONE)!;
    const before = azure.arm.requests.length;
    const result = await scanOneCluster(messageFor(gone), services(azure.endpoints));

    expect(result.record.status).toBe('failed');
    expect(result.record.error).toMatch(/no longer exists \(HTTP 404\)/);
    // Not retried: a 404 will not go away, and the queue would only repeat it.
    expect(azure.arm.requests.slice(before).filter((request) => request.url.includes(GONE))).toHaveLength(1);
    expect(result.findings.map((finding) => finding.ruleId)).toContain('scan-incomplete');
    expectNoFindingLost('arm-cluster-disappears', { expectedFindingIds: [], deliveredFindingIds: ids(result) });
  });
});
