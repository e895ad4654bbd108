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

export interface ListOptions<T> {
  tally: RequestTally;
  /** Called after every page with the number of objects read so far. */
  onPage?: (objectsRead: number) => void;
  /**
   * Turns each item into what the caller keeps, as its page arrives (the collector redacts and
   * normalizes here). A page's raw objects are then garbage before the next page is parsed
   * instead of living, and being copied by the garbage collector, until the series ends. An item
   * without a string apiVersion or kind is of the list's, given as `listed` (items of built-in
   * lists carry none): adding them to every item would give each a new shape and a property
   * store of its own. Must not throw. Default: the item itself, with apiVersion and kind filled in.
   */
  take?: (item: Record<string, unknown>, listed: Listed) => T;
}

/** The apiVersion and kind of a LIST's items. */
export interface Listed {
  apiVersion: string;
  kind: string;
}

/** The default `take`: the item itself, standing alone. Filled in place: the page was parsed for this call alone, so no copy is needed. */
function completed<T>(item: Record<string, unknown>, listed: Listed): T {
  if (typeof item.apiVersion !== 'string') item.apiVersion = listed.apiVersion;
  if (typeof item.kind !== 'string') item.kind = listed.kind;
  return item as T;
}

type Page = Awaited<ReturnType<KubeHttpClient['getJson']>>;

/**
 * Reads every object of `resource`. Items of built-in lists come without apiVersion/kind
 * (the list carries them): `take` gets them beside each item. The next page is requested
 * before the current one is handed to `take`, so the server works on it meanwhile.
 */
export async function listResource<T = Record<string, unknown>>(http: KubeHttpClient, resource: ServedResource, options: ListOptions<T>): Promise<T[]> {
  const path = collectionPath(resource);
  const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  const take = options.take ?? completed;
  const listed: Listed = { apiVersion, kind: resource.kind };
  // The selector goes with every page: a continue token only resumes the same query.
  const request = (continueToken?: string) => http.getJson(path, { labelSelector: resource.labelSelector, limit: PAGE_SIZE, continue: continueToken }, options.tally);
  for (let round = 0; round < 2; round++) {
    const taken: T[] = [];
    try {
      let page: Promise<Page> | undefined = request();
      while (page) {
        const { body }: Page = await page;
        if (!isRecord(body) || !Array.isArray(body.items)) {
          throw new KubeRequestError(`GET ${path}: the response is not a list (no items array)`, 'invalid-response');
        }
        const next: string = isRecord(body.metadata) && typeof body.metadata.continue === 'string' ? body.metadata.continue : '';
        page = next ? request(next) : undefined;
        if (page) {
          // Awaited by the next turn of the loop; until then a failure must not count as unhandled.
          page.catch(() => undefined);
          // Credentials are applied asynchronously: let the request go out before the CPU work.
          await new Promise((resolve) => setImmediate(resolve));
        }
        for (const item of body.items) {
          if (!isRecord(item)) continue;
          taken.push(take(item, listed));
        }
        options.onPage?.(taken.length);
      }
      return taken;
    } catch (error) {
      const expired = error instanceof KubeRequestError && error.failure === 'http' && error.status === 410;
      if (!expired) throw error;
      // Loop: restart the whole series from the first page, once.
    }
  }
  throw new ListExpiredError(`listing ${path} gave up: the continue token expired (410 Gone) again after a restart`);
}
