/**
 * Live source: reads a cluster through its API server into the same ClusterSnapshot the
 * offline manifests produce (both end in assembleSnapshot), with an honest coverage record.
 *
 * Order of work:
 *  1. discovery (/apis and the group versions the scanner needs);
 *  2. one paginated cluster-wide LIST series per kind, a few kinds at a time;
 *  3. the mesh config ConfigMaps by name from the root namespace (needs the Namespaces and
 *     revision labels from step 2).
 * A kind that cannot be read gets a coverage entry (forbidden / absent / failed) and the rest
 * of the scan goes on. A cluster that cannot be reached at all yields a snapshot whose every
 * kind is `failed` (the scan-incomplete rule reports it as unreachable); this function only
 * throws on programming errors.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeHttpClient, type KubeHttpOptions, type RequestTally } from '../../access/kube-http.js';
import { KubeConfigError, kubeConfigForContext, loadKubeConfig, selectContexts } from '../../access/kube-config.js';
import { mapBounded } from '../../concurrency.js';
import { assembleSnapshot } from '../assemble.js';
import { RepeatedValues, normalizeObject, runsOfOneKind } from '../build.js';
import { admittedObjectProblem } from '../validate.js';
import { SNAPSHOT_KINDS, type ClusterIdentity, type ClusterSnapshot, type CoverageEntry, type CoverageStatus, type InputProblem, type IstioVersion, type K8sObject, type MeshRevisionProfile, type SnapshotKind } from '../types.js';
import { coverageStatusOf, discoverResources, errorMessage, httpStatusOf, type ServedResource } from './discovery.js';
import { redactLiteralEnvValues } from './redact.js';
import { listResource, type Listed } from './list.js';
import { knownRevisions, meshConfigMapNames, readMeshConfigMaps, rootNamespaceCandidates } from './mesh-configmaps.js';

/** Progress of a live collection, for the CLI's TTY display. */
export interface LiveProgress {
  cluster: string;
  kind: string;
  objectsRead: number;
  done: boolean;
  /** Set when done: how the kind ended. */
  status?: CoverageStatus;
}

export interface LiveCollectionOptions {
  cluster: ClusterIdentity;
  /** ARM ManagedCluster JSON when known (fleet scans), passed through to the snapshot. */
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: MeshRevisionProfile;
  /** A MeshConfig document given by the user (`--mesh-config`); overrides the cluster's ConfigMaps, as offline. */
  meshConfigDocument?: Record<string, unknown>;
  /** Overall per-cluster deadline (default 5 minutes). */
  deadlineMs?: number;
  onProgress?: (progress: LiveProgress) => void;
  /** Kinds read at the same time (default 4: gentle on the API server, still fast). */
  concurrency?: number;
  /** Request timeout, attempts and backoff (defaults in DEFAULT_KUBE_HTTP_OPTIONS). */
  http?: Omit<KubeHttpOptions, 'deadline'>;
  istioVersion?: IstioVersion;
  fallbackIstioVersion?: IstioVersion;
}

export const DEFAULT_DEADLINE_MS = 5 * 60_000;
export const DEFAULT_CONCURRENCY = 4;

function coverageOfFailure(error: unknown, apiVersion: string, tally: RequestTally, objects: number): CoverageEntry {
  const httpStatus = httpStatusOf(error);
  return { status: coverageStatusOf(error), apiVersion, error: errorMessage(error), ...(httpStatus ? { httpStatus } : {}), requests: tally.requests, bytes: tally.bytes, objects };
}

/** Every kind `failed` (or `forbidden`) for one reason: the cluster could not be read at all. */
function unreachableSnapshot(options: LiveCollectionOptions, status: CoverageStatus, error: string, apiRequests: number, httpStatus?: number): ClusterSnapshot {
  const coverage = Object.fromEntries(SNAPSHOT_KINDS.map((kind) => [kind, { status, error, ...(httpStatus ? { httpStatus } : {}) }])) as Record<SnapshotKind, CoverageEntry>;
  return assembleSnapshot({ cluster: options.cluster, source: 'live', objects: [], coverage, apiRequests, aksCluster: options.aksCluster, meshRevisionProfile: options.meshRevisionProfile, meshConfigDocument: options.meshConfigDocument, istioVersion: options.istioVersion, fallbackIstioVersion: options.fallbackIstioVersion });
}

/**
 * Reads a live cluster into a ClusterSnapshot (issue 4). `kubeConfig` is a
 * @kubernetes/client-node KubeConfig with its current context set.
 */
export async function collectLiveSnapshot(kubeConfig: KubeConfig, options: LiveCollectionOptions): Promise<ClusterSnapshot> {
  let http: KubeHttpClient;
  try {
    http = new KubeHttpClient(kubeConfig, { ...options.http, deadline: Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS) });
  } catch (error) {
    return unreachableSnapshot(options, 'failed', errorMessage(error), 0);
  }
  try {
    return await collect(http, options);
  } finally {
    http.close();
  }
}

async function collect(http: KubeHttpClient, options: LiveCollectionOptions): Promise<ClusterSnapshot> {
  const clusterName = options.cluster.name;
  const progress = (kind: string, objectsRead: number, done: boolean, status?: CoverageStatus) => options.onProgress?.({ cluster: clusterName, kind, objectsRead, done, status });

  const discovery = await discoverResources(http, options.concurrency ?? DEFAULT_CONCURRENCY);
  // Discovery got no answer, or credentials were rejected (401): listing each kind would only
  // repeat the same failure (and its retries) two dozen times. A 403 on discovery alone is
  // different: the core kinds may still be readable, so the scan goes on.
  const apisFailure = discovery.apisFailure;
  if (apisFailure && apisFailure.httpStatus !== 403) {
    return unreachableSnapshot(options, apisFailure.status, apisFailure.error, http.totals.requests, apisFailure.httpStatus);
  }

  const coverage: Partial<Record<SnapshotKind, CoverageEntry>> = {};
  for (const [kind, entry] of discovery.unlistable) {
    coverage[kind] = { status: entry.status, error: entry.error, ...(entry.httpStatus ? { httpStatus: entry.httpStatus } : {}), requests: 0, bytes: 0, objects: 0 };
    progress(kind, 0, true, entry.status);
  }

  // Normalized as each kind's listing ends (while the other listings' pages are in flight), kept
  // per kind and joined in SNAPSHOT_KINDS order below, so the snapshot does not depend on which
  // concurrent listing happened to finish first.
  const normalizedByKind = new Map<SnapshotKind, Normalized>();
  const listed = [...discovery.resources.values()].filter((resource) => resource.snapshotKind !== 'ConfigMap');
  const readKind = async (resource: ServedResource) => {
    const tally: RequestTally = { requests: 0, bytes: 0 };
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    try {
      const results = await listResource(http, resource, { tally, take: takeOfOneListing(), onPage: (count) => progress(resource.snapshotKind, count, false) });
      normalizedByKind.set(resource.snapshotKind, splitResults(results));
      coverage[resource.snapshotKind] = { status: 'read', apiVersion, requests: tally.requests, bytes: tally.bytes, objects: results.length };
    } catch (error) {
      coverage[resource.snapshotKind] = coverageOfFailure(error, apiVersion, tally, 0);
    }
    const entry = coverage[resource.snapshotKind]!;
    progress(resource.snapshotKind, entry.objects ?? 0, true, entry.status);
  };

  const readConstraints = async () => {
    const tally: RequestTally = { requests: 0, bytes: 0 };
    const items: NormalizeResult[] = [];
    let failure: unknown;
    for (const resource of discovery.constraints) {
      try {
        for (const result of await listResource(http, resource, { tally, take: takeOfOneListing(), onPage: (count) => progress('Constraint', items.length + count, false) })) items.push(result);
      } catch (error) {
        failure ??= error;
      }
    }
    const apiVersion = discovery.constraints[0] ? `${discovery.constraints[0].group}/${discovery.constraints[0].version}` : undefined;
    normalizedByKind.set('Constraint', splitResults(items));
    coverage.Constraint = failure ? { ...coverageOfFailure(failure, apiVersion ?? '', tally, items.length) } : { status: 'read', apiVersion, requests: tally.requests, bytes: tally.bytes, objects: items.length };
    progress('Constraint', items.length, true, coverage.Constraint.status);
  };

  const tasks: Array<() => Promise<void>> = listed.map((resource) => () => readKind(resource));
  if (!discovery.unlistable.has('Constraint')) tasks.push(readConstraints);
  await mapBounded(tasks, options.concurrency ?? DEFAULT_CONCURRENCY, (task) => task());

  // Mesh config ConfigMaps last: their names depend on the namespaces and revision labels just read.
  // Every object read counts here, also those set aside as invalid (as when they were looked for among all objects read).
  const objectsOf = (kind: SnapshotKind) => {
    const normalized = normalizedByKind.get(kind);
    return normalized ? [...normalized.objects, ...normalized.setAside.map((aside) => aside.object)] : [];
  };
  const namespacesRead = coverage.Namespace?.status === 'read' ? objectsOf('Namespace') : undefined;
  const rootNamespaces = rootNamespaceCandidates(namespacesRead, options.aksCluster);
  const revisionHolders = REVISION_HOLDER_KINDS.flatMap(objectsOf);
  const names = meshConfigMapNames(knownRevisions(revisionHolders, rootNamespaces, options.aksCluster));
  const meshMaps = await readMeshConfigMaps(http, rootNamespaces, names, options.concurrency ?? DEFAULT_CONCURRENCY);
  coverage.ConfigMap = meshMaps.coverage;
  progress('ConfigMap', meshMaps.configMaps.length, true, meshMaps.coverage.status);
  const configMaps = splitResults(meshMaps.configMaps.map((item) => normalizeAndCheck(item)));

  // In SNAPSHOT_KINDS order, the ConfigMaps read by name last, each kind's objects as they are
  // (runs of one kind, not copied into one list); problems as assembleSnapshot would give them:
  // those of reading every object, then those of the objects set aside.
  const objectRuns: K8sObject[][] = [];
  const problems: InputProblem[] = [];
  const setAside: InputProblem[] = [];
  for (const normalized of [...SNAPSHOT_KINDS.map((kind) => normalizedByKind.get(kind)), configMaps]) {
    if (!normalized) continue;
    // A listing holds objects of its kind only (an item of another kind would start a run of its own).
    for (const run of runsOfOneKind(normalized.objects)) objectRuns.push(run);
    for (const problem of normalized.problems) problems.push(problem);
    for (const aside of normalized.setAside) setAside.push(aside.problem);
  }

  return assembleSnapshot({
    cluster: options.cluster,
    source: 'live',
    objects: [],
    objectRuns,
    objectsValidated: true,
    inputProblems: [...problems, ...setAside],
    coverage: orderedCoverage(coverage),
    apiRequests: http.totals.requests,
    aksCluster: options.aksCluster,
    meshRevisionProfile: options.meshRevisionProfile,
    meshConfigDocument: options.meshConfigDocument,
    istioVersion: options.istioVersion,
    fallbackIstioVersion: options.fallbackIstioVersion,
  });
}

interface Normalized {
  /** Objects the rules may use. */
  objects: K8sObject[];
  /** Items that could not be read as objects (normalizeObject). */
  problems: InputProblem[];
  /** Objects set aside as invalid (schema, negative status: admittedObjectProblem). */
  setAside: SetAside[];
}

/** An object set aside by admittedObjectProblem, and why: rare, so the wrapper costs nothing. */
class SetAside {
  constructor(
    readonly object: K8sObject,
    readonly problem: InputProblem,
  ) {}
}

/**
 * An object, a problem, an object set aside, or nothing (a kind the scanner does not read): no
 * wrapper for the common cases, as thousands are held until their kind is listed.
 */
type NormalizeResult = K8sObject | InputProblem | SetAside | null;

/**
 * What the collector keeps of each item: the object, checked right away (schema and status,
 * as assembleSnapshot would for a live source) while it is still in the processor's caches.
 */
function normalizeAndCheck(item: Record<string, unknown>, listed?: Listed, repeated?: RepeatedValues): NormalizeResult {
  // Admitted by the API server: the admission checks that read raw metadata never run on live objects.
  const result = normalizeObject(item, undefined, { keepRawMetadata: false, listed, repeated });
  if ('object' in result) {
    const problem = admittedObjectProblem(result.object);
    return problem ? new SetAside(result.object, problem) : result.object;
  }
  return 'problem' in result ? result.problem : null;
}

/** What the collector keeps of each listed item, done as its page arrives (list.ts `take`). */
function redactAndNormalize(item: Record<string, unknown>, listed: Listed, repeated: RepeatedValues): NormalizeResult {
  // Literal env values in pod specs go before anything else sees them (./redact.ts).
  redactLiteralEnvValues(item);
  return normalizeAndCheck(item, listed, repeated);
}

/** The `take` of one LIST series: its objects share repeated values (RepeatedValues) with the previous one. */
function takeOfOneListing(): (item: Record<string, unknown>, listed: Listed) => NormalizeResult {
  const repeated = new RepeatedValues();
  return (item, listed) => redactAndNormalize(item, listed, repeated);
}

function splitResults(results: NormalizeResult[]): Normalized {
  const objects: K8sObject[] = [];
  const problems: InputProblem[] = [];
  const setAside: SetAside[] = [];
  for (const result of results) {
    if (result === null) continue;
    if (result instanceof SetAside) setAside.push(result);
    else if ('snapshotKind' in result) objects.push(result);
    else problems.push(result);
  }
  return { objects, problems, setAside };
}

/** Kinds whose `istio.io/rev` labels name revisions in use (knownRevisions). */
const REVISION_HOLDER_KINDS: SnapshotKind[] = ['Namespace', 'Pod', 'MutatingWebhookConfiguration', 'Deployment'];

/** Coverage in SNAPSHOT_KINDS order, so records and reports read the same every time. */
function orderedCoverage(coverage: Partial<Record<SnapshotKind, CoverageEntry>>): Partial<Record<SnapshotKind, CoverageEntry>> {
  return Object.fromEntries(SNAPSHOT_KINDS.filter((kind) => coverage[kind]).map((kind) => [kind, coverage[kind]]));
}

export interface KubeconfigScanOptions {
  kubeconfigPath?: string;
  context?: string;
  allContexts?: boolean;
  onProgress?: (progress: LiveProgress) => void;
  deadlineMs?: number;
  istioVersion?: IstioVersion;
  fallbackIstioVersion?: IstioVersion;
  http?: LiveCollectionOptions['http'];
  /** Told before a request is retried, with the context it belongs to (progress display). */
  onRetry?: (context: string, retry: Parameters<NonNullable<KubeHttpOptions['onRetry']>>[0]) => void;
  /** Side inputs for the scanned cluster, as offline (`--aks-cluster`, `--mesh-revision-profile`, `--mesh-config`). */
  aksCluster?: LiveCollectionOptions['aksCluster'];
  meshRevisionProfile?: LiveCollectionOptions['meshRevisionProfile'];
  meshConfigDocument?: LiveCollectionOptions['meshConfigDocument'];
}

/**
 * CLI entry: one snapshot per selected kubeconfig context (default: the current one),
 * scanned one after the other. Nothing is written to disk. Throws KubeConfigError for an
 * unusable kubeconfig or unknown context (a usage error); an unreachable cluster is a
 * snapshot with failed coverage, so the other contexts are still scanned.
 */
export async function snapshotsFromKubeconfig(options: KubeconfigScanOptions): Promise<ClusterSnapshot[]> {
  const kubeConfig = loadKubeConfig(options.kubeconfigPath);
  const snapshots: ClusterSnapshot[] = [];
  for (const context of selectContexts(kubeConfig, options)) {
    snapshots.push(
      await collectLiveSnapshot(kubeConfigForContext(kubeConfig, context), {
        cluster: { name: context },
        deadlineMs: options.deadlineMs,
        onProgress: options.onProgress,
        istioVersion: options.istioVersion,
        fallbackIstioVersion: options.fallbackIstioVersion,
        http: options.onRetry ? { ...options.http, onRetry: (retry) => options.onRetry!(context, retry) } : options.http,
        aksCluster: options.aksCluster,
        meshRevisionProfile: options.meshRevisionProfile,
        meshConfigDocument: options.meshConfigDocument,
      }),
    );
  }
  return snapshots;
}

export { KubeConfigError };
