/**
 * Saved cluster snapshots (`istio-isolation-scanner snapshot --output cluster.json`): what a
 * live read of a cluster holds, written once by someone with cluster access and read
 * offline by CI without credentials (`scan --manifests PR_DIR --against cluster.json`).
 *
 * Format `istio-isolation-scanner.io/v1`, kind `ClusterSnapshot` (one JSON document):
 *
 *   { apiVersion, kind,
 *     metadata: { savedAt, scannerVersion, source, cluster: { name, resourceId?, ... } },
 *     coverage: { <kind>: { status, apiVersion?, error?, objects? } },
 *     aksCluster?, meshRevisionProfile? ({ meshRevisions: [...] }, the ARM shape),
 *     problems: [ { type, message, resource? } ],
 *     objects: [ Kubernetes objects as the API server returned them, trimmed ] }
 *
 * What it stores is raw objects, not conclusions: loading runs them through the same
 * assembleSnapshot as a live read, so a newer scanner re-derives mesh config, version and
 * semantics from the same facts. What could carry a secret is left out: Secrets are never
 * read; containers of every pod spec (Pods, controllers' templates, CronJobs' job templates)
 * lose env, envFrom, args, command, lifecycle hooks and probes; istiod's ConfigMaps (the only
 * ones collected) keep only `mesh`, `meshNetworks` and the injector's `values`; no object
 * keeps managedFields or `kubectl.kubernetes.io/last-applied-configuration`; request counts
 * and transport details are dropped. No token, kubeconfig or server address is ever part of
 * a snapshot.
 *
 * A reader accepts every version it knows (v1) and refuses a newer one with a message
 * saying so, instead of misreading it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { meshRevisionProfileFromArm } from '../inventory/mesh-revision-profile.js';
import { isRecord } from '../records.js';
import { assembleSnapshot } from './assemble.js';
import { normalizeObject } from './build.js';
import { SNAPSHOT_KINDS, type ClusterSnapshot, type CoverageEntry, type InputProblem, type IstioVersion, type K8sObject, type SnapshotKind } from './types.js';

export const SAVED_SNAPSHOT_API_VERSION = 'istio-isolation-scanner.io/v1';
export const SAVED_SNAPSHOT_KIND = 'ClusterSnapshot';
/** Snapshot files bigger than this are refused (a 100,000-object cluster saves to well under it). */
export const MAX_SAVED_SNAPSHOT_BYTES = 512 * 1024 * 1024;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export class SavedSnapshotError extends Error {}

export interface SavedSnapshotHeader {
  apiVersion: typeof SAVED_SNAPSHOT_API_VERSION;
  kind: typeof SAVED_SNAPSHOT_KIND;
  metadata: { savedAt: string; scannerVersion: string; source: ClusterSnapshot['source']; cluster: ClusterSnapshot['cluster'] };
  coverage: Partial<Record<SnapshotKind, CoverageEntry>>;
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: { meshRevisions: unknown[] };
  problems: InputProblem[];
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => record[key] !== undefined).map((key) => [key, record[key]]));
}

/** Container fields that may carry secrets (values, command lines, probe commands) and that no rule reads. */
const CONTAINER_FIELDS_DROPPED = ['env', 'envFrom', 'args', 'command', 'lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'];
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
/** Keys of istiod's ConfigMaps the scanner reads: the mesh config, mesh networks, the injector's chart values. */
const CONFIGMAP_KEYS_KEPT = ['mesh', 'meshNetworks', 'values'];

function scrubPodSpec(podSpec: unknown): unknown {
  if (!isRecord(podSpec)) return podSpec;
  const copy: Record<string, unknown> = { ...podSpec };
  for (const list of CONTAINER_LISTS) {
    const containers = copy[list];
    if (!Array.isArray(containers)) continue;
    copy[list] = containers.map((container) => {
      if (!isRecord(container)) return container;
      const kept = { ...container };
      for (const field of CONTAINER_FIELDS_DROPPED) delete kept[field];
      return kept;
    });
  }
  return copy;
}

/** A workload's spec with every pod spec in it scrubbed: the Pod's own, a controller's template, a CronJob's job template. */
function scrubWorkloadSpec(object: K8sObject): Record<string, unknown> {
  if (object.snapshotKind === 'Pod') return scrubPodSpec(object.spec) as Record<string, unknown>;
  const spec = { ...object.spec };
  if (isRecord(spec.template)) spec.template = { ...spec.template, spec: scrubPodSpec(spec.template.spec) };
  if (isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) && isRecord(spec.jobTemplate.spec.template)) {
    const template = spec.jobTemplate.spec.template;
    spec.jobTemplate = { ...spec.jobTemplate, spec: { ...spec.jobTemplate.spec, template: { ...template, spec: scrubPodSpec(template.spec) } } };
  }
  return spec;
}

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** The object as it is saved: the API shape, minus what no rule reads and what could be sensitive. */
export function savedObject(object: K8sObject): Record<string, unknown> {
  const annotations = { ...object.metadata.annotations };
  delete annotations[LAST_APPLIED];
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object.metadata)) {
    if (value === undefined || value === '' || (key === 'labels' && Object.keys(value as object).length === 0)) continue;
    metadata[key] = value;
  }
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  const saved: Record<string, unknown> = { apiVersion: object.apiVersion, kind: object.kind, metadata };
  if (object.snapshotKind === 'ConfigMap') {
    const data = isRecord(object.body.data) ? pick(object.body.data, CONFIGMAP_KEYS_KEPT) : {};
    return { ...saved, data };
  }
  const spec = WORKLOAD_KINDS.has(object.snapshotKind) ? scrubWorkloadSpec(object) : object.spec;
  if (Object.keys(spec).length > 0) saved.spec = spec;
  if (object.status) saved.status = object.status;
  return { ...saved, ...object.body };
}

function savedCoverage(coverage: ClusterSnapshot['coverage']): Partial<Record<SnapshotKind, CoverageEntry>> {
  const out: Partial<Record<SnapshotKind, CoverageEntry>> = {};
  for (const kind of SNAPSHOT_KINDS) {
    const entry = coverage[kind];
    if (entry) out[kind] = pick(entry as unknown as Record<string, unknown>, ['status', 'apiVersion', 'error', 'objects']) as unknown as CoverageEntry;
  }
  return out;
}

function withoutSecrets(aksCluster: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!aksCluster) return undefined;
  // `az aks show` masks these, an ARM GET may not: the rules read none of them.
  const copy = structuredClone(aksCluster);
  for (const holder of [copy, isRecord(copy.properties) ? copy.properties : undefined]) {
    if (!holder) continue;
    delete holder.windowsProfile;
    if (isRecord(holder.servicePrincipalProfile)) delete holder.servicePrincipalProfile.secret;
  }
  return copy;
}

/** The header (everything but the objects) of a snapshot's saved form. */
export function savedSnapshotHeader(snapshot: ClusterSnapshot, savedAt: Date, scannerVersion: string): SavedSnapshotHeader {
  const header: SavedSnapshotHeader = {
    apiVersion: SAVED_SNAPSHOT_API_VERSION,
    kind: SAVED_SNAPSHOT_KIND,
    metadata: { savedAt: savedAt.toISOString(), scannerVersion, source: snapshot.source, cluster: snapshot.cluster },
    coverage: savedCoverage(snapshot.coverage),
    problems: snapshot.inputProblems.map((problem) => ({ type: problem.type, message: problem.message, ...(problem.resource ? { resource: problem.resource } : {}) })),
  };
  const aksCluster = withoutSecrets(snapshot.aksCluster);
  if (aksCluster) header.aksCluster = aksCluster;
  if (snapshot.meshRevisionProfile) header.meshRevisionProfile = { meshRevisions: snapshot.meshRevisionProfile.revisions };
  return header;
}

/**
 * The saved form as text chunks: the header, then one object per line, so a large cluster is
 * written without ever holding the whole document in one string.
 */
export function* savedSnapshotChunks(snapshot: ClusterSnapshot, savedAt: Date, scannerVersion: string): Generator<string> {
  const header = JSON.stringify(savedSnapshotHeader(snapshot, savedAt, scannerVersion), null, 2);
  yield `${header.slice(0, header.lastIndexOf('}')).trimEnd()},\n  "objects": [`;
  let first = true;
  for (const kind of SNAPSHOT_KINDS) {
    for (const object of snapshot.objects[kind]) {
      yield `${first ? '' : ','}\n    ${JSON.stringify(savedObject(object))}`;
      first = false;
    }
  }
  yield `${first ? '' : '\n  '}]\n}\n`;
}

const COVERAGE_STATUS = { enum: ['read', 'forbidden', 'absent', 'failed', 'not-collected'] };

/** Shape of a v1 document; objects are checked one by one by the normal object reader. */
export const SAVED_SNAPSHOT_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'coverage', 'objects'],
  properties: {
    apiVersion: { const: SAVED_SNAPSHOT_API_VERSION },
    kind: { const: SAVED_SNAPSHOT_KIND },
    metadata: {
      type: 'object',
      required: ['cluster'],
      properties: {
        savedAt: { type: 'string' },
        scannerVersion: { type: 'string' },
        source: { type: 'string' },
        cluster: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, resourceId: { type: 'string' }, subscriptionId: { type: 'string' }, resourceGroup: { type: 'string' }, location: { type: 'string' } } },
      },
    },
    coverage: { type: 'object', propertyNames: { enum: [...SNAPSHOT_KINDS] }, additionalProperties: { type: 'object', required: ['status'], properties: { status: COVERAGE_STATUS } } },
    aksCluster: { type: 'object' },
    meshRevisionProfile: { type: 'object' },
    problems: { type: 'array', items: { type: 'object', required: ['type', 'message'], properties: { type: { enum: ['parse', 'schema', 'status', 'unsupported'] }, message: { type: 'string' } } } },
    objects: { type: 'array', items: { type: 'object' } },
  },
} as const;

let validator: ValidateFunction | undefined;
/** Compiled on first use: scans that read no snapshot never pay for it. */
function validateSaved(document: unknown): boolean {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(SAVED_SNAPSHOT_SCHEMA);
  return validator(document);
}

export interface LoadSavedOptions {
  /** Shown in messages (the file name). */
  name: string;
  istioVersion?: IstioVersion;
  fallbackIstioVersion?: IstioVersion;
  meshConfigDocument?: Record<string, unknown>;
  /** Replace the saved ARM cluster / revision profile (the same options as a live scan). */
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: ClusterSnapshot['meshRevisionProfile'];
}

/** A snapshot from its saved form; throws SavedSnapshotError on anything it cannot trust. */
export function snapshotFromSaved(document: unknown, options: LoadSavedOptions): ClusterSnapshot {
  if (!isRecord(document)) throw new SavedSnapshotError(`${options.name} is not a saved cluster snapshot (expected a JSON object)`);
  if (document.kind !== SAVED_SNAPSHOT_KIND || typeof document.apiVersion !== 'string' || !document.apiVersion.startsWith('istio-isolation-scanner.io/')) {
    throw new SavedSnapshotError(`${options.name} is not a saved cluster snapshot (no apiVersion ${SAVED_SNAPSHOT_API_VERSION}, kind ${SAVED_SNAPSHOT_KIND}); write one with \`istio-isolation-scanner snapshot --output FILE\``);
  }
  if (document.apiVersion !== SAVED_SNAPSHOT_API_VERSION) {
    throw new SavedSnapshotError(`${options.name} has snapshot format ${document.apiVersion}, which this scanner does not read (it reads ${SAVED_SNAPSHOT_API_VERSION}); use the scanner version that wrote it or a newer one`);
  }
  if (!validateSaved(document)) {
    const error = validator?.errors?.[0];
    throw new SavedSnapshotError(`${options.name} is not a valid ${SAVED_SNAPSHOT_API_VERSION} snapshot: ${error?.instancePath || '(root)'} ${error?.message ?? 'is invalid'}`);
  }
  const header = document as unknown as SavedSnapshotHeader & { objects: unknown[] };
  const objects: K8sObject[] = [];
  const problems: InputProblem[] = [...(header.problems ?? [])];
  for (const raw of header.objects) {
    const result = normalizeObject(raw);
    if ('object' in result) objects.push(result.object);
    else if ('problem' in result) problems.push({ ...result.problem, message: `${result.problem.message} (in ${options.name})` });
  }
  const savedProfile = header.meshRevisionProfile ? meshRevisionProfileFromArm(header.meshRevisionProfile) : undefined;
  return assembleSnapshot({
    cluster: header.metadata.cluster,
    source: header.metadata.source === 'live' ? 'live' : 'manifests',
    objects,
    inputProblems: problems,
    coverage: header.coverage,
    aksCluster: options.aksCluster ?? header.aksCluster,
    meshRevisionProfile: options.meshRevisionProfile ?? savedProfile,
    meshConfigDocument: options.meshConfigDocument,
    istioVersion: options.istioVersion,
    fallbackIstioVersion: options.fallbackIstioVersion,
  });
}
