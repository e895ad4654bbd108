/**
 * One cluster-wide paginated LIST series for one resource: `limit=500`, following
 * `metadata.continue` until it is empty, with the kind's `labelSelector` (if any) on every
 * page. Request count is ceil(objects/500) (at least one), whatever the number of namespaces.
 *
 * A continue token expires with etcd compaction ("generally five to fifteen minutes") and
 * the server answers 410 Gone (reason Expired). A client that needs a consistent list "must
 * restart their list without the continue field"; the scanner does, because mixing two
 * resource versions could pair objects that never coexisted
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks).
 * We restart once; a second expiry gives up on the kind.
 */
import { KubeRequestError, type KubeHttpClient, type RequestTally } from '../../access/kube-http.js';
import { collectionPath, type ServedResource } from './discovery.js';
import { isRecord } from '../../records.js';

export const PAGE_SIZE = 500;

export class ListExpiredError extends Error {}

export interface ListOptions {
  tally: RequestTally;
  /** Called after every page with the number of objects read so far. */
  onPage?: (objectsRead: number) => void;
}

/**
 * Reads every object of `resource`. Items of built-in lists come without apiVersion/kind
 * (the list carries them); they are filled in so each item stands alone.
 */
export async function listResource(http: KubeHttpClient, resource: ServedResource, options: ListOptions): Promise<Record<string, unknown>[]> {
  const path = collectionPath(resource);
  const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  for (let round = 0; round < 2; round++) {
    const items: Record<string, unknown>[] = [];
    let continueToken: string | undefined;
    try {
      do {
        // The selector goes with every page: a continue token only resumes the same query.
        const { body } = await http.getJson(path, { labelSelector: resource.labelSelector, limit: PAGE_SIZE, continue: continueToken }, options.tally);
        if (!isRecord(body) || !Array.isArray(body.items)) {
          throw new KubeRequestError(`GET ${path}: the response is not a list (no items array)`, 'invalid-response');
        }
        for (const item of body.items) {
          if (!isRecord(item)) continue;
          items.push({ ...item, apiVersion: typeof item.apiVersion === 'string' ? item.apiVersion : apiVersion, kind: typeof item.kind === 'string' ? item.kind : resource.kind });
        }
        const next = isRecord(body.metadata) && typeof body.metadata.continue === 'string' ? body.metadata.continue : '';
        continueToken = next || undefined;
        options.onPage?.(items.length);
      } while (continueToken);
      return items;
    } catch (error) {
      const expired = error instanceof KubeRequestError && error.failure === 'http' && error.status === 410;
      if (!expired) throw error;
      // Loop: restart the whole series from the first page, once.
    }
  }
  throw new ListExpiredError(`listing ${path} gave up: the continue token expired (410 Gone) again after a restart`);
}
