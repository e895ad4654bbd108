import { classifyKind } from './kinds.js';
import { revisionTagsOf } from './revision-tags.js';
import { emptyObjects, type ClusterIdentity, type ClusterSnapshot, type InputProblem, type IstioVersion, type K8sObject, type MeshConfig, type ObjectMeta, type SourceLocation } from './types.js';
import { isRecord, setOwnProperty } from '../records.js';

/** A raw object as parsed from YAML/JSON or returned by the API server. */
export type RawObject = Record<string, unknown>;

// normalizeObject runs once per object of every scan (39,000 in the large benchmark fleet), and a
// live collector keeps every object it returns: its helpers loop over keys instead of building
// entry arrays or rest objects, and it allocates no object it can share or take over as read.

/**
 * The empty labels, annotations or body of every object that has none (most objects): one
 * frozen object instead of three held per object. Nothing writes into a snapshot's objects.
 */
const EMPTY: Record<string, never> = Object.freeze({});

/**
 * A string map (labels, annotations) as `Record<string, string>`: the mapping as read when it
 * is already exactly that (a plain object of string values, no "__proto__" key, which plain
 * assignment would have dropped), else a copy of its string entries.
 */
function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return EMPTY;
  const keys = Object.keys(value);
  if (keys.length === 0) return EMPTY;
  let asRead = Object.getPrototypeOf(value) === Object.prototype;
  for (let index = 0; asRead && index < keys.length; index++) {
    const key = keys[index]!;
    asRead = typeof value[key] === 'string' && key !== '__proto__';
  }
  if (asRead) return value as Record<string, string>;
  const out: Record<string, string> = {};
  for (const key of keys) {
    const entry = value[key];
    if (typeof entry === 'string') out[key] = entry;
  }
  return out;
}

function isLifted(key: string): boolean {
  return key === 'apiVersion' || key === 'kind' || key === 'metadata' || key === 'spec' || key === 'status';
}

/** Everything of `raw` but the fields normalizeObject lifts out, as `{ apiVersion, kind, metadata, spec, status, ...body } = raw` would. */
function bodyOf(raw: Record<string, unknown>): Record<string, unknown> {
  let body: Record<string, unknown> | undefined;
  // for-in over own keys, as Object.keys would list them, without an array of keys per object.
  for (const key in raw) {
    if (isLifted(key) || !Object.hasOwn(raw, key)) continue;
    // An own "__proto__" key (JSON.parse makes one) stays a plain property, as with the rest syntax.
    setOwnProperty((body ??= {}), key, raw[key]);
  }
  return body ?? EMPTY;
}

/** DNS-1123 label (1-63 of a-z, 0-9 and '-', alphanumeric at both ends), without a regular expression. */
function isDns1123Label(name: string): boolean {
  const length = name.length;
  if (length === 0 || length > 63) return false;
  for (let index = 0; index < length; index++) {
    const code = name.charCodeAt(index);
    const alphanumeric = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    if (!alphanumeric && (code !== 45 || index === 0 || index === length - 1)) return false;
  }
  return true;
}

/** `metadata.ownerReferences` reduced to kind and name; undefined when there are none (most objects). */
function ownerReferencesOf(value: unknown): { kind: string; name: string }[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const owners = value.filter(isRecord).filter((owner) => typeof owner.kind === 'string' && typeof owner.name === 'string').map((owner) => ({ kind: owner.kind as string, name: owner.name as string }));
  return owners.length > 0 ? owners : undefined;
}

/**
 * The metadata mapping as read, for admission checks that need what normalizeObject drops
 * (a label whose value is not a string). Kept beside the object, not in it, so snapshots and
 * reports do not carry it.
 */
export const rawMetadata = new WeakMap<K8sObject, Record<string, unknown>>();

export interface NormalizeOptions {
  /**
   * Keep the metadata as read in `rawMetadata` (default true). Only the admission checks of
   * offline input read it; the live collector, whose objects the API server admitted, says false
   * and saves a weak-map entry per object.
   */
  keepRawMetadata?: boolean;
  /** apiVersion and kind of an object that has no string ones of its own: an item of a built-in LIST, where the list says them. */
  listed?: { apiVersion: string; kind: string };
  /** What the previous object of the same listing had, for this one to share (RepeatedValues). */
  repeated?: RepeatedValues;
}

/**
 * The apiVersion, kind and namespace of the previous object of one listing, for the next object
 * to share. A LIST of thousands of objects repeats one apiVersion, one kind and runs of one
 * namespace, and JSON.parse gives every object its own copy of each (it interns strings of at
 * most 10 characters only): in the large benchmark fleet those copies were a tenth of all a
 * collected snapshot holds, for the garbage collector to copy and mark. One shared string also
 * compares equal at once where equal copies are compared character by character, and a
 * namespace name found valid is not checked again.
 */
export class RepeatedValues {
  apiVersion = '';
  kind = '';
  /** The namespace name checked last and found valid (a Namespace's own name, else the object's namespace). */
  namespace = '';
}

/**
 * Turns a raw object into a K8sObject, or returns a problem. Never throws: wrong shapes
 * (metadata not an object, spec a string...) become problems the caller reports.
 */
export function normalizeObject(raw: unknown, source?: SourceLocation, options: NormalizeOptions = {}): { object: K8sObject } | { problem: InputProblem } | { ignored: true } {
  if (!isRecord(raw)) return { problem: { type: 'schema', message: 'document is not an object', source } };
  const { metadata, spec, status } = raw;
  let apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : options.listed?.apiVersion;
  let kind = typeof raw.kind === 'string' ? raw.kind : options.listed?.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return { problem: { type: 'schema', message: 'object has no string apiVersion and kind', source } };
  }
  const repeated = options.repeated;
  if (repeated) {
    if (apiVersion === repeated.apiVersion) apiVersion = repeated.apiVersion;
    else repeated.apiVersion = apiVersion;
    if (kind === repeated.kind) kind = repeated.kind;
    else repeated.kind = kind;
  }
  // classifyKind remembers its answers; with shared strings its lookups hash nothing anew.
  const classified = classifyKind(apiVersion, kind);
  if ('ignored' in classified) return { ignored: true };
  const name = isRecord(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
  let namespace = isRecord(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : '';
  if (repeated && namespace !== '' && namespace === repeated.namespace) namespace = repeated.namespace;
  if ('unsupportedVersion' in classified) {
    return { problem: { type: 'unsupported', message: `unknown API version ${classified.unsupportedVersion}`, source, resource: { apiVersion, kind, name, namespace } } };
  }
  if (!isRecord(metadata) || !name) return { problem: { type: 'schema', message: `${kind} has no metadata.name`, source, resource: { apiVersion, kind, name, namespace } } };
  // ".", "*" and "~" are exportTo / Sidecar keywords: a namespace spelled like one must never
  // be taken at face value, and the API server only accepts DNS-1123 labels anyway.
  const namespaceName = classified.snapshotKind === 'Namespace' ? name : namespace;
  if (namespaceName && namespaceName !== repeated?.namespace && !isDns1123Label(namespaceName)) {
    return { problem: { type: 'schema', message: `${kind} ${namespace ? `${namespace}/` : ''}${name}: namespace "${namespaceName}" is not a valid Kubernetes namespace name (DNS-1123 label)`, source, resource: { apiVersion, kind, name, namespace } } };
  }
  if (repeated && namespaceName) repeated.namespace = namespaceName;
  if (spec !== undefined && !isRecord(spec)) return { problem: { type: 'schema', message: `${kind} ${namespace}/${name}: spec must be an object`, source, resource: { apiVersion, kind, name, namespace } } };
  const objectMeta: ObjectMeta = {
    name,
    namespace,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    creationTimestamp: typeof metadata.creationTimestamp === 'string' ? metadata.creationTimestamp : undefined,
    uid: typeof metadata.uid === 'string' ? metadata.uid : undefined,
    resourceVersion: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : undefined,
  };
  const ownerReferences = ownerReferencesOf(metadata.ownerReferences);
  if (ownerReferences) objectMeta.ownerReferences = ownerReferences;
  const object: K8sObject = {
    apiVersion,
    kind,
    snapshotKind: classified.snapshotKind,
    metadata: objectMeta,
    spec: (spec as Record<string, unknown> | undefined) ?? EMPTY,
    status: isRecord(status) ? status : undefined,
    body: bodyOf(raw),
    source,
  };
  if (options.keepRawMetadata !== false) rawMetadata.set(object, metadata);
  return { object };
}

export interface BuildSnapshotInput {
  cluster: ClusterIdentity;
  source: ClusterSnapshot['source'];
  objects: K8sObject[];
  /** The objects as runs of one kind (runsOfOneKind), in order: given instead of `objects`, which is then empty. */
  objectRuns?: K8sObject[][];
  meshConfig?: Partial<MeshConfig>;
  istioVersion?: IstioVersion;
  meshRevisions?: string[];
  meshMode?: ClusterSnapshot['meshMode'];
  aksCluster?: Record<string, unknown>;
  inputProblems?: InputProblem[];
  coverage?: ClusterSnapshot['coverage'];
  apiRequests?: number;
}

/**
 * `objects` cut into runs of consecutive objects of one kind, in order: what is done per kind
 * (filing, filtering, looking for one kind) is then done once per run instead of per object. A
 * live collection is one run per kind; manifest files mostly hold runs too.
 */
export function runsOfOneKind(objects: readonly K8sObject[]): K8sObject[][] {
  const runs: K8sObject[][] = [];
  let start = 0;
  for (let index = 1; index <= objects.length; index++) {
    if (index === objects.length || objects[index]!.snapshotKind !== objects[start]!.snapshotKind) {
      runs.push(start === 0 && index === objects.length ? (objects as K8sObject[]) : objects.slice(start, index));
      start = index;
    }
  }
  return runs;
}

export const NEWEST_BEHAVIOUR: IstioVersion = { major: 1, minor: 30, patch: 3, source: 'default (newest behaviour)' };

/**
 * Assembles a ClusterSnapshot from normalized objects: files objects by kind and infers
 * namespaces referenced but not declared. Mesh config resolution from ConfigMaps lives in
 * mesh-config.ts; callers pass the result (or a partial one for tests).
 */
export function buildSnapshot(input: BuildSnapshotInput): ClusterSnapshot {
  if (input.objectRuns && input.objects.length > 0) throw new Error('buildSnapshot: objects or objectRuns, not both');
  const objects = emptyObjects();
  const namespaces: ClusterSnapshot['namespaces'] = new Map();
  // Namespaces the objects are in, in order of first appearance (runs of one namespace, as in
  // listings, are one entry): the namespaces not declared are inferred in that order, after
  // the declared ones, without a second pass over every object.
  const objectNamespaces: string[] = [];
  let previousNamespace = '';
  for (const run of input.objectRuns ?? runsOfOneKind(input.objects)) {
    if (run.length === 0) continue;
    const kind = run[0]!.snapshotKind;
    // Filed a run at a time: the first run of a kind as a copy (the caller's arrays stay its own),
    // later ones appended to it (manifests interleave kinds: thousands of short runs).
    const filed = objects[kind];
    if (filed.length === 0) objects[kind] = run.slice();
    else for (const object of run) filed.push(object);
    for (const object of run) {
      if (kind === 'Namespace') {
        namespaces.set(object.metadata.name, {
          name: object.metadata.name,
          labels: object.metadata.labels,
          annotations: object.metadata.annotations,
          inferred: false,
          creationTimestamp: object.metadata.creationTimestamp,
        });
      }
      const ns = object.metadata.namespace;
      if (ns && ns !== previousNamespace) objectNamespaces.push((previousNamespace = ns));
    }
  }
  const rootNamespace = input.meshConfig?.rootNamespace ?? 'istio-system';
  for (const ns of objectNamespaces) {
    if (!namespaces.has(ns)) namespaces.set(ns, { name: ns, labels: {}, annotations: {}, inferred: true });
  }
  const meshConfig: MeshConfig = { rootNamespace, fieldSources: {}, raw: {}, ...input.meshConfig };
  const coverage: ClusterSnapshot['coverage'] = { ...input.coverage };
  return {
    cluster: input.cluster,
    source: input.source,
    istioVersion: input.istioVersion ?? NEWEST_BEHAVIOUR,
    meshRevisions: input.meshRevisions ?? [],
    meshRevisionTags: revisionTagsOf(objects.MutatingWebhookConfiguration),
    meshMode: input.meshMode ?? 'unknown',
    meshConfig,
    namespaces,
    objects,
    coverage,
    aksCluster: input.aksCluster,
    inputProblems: input.inputProblems ?? [],
    apiRequests: input.apiRequests ?? 0,
    clusterDomain: 'cluster.local',
  };
}
