import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ArmClusterReader } from '../../../src/inventory/arm.js';
import { createContainerServiceClient, createResourceGraphClient } from '../../../src/inventory/azure-clients.js';
import { discoverClusters } from '../../../src/inventory/discovery.js';
import { apiServerFromKubeconfig } from '../../../src/access/user-credential.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../../doubles/arm/index.js';
import { startAzureDoubles, type AzureDoubles } from './fixture.js';

const SUB_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const SUB_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const SUB_UNREADABLE = 'cccccccc-0000-4000-8000-000000000003';

describe('discovery (Resource Graph) and cluster details (ARM) with the unmodified SDKs', () => {
  let azure: AzureDoubles;

  beforeAll(async () => {
    // Page size 2 forces $skipToken paging over the five clusters.
    azure = await startAzureDoubles({ resourceGraphPageSize: 2 });
    const add = (subscriptionId: string, resourceGroup: string, name: string, tags: Record<string, string> = {}) => {
      const id = managedClusterId({ subscriptionId, resourceGroup, name });
      azure.resourceGraph.addCluster({ id, name, resourceGroup, subscriptionId, location: 'westeurope', tags });
      azure.arm.addCluster({ subscriptionId, resourceGroup, name, location: 'westeurope', tags, properties: healthyClusterProperties(), userKubeconfig: aksUserKubeconfig(name, 'https://127.0.0.1:6443', azure.pki.caPem) });
    };
    add(SUB_A, 'Team-Alpha', 'alpha-1', { env: 'prod' });
    add(SUB_A, 'Team-Alpha', 'alpha-2', { env: 'dev' });
    add(SUB_A, 'team-beta', 'beta-1', { Env: 'prod' });
    add(SUB_B, 'shared', 'shared-1', { env: 'prod' });
    add(SUB_B, 'shared', 'shared-2');
    azure.resourceGraph.readableSubscriptions.delete(SUB_UNREADABLE);
    azure.arm.setMeshRevisionProfile('westeurope', [{ revision: 'asm-1-24', upgrades: ['asm-1-25'], compatibleWith: [{ name: 'kubernetes', versions: ['1.29', '1.30'] }] }]);
  });
  afterAll(() => azure.close());

  it('lists every readable cluster across subscriptions, following $skipToken', async () => {
    const client = createResourceGraphClient(azure.credential, azure.endpoints);
    const result = await discoverClusters(client, { subscriptionIds: [], resourceGroups: [], tagFilters: [] });
    expect(result.clusters.map((c) => c.name).sort()).toEqual(['alpha-1', 'alpha-2', 'beta-1', 'shared-1', 'shared-2']);
    expect(result.pages).toBe(3);
    // The id keeps the resource group's case even though Resource Graph lower-cases the column.
    expect(result.clusters.find((c) => c.name === 'alpha-1')!.resourceGroup).toBe('Team-Alpha');
  });

  it('restricts to subscriptions, resource groups (any case) and tags', async () => {
    const client = createResourceGraphClient(azure.credential, azure.endpoints);
    const bySubscription = await discoverClusters(client, { subscriptionIds: [SUB_B, SUB_UNREADABLE], resourceGroups: [], tagFilters: [] });
    expect(bySubscription.clusters.map((c) => c.name).sort()).toEqual(['shared-1', 'shared-2']);
    const filtered = await discoverClusters(client, { subscriptionIds: [], resourceGroups: ['team-alpha', 'TEAM-BETA'], tagFilters: [{ key: 'env', value: 'prod' }] });
    expect(filtered.clusters.map((c) => c.name).sort()).toEqual(['alpha-1', 'beta-1']);
  });

  it('waits out Resource Graph throttling (429 with x-ms-user-quota-resets-after, no Retry-After) and succeeds', async () => {
    azure.resourceGraph.throttle('/resources', 1, 1);
    const before = azure.resourceGraph.requests.length;
    const client = createResourceGraphClient(azure.credential, azure.endpoints);
    const result = await discoverClusters(client, { subscriptionIds: [SUB_B], resourceGroups: [], tagFilters: [] });
    expect(result.clusters).toHaveLength(2);
    const statuses = azure.resourceGraph.requests.slice(before).map((r) => r.status);
    expect(statuses[0]).toBe(429);
    expect(statuses.slice(1).every((s) => s === 200)).toBe(true);
  });

  it('reads cluster details, the user credential and the region profile (cached per region), through ARM throttling', async () => {
    const reader = new ArmClusterReader(azure.credential, azure.endpoints);
    azure.arm.throttle('/managedClusters/alpha-1', 1, 1);
    const ref = { resourceId: managedClusterId({ subscriptionId: SUB_A, resourceGroup: 'Team-Alpha', name: 'alpha-1' }), name: 'alpha-1', subscriptionId: SUB_A, resourceGroup: 'Team-Alpha', location: 'westeurope' };
    const cluster = await reader.getCluster(ref);
    expect(cluster.serviceMeshProfile).toMatchObject({ mode: 'Istio' });
    expect(cluster.aadProfile).toMatchObject({ enableAzureRbac: true });
    const endpoint = apiServerFromKubeconfig(await reader.getUserKubeconfig(ref));
    expect(endpoint).toEqual({ server: 'https://127.0.0.1:6443', caPem: azure.pki.caPem });

    const profileRequests = () => azure.arm.requests.filter((r) => r.url.includes('meshRevisionProfiles')).length;
    const before = profileRequests();
    const [first, second] = await Promise.all([reader.meshRevisionProfile(SUB_A, 'westeurope'), reader.meshRevisionProfile(SUB_B, 'West Europe')]);
    expect(first?.revisions[0]).toMatchObject({ revision: 'asm-1-24', upgrades: ['asm-1-25'] });
    expect(second).toBe(first);
    expect(profileRequests() - before).toBe(1);
    expect(await reader.meshRevisionProfile(SUB_A, 'nowhere')).toBeUndefined();
  });

  it('pages the ARM list of managed clusters with nextLink', async () => {
    const client = createContainerServiceClient(azure.credential, SUB_A, azure.endpoints);
    const names: string[] = [];
    for await (const cluster of client.managedClusters.list()) names.push(cluster.name!);
    expect(names).toEqual(['alpha-1', 'alpha-2', 'beta-1']);
    expect(azure.arm.requests.filter((r) => r.url.endsWith('managedClusters') || r.url.includes('managedClusters?')).length).toBeGreaterThanOrEqual(2);
  });

  it('sends only tokens for the ARM audience (the doubles reject others)', () => {
    expect(azure.msi.issued.every((t) => t.resource.replace(/\/$/, '') === 'https://management.azure.com')).toBe(true);
    expect(azure.arm.requests.every((r) => r.status !== 401)).toBe(true);
  });
});
