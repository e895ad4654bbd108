import { classifyKind } from './kinds.js';
import { revisionTagsOf } from './revision-tags.js';
import { emptyObjects, type ClusterIdentity, type ClusterSnapshot, type InputProblem, type IstioVersion, type K8sObject, type MeshConfig, type SourceLocation } from './types.js';
import { isRecord } from '../records.js';

/** A raw object as parsed from YAML/JSON or returned by the API server. */
export type RawObject = Record<string, unknown>;

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}

/** `metadata.ownerReferences` reduced to kind and name; absent when there are none (most objects). */
function ownerReferencesOf(value: unknown): { ownerReferences?: { kind: string; name: string }[] } {
  if (!Array.isArray(value)) return {};
  const owners = value.filter(isRecord).filter((owner) => typeof owner.kind === 'string' && typeof owner.name === 'string').map((owner) => ({ kind: owner.kind as string, name: owner.name as string }));
  return owners.length > 0 ? { ownerReferences: owners } : {};
}

/**
 * The metadata mapping as read, for admission checks that need what normalizeObject drops
 * (a label whose value is not a string). Kept beside the object, not in it, so snapshots and
 * reports do not carry it.
 */
export const rawMetadata = new WeakMap<K8sObject, Record<string, unknown>>();

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Turns a raw object into a K8sObject, or returns a problem. Never throws: wrong shapes
 * (metadata not an object, spec a string...) become problems the caller reports.
 */
export function normalizeObject(raw: unknown, source?: SourceLocation): { object: K8sObject } | { problem: InputProblem } | { ignored: true } {
  if (!isRecord(raw)) return { problem: { type: 'schema', message: 'document is not an object', source } };
  const { apiVersion, kind, metadata, spec, status, ...body } = raw;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return { problem: { type: 'schema', message: 'object has no string apiVersion and kind', source } };
  }
  const classified = classifyKind(apiVersion, kind);
  if ('ignored' in classified) return { ignored: true };
  const name = isRecord(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = isRecord(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : '';
  const resource = { apiVersion, kind, name, namespace };
  if ('unsupportedVersion' in classified) {
    return { problem: { type: 'unsupported', message: `unknown API version ${classified.unsupportedVersion}`, source, resource } };
  }
  if (!isRecord(metadata) || !name) return { problem: { type: 'schema', message: `${kind} has no metadata.name`, source, resource } };
  // ".", "*" and "~" are exportTo / Sidecar keywords: a namespace spelled like one must never
  // be taken at face value, and the API server only accepts DNS-1123 labels anyway.
  const namespaceName = classified.snapshotKind === 'Namespace' ? name : namespace;
  if (namespaceName && !DNS_1123_LABEL.test(namespaceName)) {
    return { problem: { type: 'schema', message: `${kind} ${namespace ? `${namespace}/` : ''}${name}: namespace "${namespaceName}" is not a valid Kubernetes namespace name (DNS-1123 label)`, source, resource } };
  }
  if (spec !== undefined && !isRecord(spec)) return { problem: { type: 'schema', message: `${kind} ${namespace}/${name}: spec must be an object`, source, resource } };
  const object: K8sObject = {
    apiVersion,
    kind,
    snapshotKind: classified.snapshotKind,
    metadata: {
      name,
      namespace,
      labels: stringMap(metadata.labels),
      annotations: stringMap(metadata.annotations),
      creationTimestamp: typeof metadata.creationTimestamp === 'string' ? metadata.creationTimestamp : undefined,
      uid: typeof metadata.uid === 'string' ? metadata.uid : undefined,
      resourceVersion: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : undefined,
      ...ownerReferencesOf(metadata.ownerReferences),
    },
    spec: (spec as Record<string, unknown> | undefined) ?? {},
    status: isRecord(status) ? status : undefined,
    body,
    source,
  };
  rawMetadata.set(object, metadata);
  return { object };
}

export interface BuildSnapshotInput {
  cluster: ClusterIdentity;
  source: ClusterSnapshot['source'];
  objects: K8sObject[];
  meshConfig?: Partial<MeshConfig>;
  istioVersion?: IstioVersion;
  meshRevisions?: string[];
  meshMode?: ClusterSnapshot['meshMode'];
  aksCluster?: Record<string, unknown>;
  inputProblems?: InputProblem[];
  coverage?: ClusterSnapshot['coverage'];
  apiRequests?: number;
}

export const NEWEST_BEHAVIOUR: IstioVersion = { major: 1, minor: 30, patch: 3, source: 'default (newest behaviour)' };

/**
 * Assembles a ClusterSnapshot from normalized objects: files objects by kind and infers
 * namespaces referenced but not declared. Mesh config resolution from ConfigMaps lives in
 * mesh-config.ts; callers pass the result (or a partial one for tests).
 */
export function buildSnapshot(input: BuildSnapshotInput): ClusterSnapshot {
  const objects = emptyObjects();
  const namespaces: ClusterSnapshot['namespaces'] = new Map();
  for (const object of input.objects) {
    objects[object.snapshotKind].push(object);
    if (object.snapshotKind === 'Namespace') {
      namespaces.set(object.metadata.name, {
        name: object.metadata.name,
        labels: object.metadata.labels,
        annotations: object.metadata.annotations,
        inferred: false,
        creationTimestamp: object.metadata.creationTimestamp,
      });
    }
  }
  const rootNamespace = input.meshConfig?.rootNamespace ?? 'istio-system';
  for (const object of input.objects) {
    const ns = object.metadata.namespace;
    if (ns && !namespaces.has(ns)) namespaces.set(ns, { name: ns, labels: {}, annotations: {}, inferred: true });
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
