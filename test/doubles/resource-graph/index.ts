/**
 * Double of Azure Resource Graph's query API (POST providers/Microsoft.ResourceGraph/resources),
 * over HTTPS with the test PKI. It cannot run KQL: it knows AKS managed clusters only and
 * refuses queries that do not select that type. Contract: README.md beside this file.
 */
import type { TestPki } from '../../helpers/tls.js';
import { ARM_AUDIENCE } from '../arm/index.js';
import { armError, quotaHeaders, startAzureHttpsDouble, type AzureHttpsDouble } from '../arm/https-server.js';

export interface ResourceGraphRow {
  id: string;
  name: string;
  /** Resource Graph lower-cases this column. */
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  tags: Record<string, string>;
}

export interface ResourceGraphDouble extends AzureHttpsDouble {
  /** Subscriptions the identity can read (the default scope when a query names none). */
  readableSubscriptions: Set<string>;
  addCluster(row: Omit<ResourceGraphRow, 'resourceGroup'> & { resourceGroup: string }): void;
}

export async function startResourceGraphDouble(options: { pki: TestPki; audienceOf: (token: string) => string | undefined; pageSize?: number }): Promise<ResourceGraphDouble> {
  const rows: ResourceGraphRow[] = [];
  const readableSubscriptions = new Set<string>();
  const pageSize = options.pageSize ?? 1000;

  const double = await startAzureHttpsDouble({
    pki: options.pki,
    audienceOf: options.audienceOf,
    expectedAudience: ARM_AUDIENCE,
    // Resource Graph documents its throttling with the quota headers only, no Retry-After
    // (learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests).
    throttleHeaders: quotaHeaders,
    handle: (req, url, body) => {
      if (req.method !== 'POST' || url.pathname.toLowerCase() !== '/providers/microsoft.resourcegraph/resources') {
        return { status: 404, body: armError('NotFound', `No route for ${req.method} ${url.pathname}`) };
      }
      if (!url.searchParams.get('api-version')) return { status: 400, body: armError('MissingApiVersionParameter', 'api-version is required') };
      const request = (typeof body === 'object' && body !== null ? body : {}) as { query?: unknown; subscriptions?: unknown; options?: Record<string, unknown> };
      if (typeof request.query !== 'string' || !/type\s*=~\s*'microsoft\.containerservice\/managedclusters'/i.test(request.query)) {
        return { status: 400, body: armError('BadRequest', 'This double only answers queries over microsoft.containerservice/managedclusters') };
      }
      // Real Resource Graph silently drops subscriptions the caller cannot read.
      const asked = Array.isArray(request.subscriptions) ? request.subscriptions.map(String) : [...readableSubscriptions];
      const scope = new Set(asked.filter((s) => readableSubscriptions.has(s)));
      const matching = rows.filter((row) => scope.has(row.subscriptionId)).sort((a, b) => a.id.localeCompare(b.id));
      const top = Math.min(Number(request.options?.$top ?? 100), 1000, pageSize);
      const skipToken = request.options?.$skipToken;
      const start = typeof skipToken === 'string' ? Number(Buffer.from(skipToken, 'base64').toString('utf8').replace('offset:', '')) : 0;
      if (!Number.isInteger(start) || start < 0) return { status: 400, body: armError('InvalidSkipToken', 'The $skipToken is invalid') };
      const page = matching.slice(start, start + top);
      const next = start + top < matching.length ? Buffer.from(`offset:${start + top}`).toString('base64') : undefined;
      return {
        status: 200,
        body: { totalRecords: matching.length, count: page.length, resultTruncated: 'false', $skipToken: next, data: page, facets: [] },
      };
    },
  });
  return {
    ...double,
    readableSubscriptions,
    addCluster(row) {
      rows.push({ ...row, resourceGroup: row.resourceGroup.toLowerCase() });
      readableSubscriptions.add(row.subscriptionId);
    },
  };
}
