import { describe, expect, it } from '@jest/globals';
import { clusterFromRow, matchesFilters, throttleDelayMs } from '../../../src/inventory/discovery.js';
import { decodeQueueMessage, encodeQueueMessage } from '../../../src/inventory/scan-queue.js';
import { parseScanClusterMessage } from '../../../src/inventory/types.js';

const ID = '/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/Team-A/providers/Microsoft.ContainerService/managedClusters/aks-1';

describe('Resource Graph rows and filters', () => {
  it('maps a row, keeping the resource group case from the id', () => {
    expect(clusterFromRow({ id: ID, name: 'aks-1', resourceGroup: 'team-a', location: 'westeurope', tags: { env: 'prod', n: 1 } })).toEqual({
      resourceId: ID, name: 'aks-1', subscriptionId: 'aaaaaaaa-0000-4000-8000-000000000001', resourceGroup: 'Team-A', location: 'westeurope', tags: { env: 'prod' },
    });
  });

  it('skips rows without a managed cluster id', () => {
    expect(clusterFromRow({ id: '/subscriptions/a/resourceGroups/b/providers/Microsoft.Storage/storageAccounts/c' })).toBeUndefined();
    expect(clusterFromRow(null)).toBeUndefined();
  });

  it('filters by resource group (any case) and by every tag (key any case, value exact)', () => {
    const cluster = clusterFromRow({ id: ID, location: 'westeurope', tags: { Env: 'prod', team: 'payments' } })!;
    expect(matchesFilters(cluster, { resourceGroups: [], tagFilters: [] })).toBe(true);
    expect(matchesFilters(cluster, { resourceGroups: ['team-a'], tagFilters: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'payments' }] })).toBe(true);
    expect(matchesFilters(cluster, { resourceGroups: ['team-b'], tagFilters: [] })).toBe(false);
    expect(matchesFilters(cluster, { resourceGroups: [], tagFilters: [{ key: 'env', value: 'Prod' }] })).toBe(false);
    expect(matchesFilters(cluster, { resourceGroups: [], tagFilters: [{ key: 'owner', value: 'x' }] })).toBe(false);
  });

  it('waits as Resource Graph says after a 429, and not for other errors', () => {
    const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] });
    expect(throttleDelayMs({ statusCode: 429, response: { headers: headers({ 'retry-after': '3' }) } })).toBe(3000);
    expect(throttleDelayMs({ statusCode: 429, response: { headers: headers({ 'x-ms-user-quota-resets-after': '00:00:04' }) } })).toBe(4000);
    expect(throttleDelayMs({ statusCode: 429, response: { headers: headers({ 'retry-after': '3600' }) } })).toBe(60_000);
    expect(throttleDelayMs({ statusCode: 500 })).toBeUndefined();
  });
});

describe('queue messages', () => {
  const message = { version: 1 as const, scanId: 's-1', cluster: { resourceId: ID, name: 'aks-1', subscriptionId: 'aaaaaaaa-0000-4000-8000-000000000001', resourceGroup: 'Team-A', location: 'westeurope' }, enqueuedAt: '2026-01-01T00:00:00.000Z' };

  it('round-trips through the base64 encoding the queue trigger decodes', () => {
    expect(parseScanClusterMessage(decodeQueueMessage(encodeQueueMessage(message)))).toEqual(message);
    expect(parseScanClusterMessage(JSON.stringify(message))).toEqual(message);
  });

  it.each([
    ['not json', 'not JSON'],
    [{ ...message, version: 2 }, 'unsupported version'],
    [{ ...message, scanId: '' }, 'scanId missing'],
    [{ ...message, cluster: {} }, 'cluster.resourceId missing'],
    [{ ...message, cluster: { resourceId: '/subscriptions/x' } }, 'not an AKS managed cluster resource id'],
  ])('rejects %j', (raw, reason) => {
    expect(() => parseScanClusterMessage(raw)).toThrow(reason);
  });

  it('takes name, subscription and resource group from the id, not from the message body', () => {
    const parsed = parseScanClusterMessage({ ...message, cluster: { ...message.cluster, name: 'spoofed', subscriptionId: 'other' } });
    expect(parsed.cluster).toMatchObject({ name: 'aks-1', subscriptionId: 'aaaaaaaa-0000-4000-8000-000000000001' });
  });
});
