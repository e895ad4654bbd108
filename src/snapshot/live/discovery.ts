/**
 * API discovery: which group/version serves each kind the scanner reads.
 *
 * `GET /apis` lists every served group with its preferred version; `GET /apis/<g>/<v>` lists
 * the resources of one group version. For each group the scanner asks for the preferred
 * version first (what kubectl reads), then the other served versions it understands, until
 * every kind of that group is placed: Kyverno, for example, serves ClusterPolicy in v1 but
 * PolicyException only in v2/v2beta1. A group the server does not serve means the product
 * (Istio, Kyverno, Gatekeeper) is not installed: its kinds are `absent`, not an error.
 * Reference: https://kubernetes.io/docs/reference/using-api/api-concepts/#discovery-api
 */
import type { KubeHttpClient, RequestTally } from '../../access/kube-http.js';
import { KubeRequestError } from '../../access/kube-http.js';
import { scrubSecrets } from '../../access/scrub.js';
import { GATEKEEPER_CONSTRAINTS_GROUP, KIND_INFO, objectKindOf, type KindInfo } from '../kinds.js';
import type { CoverageStatus, SnapshotKind } from '../types.js';
import { isRecord } from '../../records.js';

/** A resource to LIST: where it lives and which snapshot kind its objects become. */
export interface ServedResource {
  snapshotKind: SnapshotKind;
  /** The object kind (for Gatekeeper constraints the constraint's own kind). */
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Label selector of the LIST (KindInfo.labelSelector), when only some objects are needed. */
  labelSelector?: string;
}

/** Why a kind will not be listed. */
export interface UnlistableKind {
  status: Extract<CoverageStatus, 'absent' | 'forbidden' | 'failed'>;
  error: string;
  /** HTTP status of the failed discovery request, when the server answered. */
  httpStatus?: number;
}

export interface DiscoveryResult {
  /** Resolved kinds (Constraint excluded: see constraints). */
  resources: Map<SnapshotKind, ServedResource>;
  /** Gatekeeper constraint resources, one per ConstraintTemplate (may be empty). */
  constraints: ServedResource[];
  /** Kinds that will not be listed, with the coverage they get. */
  unlistable: Map<SnapshotKind, UnlistableKind>;
  /** Set when `GET /apis` itself failed (unreachable server, rejected credentials...). */
  apisFailure?: UnlistableKind;
  tally: RequestTally;
}

interface GroupVersions {
  preferred?: string;
  served: string[];
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

/** 401/403 make a kind forbidden; everything else that stops a read is a failure. */
export function coverageStatusOf(error: unknown): 'forbidden' | 'failed' {
  return error instanceof KubeRequestError && error.failure === 'http' && (error.status === 401 || error.status === 403) ? 'forbidden' : 'failed';
}

/** The HTTP status of a request that the server answered with an error, else undefined. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof KubeRequestError && error.failure === 'http' ? error.status : undefined;
}

/**
 * The message of a failure, as it goes into coverage and findings. KubeHttpClient already
 * scrubbed the server's text of the credentials it sent; anything else shaped like a
 * credential (an exec plugin's output, a proxy's page) is scrubbed here too.
 */
export function errorMessage(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}

/** Parses an APIGroupList; wrong shapes give an empty map (and then every group is absent). */
export function parseGroupList(body: unknown): Map<string, GroupVersions> {
  const groups = new Map<string, GroupVersions>();
  const list = isRecord(body) && Array.isArray(body.groups) ? body.groups : [];
  for (const group of list) {
    if (!isRecord(group) || typeof group.name !== 'string') continue;
    const served = (Array.isArray(group.versions) ? group.versions : []).flatMap((v) => (isRecord(v) && typeof v.version === 'string' ? [v.version] : []));
    const preferred = isRecord(group.preferredVersion) && typeof group.preferredVersion.version === 'string' ? group.preferredVersion.version : undefined;
    groups.set(group.name, { preferred, served });
  }
  return groups;
}

function parseResourceList(body: unknown): ApiResource[] {
  const list = isRecord(body) && Array.isArray(body.resources) ? body.resources : [];
  return list.flatMap((r) =>
    isRecord(r) && typeof r.name === 'string' && typeof r.kind === 'string' && !r.name.includes('/')
      ? [{ name: r.name, kind: r.kind, namespaced: r.namespaced === true, verbs: Array.isArray(r.verbs) ? r.verbs.filter((v): v is string => typeof v === 'string') : [] }]
      : [],
  );
}

/** Versions to try for a kind: the server's preferred one, then the scanner's order (newest first). */
export function versionsToTry(served: GroupVersions, understood: string[] | 'any'): string[] {
  const acceptable = understood === 'any' ? served.served : understood.filter((v) => served.served.includes(v));
  const preferred = served.preferred && acceptable.includes(served.preferred) ? [served.preferred] : [];
  return [...preferred, ...acceptable.filter((v) => v !== served.preferred)];
}

type ListedKind = Exclude<SnapshotKind, 'Constraint'>;

/** `concurrency` bounds the discovery requests in flight, like the listings that follow (the same bound). */
export async function discoverResources(http: KubeHttpClient, concurrency = 4): Promise<DiscoveryResult> {
  const tally: RequestTally = { requests: 0, bytes: 0 };
  const resources = new Map<SnapshotKind, ServedResource>();
  const unlistable = new Map<SnapshotKind, UnlistableKind>();
  const constraints: ServedResource[] = [];
  const infos = Object.values(KIND_INFO) as KindInfo[];

  // The core group (/api/v1) is served by every API server; no discovery needed.
  for (const info of infos.filter((i) => i.group === '')) {
    resources.set(info.kind, { snapshotKind: info.kind, kind: info.kind, group: '', version: 'v1', plural: info.plural, namespaced: info.namespaced, ...(info.labelSelector ? { labelSelector: info.labelSelector } : {}) });
  }

  let groups: Map<string, GroupVersions>;
  try {
    groups = parseGroupList((await http.getJson('/apis', {}, tally)).body);
  } catch (error) {
    const httpStatus = httpStatusOf(error);
    const entry: UnlistableKind = { status: coverageStatusOf(error), error: `API discovery (/apis) failed: ${errorMessage(error)}`, ...(httpStatus ? { httpStatus } : {}) };
    for (const info of infos.filter((i) => i.group !== '')) unlistable.set(info.kind, entry);
    unlistable.set('Constraint', entry);
    return { resources, constraints, unlistable, apisFailure: entry, tally };
  }

  const byGroup = new Map<string, ListedKind[]>();
  for (const info of infos) if (info.group !== '') byGroup.set(info.group, [...(byGroup.get(info.group) ?? []), info.kind as ListedKind]);

  // Groups are discovered concurrently (one round trip each, as kubectl does); results go into
  // per-group slots and are merged in a fixed order so the outcome does not depend on timing.
  const discoverGroup = async (group: string, kinds: ListedKind[]) => {
    const groupResources = new Map<ListedKind, ServedResource>();
    const groupUnlistable = new Map<ListedKind, UnlistableKind>();
    const served = groups.get(group);
    if (!served) {
      for (const kind of kinds) groupUnlistable.set(kind, { status: 'absent', error: `API group ${group} is not served (not installed)` });
      return { groupResources, groupUnlistable };
    }
    // Resource lists are fetched lazily and once per version: usually only the preferred one.
    const resourceLists = new Map<string, ApiResource[] | UnlistableKind>();
    const resourcesOf = async (version: string) => {
      if (!resourceLists.has(version)) {
        try {
          resourceLists.set(version, parseResourceList((await http.getJson(`/apis/${group}/${version}`, {}, tally)).body));
        } catch (error) {
          const httpStatus = httpStatusOf(error);
          resourceLists.set(version, { status: coverageStatusOf(error), error: `discovery of ${group}/${version} failed: ${errorMessage(error)}`, ...(httpStatus ? { httpStatus } : {}) });
        }
      }
      return resourceLists.get(version)!;
    };
    for (const kind of kinds) {
      const info = KIND_INFO[kind];
      let failure: UnlistableKind | undefined;
      for (const version of versionsToTry(served, info.versions)) {
        const apiResources = await resourcesOf(version);
        if (!Array.isArray(apiResources)) {
          failure ??= apiResources;
          continue;
        }
        const objectKind = objectKindOf(info);
        const resource = apiResources.find((r) => r.kind === objectKind && r.verbs.includes('list'));
        if (!resource) continue;
        groupResources.set(kind, { snapshotKind: kind, kind: objectKind, group, version, plural: resource.name, namespaced: resource.namespaced, ...(info.labelSelector ? { labelSelector: info.labelSelector } : {}) });
        break;
      }
      if (groupResources.has(kind)) continue;
      groupUnlistable.set(kind, failure ?? { status: 'absent', error: `${objectKindOf(info)} is not served by ${group} (served versions: ${served.served.join(', ') || 'none'}; understood: ${info.versions.join(', ')})` });
    }
    return { groupResources, groupUnlistable };
  };
  const groupEntries = [...byGroup];
  const perGroup: Array<Awaited<ReturnType<typeof discoverGroup>>> = new Array(groupEntries.length);
  let next = 0;
  const worker = async () => {
    while (next < groupEntries.length) {
      const index = next++;
      const [group, kinds] = groupEntries[index]!;
      perGroup[index] = await discoverGroup(group, kinds);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, groupEntries.length)) }, worker));
  for (const { groupResources, groupUnlistable } of perGroup) {
    for (const [kind, resource] of groupResources) resources.set(kind, resource);
    for (const [kind, entry] of groupUnlistable) unlistable.set(kind, entry);
  }

  // Gatekeeper constraints: every resource of constraints.gatekeeper.sh is one constraint kind.
  const constraintGroup = groups.get(GATEKEEPER_CONSTRAINTS_GROUP);
  if (!constraintGroup) {
    unlistable.set('Constraint', { status: 'absent', error: `API group ${GATEKEEPER_CONSTRAINTS_GROUP} is not served (Gatekeeper not installed)` });
  } else {
    const version = versionsToTry(constraintGroup, 'any')[0];
    try {
      if (!version) throw new Error(`${GATEKEEPER_CONSTRAINTS_GROUP} serves no version`);
      const apiResources = parseResourceList((await http.getJson(`/apis/${GATEKEEPER_CONSTRAINTS_GROUP}/${version}`, {}, tally)).body);
      for (const resource of apiResources.filter((r) => r.verbs.includes('list'))) {
        constraints.push({ snapshotKind: 'Constraint', kind: resource.kind, group: GATEKEEPER_CONSTRAINTS_GROUP, version, plural: resource.name, namespaced: resource.namespaced });
      }
    } catch (error) {
      const httpStatus = httpStatusOf(error);
      unlistable.set('Constraint', { status: coverageStatusOf(error), error: `discovery of ${GATEKEEPER_CONSTRAINTS_GROUP} failed: ${errorMessage(error)}`, ...(httpStatus ? { httpStatus } : {}) });
    }
  }
  return { resources, constraints, unlistable, tally };
}

/** Collection path of a resource, cluster-wide (one LIST series per kind, never per namespace). */
export function collectionPath(resource: Pick<ServedResource, 'group' | 'version' | 'plural'>): string {
  return resource.group ? `/apis/${resource.group}/${resource.version}/${resource.plural}` : `/api/${resource.version}/${resource.plural}`;
}
