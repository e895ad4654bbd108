/**
 * Least privilege on the ARM side, by observation: a real cluster scan (discovery, cluster
 * configuration, mesh revision profile, user credential) runs against the Azure doubles, every
 * request is turned into the Azure RBAC action that authorizes it, and the set must be exactly
 * the custom role of infra/roles/scanner-arm-reader.json (which replaces Reader and the AKS
 * Cluster User Role). A new ARM call in the code, or a role that grants more, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readAppSettings } from '../../../src/config/app-settings.js';
import { createFleetServices, type ResultSink } from '../../../src/fleet/fleet-services.js';
import { scanOneCluster } from '../../../src/fleet/scan-cluster.js';
import { AKS_SERVER_APP_ID } from '../../../src/access/token.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../../doubles/arm/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { startAzureDoubles, type AzureDoubles } from './fixture.js';

const SUB = 'eeeeeeee-0000-4000-8000-000000000005';
const RG = 'role-rg';
const AKS_TOKEN = 'aks-token-for-arm-role-tests';
const role = JSON.parse(readFileSync(new URL('../../../infra/roles/scanner-arm-reader.json', import.meta.url), 'utf8')) as { actions: string[] };

/**
 * The Azure RBAC action of an ARM request: GET on a resource (or collection) is
 * `<provider>/<type>[/<child type>...]/read`, POST on `<resource>/<name>` is `.../<name>/action`
 * (https://learn.microsoft.com/azure/role-based-access-control/resource-provider-operations).
 * Resource Graph queries are POSTs authorized as Microsoft.ResourceGraph/resources/read.
 */
export function rbacActionOf(method: string, url: string): string {
  const path = url.split('?')[0]!;
  if (method === 'POST' && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(path)) return 'Microsoft.ResourceGraph/resources/read';
  const afterProviders = path.split(/\/providers\//i).pop()!.split('/');
  const [namespace, ...rest] = afterProviders;
  const types = rest.filter((_segment, index) => index % 2 === 0);
  if (method === 'GET') return [namespace, ...types, 'read'].join('/');
  if (method === 'POST' && rest.length % 2 === 1) return [namespace, ...types.slice(0, -1), types.at(-1), 'action'].join('/');
  throw new Error(`no RBAC action known for ${method} ${path}`);
}

class NoSink implements ResultSink {
  async upload(): Promise<void> {}
}

describe('the custom ARM role', () => {
  let azure: AzureDoubles;
  let kube: KubeApiServerDouble;
  let observed: Set<string>;

  beforeAll(async () => {
    azure = await startAzureDoubles({ fixedTokens: { [AKS_SERVER_APP_ID]: AKS_TOKEN } });
    kube = await startKubeApiServerDouble({ token: AKS_TOKEN, objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a' } }] });
    const name = 'observed';
    const resourceId = managedClusterId({ subscriptionId: SUB, resourceGroup: RG, name });
    azure.resourceGraph.addCluster({ id: resourceId, name, resourceGroup: RG, subscriptionId: SUB, location: 'westeurope', tags: {} });
    azure.arm.addCluster({ subscriptionId: SUB, resourceGroup: RG, name, location: 'westeurope', properties: healthyClusterProperties(), userKubeconfig: aksUserKubeconfig(name, kube.url, kube.caPem) });
    azure.arm.setMeshRevisionProfile('westeurope', [{ revision: 'asm-1-24', upgrades: [] }]);

    const services = createFleetServices(readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, { needsLogs: false }), { credential: azure.credential, endpoints: azure.endpoints, sink: new NoSink(), probeTimeoutMs: 2000 });
    const discovery = await services.discover();
    expect(discovery.clusters.map((cluster) => cluster.name)).toEqual([name]);
    const { tags: _tags, ...cluster } = discovery.clusters[0]!;
    const result = await scanOneCluster({ version: 1, scanId: 'role-scan', cluster, enqueuedAt: '' }, services);
    expect(result.record.status).toBe('succeeded');
    observed = new Set([...azure.resourceGraph.requests, ...azure.arm.requests].map((request) => rbacActionOf(request.method, request.url)));
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([azure?.close(), kube?.close()]);
  });

  it('maps requests to actions as Azure RBAC names them', () => {
    expect(rbacActionOf('GET', `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/x?api-version=1`)).toBe('Microsoft.ContainerService/managedClusters/read');
    expect(rbacActionOf('POST', `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/x/listClusterUserCredential`)).toBe('Microsoft.ContainerService/managedClusters/listClusterUserCredential/action');
    expect(rbacActionOf('GET', `/subscriptions/${SUB}/providers/Microsoft.ContainerService/locations/westeurope/meshRevisionProfiles/istio`)).toBe('Microsoft.ContainerService/locations/meshRevisionProfiles/read');
  });

  it('holds every action a cluster scan needs', () => {
    expect([...observed].filter((action) => !role.actions.includes(action))).toEqual([]);
  });

  it('holds nothing a cluster scan does not need, except subscriptions/read for Resource Graph queries without a subscription list', () => {
    expect(role.actions.filter((action) => !observed.has(action))).toEqual(['Microsoft.Resources/subscriptions/read']);
  });

  it('is read-only apart from the user credential (API server address and CA)', () => {
    expect(role.actions.filter((action) => !action.endsWith('/read'))).toEqual(['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action']);
  });
});
