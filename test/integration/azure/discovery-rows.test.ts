import { describe, expect, it } from '@jest/globals';
import { resourceGraphQuotaPolicy } from '../../../src/inventory/azure-clients.js';
import { clusterFromRow, matchesFilters } from '../../../src/inventory/discovery.js';
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
});

describe('the Resource Graph quota policy', () => {
  /** Runs the policy over one answer and returns the Retry-After the SDK's retry policy will read. */
  async function retryAfterSeen(status: number, headers: Record<string, string>): Promise<string | undefined> {
    const values = new Map(Object.entries(headers));
    const response = { status, headers: { has: (name: string) => values.has(name), get: (name: string) => values.get(name), set: (name: string, value: string) => void values.set(name, value) } };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a minimal request/response pair is all the policy touches
    const answered = await resourceGraphQuotaPolicy.sendRequest({} as any, async () => response as any);
    return answered.headers.get('retry-after');
  }

  it('turns x-ms-user-quota-resets-after into Retry-After on a 429, so the SDK waits as Resource Graph says', async () => {
    expect(await retryAfterSeen(429, { 'x-ms-user-quota-resets-after': '00:00:04' })).toBe('4');
    expect(await retryAfterSeen(429, { 'x-ms-user-quota-resets-after': '01:02:03' })).toBe('3723');
  });

  it('leaves an existing Retry-After, other statuses and unreadable values alone', async () => {
    expect(await retryAfterSeen(429, { 'retry-after': '2', 'x-ms-user-quota-resets-after': '00:00:09' })).toBe('2');
    expect(await retryAfterSeen(200, { 'x-ms-user-quota-resets-after': '00:00:04' })).toBeUndefined();
    expect(await retryAfterSeen(429, { 'x-ms-user-quota-resets-after': 'soon' })).toBeUndefined();
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
