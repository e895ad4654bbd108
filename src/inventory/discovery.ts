/**
 * Fleet discovery with Azure Resource Graph: one query lists the AKS clusters of every
 * subscription the identity can read (or of the configured ones), paged with $skipToken.
 * Why Resource Graph and not ARM list calls: see docs/fleet-scanning.md ("Discovery").
 */
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TagFilter } from '../config/app-settings.js';
import { parseManagedClusterId, type DiscoveredCluster } from './types.js';

/**
 * The cluster columns only. `id` must be projected: Resource Graph can only page ($skipToken)
 * through results that include it. Ordered so pages are stable.
 */
export const MANAGED_CLUSTERS_QUERY = [
  'resources',
  "| where type =~ 'microsoft.containerservice/managedclusters'",
  '| project id, name, resourceGroup, subscriptionId, location, tags',
  '| order by id asc',
].join('\n');

/** Rows per page; Resource Graph allows up to 1000. */
const PAGE_SIZE = 1000;
/** A runaway skipToken loop (a service bug) must not hang the timer. 1,000 pages = 1,000,000 clusters. */
const MAX_PAGES = 1000;

export interface DiscoveryFilters {
  /** Empty: every subscription the identity can read. */
  subscriptionIds: string[];
  /** Empty: every resource group. Compared case-insensitively, like Azure does. */
  resourceGroups: string[];
  /** Every filter must match (tag key case-insensitive, value exact). */
  tagFilters: TagFilter[];
}

export interface DiscoveryResult {
  clusters: DiscoveredCluster[];
  pages: number;
  /** Rows Resource Graph returned that were not usable cluster ids (reported, not fatal). */
  skippedRows: number;
}

function tagsOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Pure: does a cluster pass the resource group and tag filters? */
export function matchesFilters(cluster: DiscoveredCluster, filters: Pick<DiscoveryFilters, 'resourceGroups' | 'tagFilters'>): boolean {
  if (filters.resourceGroups.length > 0 && !filters.resourceGroups.some((rg) => rg.toLowerCase() === cluster.resourceGroup.toLowerCase())) return false;
  return filters.tagFilters.every(({ key, value }) => {
    const tagKey = Object.keys(cluster.tags).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    return tagKey !== undefined && cluster.tags[tagKey] === value;
  });
}

/** Pure: one Resource Graph row to a cluster, or undefined when the row has no managed cluster id. */
export function clusterFromRow(row: unknown): DiscoveredCluster | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const record = row as Record<string, unknown>;
  const resourceId = typeof record.id === 'string' ? record.id : '';
  const parsed = parseManagedClusterId(resourceId);
  if (!parsed) return undefined;
  return {
    resourceId,
    // The id keeps the resource group's real case; the `resourceGroup` column is lower-cased by Resource Graph.
    name: parsed.name,
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    location: typeof record.location === 'string' ? record.location : '',
    tags: tagsOf(record.tags),
  };
}

/**
 * Lists the AKS clusters. Resource group and tag filters are applied to the rows here rather
 * than in KQL: the query stays constant (easy to audit and to run by hand in the portal), and
 * the row count of a fleet is small next to Resource Graph's paging limits.
 */
export async function discoverClusters(client: ResourceGraphClient, filters: DiscoveryFilters): Promise<DiscoveryResult> {
  const clusters: DiscoveredCluster[] = [];
  let skippedRows = 0;
  let skipToken: string | undefined;
  let pages = 0;
  do {
    const pageToken = skipToken;
    // Throttling (429) is retried by the SDK's pipeline (see createResourceGraphClient).
    const response = await client.resources({
      query: MANAGED_CLUSTERS_QUERY,
      subscriptions: filters.subscriptionIds.length > 0 ? filters.subscriptionIds : undefined,
      options: { resultFormat: 'objectArray', top: PAGE_SIZE, skipToken: pageToken },
    });
    pages += 1;
    const rows: unknown[] = Array.isArray(response.data) ? response.data : [];
    for (const row of rows) {
      const cluster = clusterFromRow(row);
      if (!cluster) skippedRows += 1;
      else if (matchesFilters(cluster, filters)) clusters.push(cluster);
    }
    skipToken = response.skipToken || undefined;
  } while (skipToken && pages < MAX_PAGES);
  if (skipToken) throw new Error(`Resource Graph kept returning $skipToken after ${MAX_PAGES} pages; refusing to loop forever`);
  return { clusters, pages, skippedRows };
}
