/**
 * The scan record of a cluster whose live collection failed still counts the Kubernetes API
 * requests that collection made (ApiRequests), and a collection that reads nothing at all is a
 * `failed` record. Azure doubles (managed identity, ARM) plus the API server double enforcing
 * an RBAC policy that grants nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AKS_SERVER_APP_ID } from '../../../src/access/token.js';
import { RefreshingTokenProvider } from '../../../src/access/token.js';
import { defaultConfig } from '../../../src/config/types.js';
import { scanOneCluster } from '../../../src/fleet/scan-cluster.js';
import { ArmClusterReader } from '../../../src/inventory/arm.js';
import type { ScanClusterMessage } from '../../../src/inventory/types.js';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../../doubles/arm/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { startAzureDoubles, type AzureDoubles } from './fixture.js';

const SUB = 'eeeeeeee-0000-4000-8000-000000000005';
const RG = 'scan-rg';
const AKS_TOKEN = 'aks-token-for-failed-record-tests';

describe('a fleet scan that reads nothing', () => {
  let azure: AzureDoubles;
  let kube: KubeApiServerDouble;

  beforeAll(async () => {
    azure = await startAzureDoubles({ fixedTokens: { [AKS_SERVER_APP_ID]: AKS_TOKEN } });
    // The identity authenticates but holds no Kubernetes role: every request is 403.
    kube = await startKubeApiServerDouble({ token: AKS_TOKEN, objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a' } }], rbac: { clusterRules: [], namespaceRules: [] } });
    azure.arm.addCluster({ subscriptionId: SUB, resourceGroup: RG, name: 'no-kube-role', location: 'westeurope', properties: healthyClusterProperties(), userKubeconfig: aksUserKubeconfig('no-kube-role', kube.url, kube.caPem) });
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([azure?.close(), kube?.close()]);
  });

  it('is a failed record whose ApiRequests counts every request the failed collection made', async () => {
    const message: ScanClusterMessage = {
      version: 1,
      scanId: 'scan-failed-requests',
      cluster: { resourceId: managedClusterId({ subscriptionId: SUB, resourceGroup: RG, name: 'no-kube-role' }), name: 'no-kube-role', subscriptionId: SUB, resourceGroup: RG, location: 'westeurope' },
      enqueuedAt: '',
    };
    const result = await scanOneCluster(message, {
      config: defaultConfig(),
      arm: new ArmClusterReader(azure.credential, azure.endpoints),
      aksTokens: new RefreshingTokenProvider(azure.credential),
      collect: (kubeConfig, options) => collectLiveSnapshot(kubeConfig as Parameters<typeof collectLiveSnapshot>[0], options),
      deadlineMs: 60_000,
      probeTimeoutMs: 2000,
    });
    expect(result.record.status).toBe('failed');
    expect(result.record.error).toContain('may not read any kind');
    expect(kube.requests.length).toBeGreaterThan(0);
    expect(kube.requests.every((request) => request.status === 403)).toBe(true);
    expect(result.record.apiRequests).toBe(kube.requests.length);
  });
});
