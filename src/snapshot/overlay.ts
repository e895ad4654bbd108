/**
 * "What would this change do": a base cluster (saved snapshot or live read) with a change
 * applied on top, as `kubectl apply` would leave it. Objects are identified by API group,
 * kind, namespace and name (the version does not matter: v1 and v1beta1 of a ServiceEntry are
 * one object). A changed object replaces the base's; a new one is added; deletions come from
 * a list of removed objects. The result is one more ClusterSnapshot, built by the same
 * assembleSnapshot as every other source.
 *
 * Time matters to Istio (the oldest of two equal definitions wins), so an updated object
 * keeps the base object's creationTimestamp and uid, as the API server keeps them on update,
 * and a new object without one is stamped with the time of the change: it will be the
 * newest object of the cluster when it is applied.
 */
import { assembleSnapshot } from './assemble.js';
import { KIND_INFO } from './kinds.js';
import { SNAPSHOT_KINDS, type ClusterSnapshot, type CoverageEntry, type InputProblem, type IstioVersion, type K8sObject, type SnapshotKind } from './types.js';

/** Identity of an object in a cluster: group, kind, namespace, name (not the version). */
export function objectIdentity(object: { apiVersion: string; kind: string; metadata: { namespace: string; name: string } }): string {
  const slash = object.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  return [group, object.kind, object.metadata.namespace, object.metadata.name].join('\u0000');
}

/** A removed object named on the command line: `Kind[.group]/namespace/name`, or `Kind[.group]/name` when cluster-scoped. */
export interface ObjectReference {
  kind: string;
  /** Undefined: any group with that kind. */
  group?: string;
  namespace: string;
  name: string;
  /** As written, for messages. */
  text: string;
}

const NAMESPACED = new Map(Object.values(KIND_INFO).map((info) => [info.kind.toLowerCase(), info.namespaced]));

/** Parses `ServiceEntry/team-a/stripe`, `ServiceEntry.networking.istio.io/team-a/stripe`, `ClusterRoleBinding/admins`. */
export function parseObjectReference(text: string): ObjectReference | undefined {
  const parts = text.trim().split('/');
  if (parts.some((part) => part === '')) return undefined;
  const [kindAndGroup, ...rest] = parts;
  const dot = kindAndGroup!.indexOf('.');
  const kind = dot < 0 ? kindAndGroup! : kindAndGroup!.slice(0, dot);
  const group = dot < 0 ? undefined : kindAndGroup!.slice(dot + 1);
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) return undefined;
  if (rest.length === 2) return { kind, group, namespace: rest[0]!, name: rest[1]!, text };
  if (rest.length === 1 && NAMESPACED.get(kind.toLowerCase()) !== true) return { kind, group, namespace: '', name: rest[0]!, text };
  return undefined;
}

function matchesReference(object: K8sObject, reference: ObjectReference): boolean {
  if (object.kind.toLowerCase() !== reference.kind.toLowerCase()) return false;
  if (object.metadata.namespace !== reference.namespace || object.metadata.name !== reference.name) return false;
  if (reference.group === undefined) return true;
  const slash = object.apiVersion.indexOf('/');
  return (slash < 0 ? '' : object.apiVersion.slice(0, slash)) === reference.group;
}

export interface Change {
  /** Objects of the change (from the scanned manifests). */
  objects: K8sObject[];
  /** Problems reading the change (become resource-invalid findings). */
  problems: InputProblem[];
  /** Objects the change deletes, read from the removed files (only their identity counts). */
  removedObjects: K8sObject[];
  /** Objects the change deletes, named on the command line. */
  removedReferences: ObjectReference[];
  /** Stamped on new objects without a creationTimestamp. */
  appliedAt: Date;
}

export interface OverlayResult {
  snapshot: ClusterSnapshot;
  added: number;
  replaced: number;
  removed: number;
  /** Removals that matched nothing in the base (a typo, or an object never applied). */
  notFound: string[];
}

function describe(object: K8sObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

export interface OverlayOptions {
  istioVersion?: IstioVersion;
  fallbackIstioVersion?: IstioVersion;
  meshConfigDocument?: Record<string, unknown>;
}

/** The base with the change applied. The base is not modified. */
export function overlaySnapshot(base: ClusterSnapshot, change: Change, options: OverlayOptions = {}): OverlayResult {
  const byIdentity = new Map<string, K8sObject>();
  for (const kind of SNAPSHOT_KINDS) for (const object of base.objects[kind]) byIdentity.set(objectIdentity(object), object);

  let removed = 0;
  const notFound: string[] = [];
  for (const object of change.removedObjects) {
    if (byIdentity.delete(objectIdentity(object))) removed += 1;
    else notFound.push(describe(object));
  }
  for (const reference of change.removedReferences) {
    const matches = [...byIdentity.entries()].filter(([, object]) => matchesReference(object, reference));
    for (const [identity] of matches) byIdentity.delete(identity);
    if (matches.length === 0) notFound.push(reference.text);
    removed += matches.length;
  }

  let added = 0;
  let replaced = 0;
  const stamp = change.appliedAt.toISOString();
  for (const object of change.objects) {
    const identity = objectIdentity(object);
    const previous = byIdentity.get(identity);
    const metadata = { ...object.metadata };
    if (previous) {
      replaced += 1;
      metadata.creationTimestamp ??= previous.metadata.creationTimestamp;
      metadata.uid ??= previous.metadata.uid;
    } else {
      added += 1;
      metadata.creationTimestamp ??= stamp;
    }
    byIdentity.set(identity, { ...object, metadata });
  }

  // Kinds the change brings that the base had no word on are read now (from the change).
  const coverage: Partial<Record<SnapshotKind, CoverageEntry>> = { ...base.coverage };
  for (const object of change.objects) {
    const entry = coverage[object.snapshotKind];
    if (!entry || entry.status === 'not-collected') coverage[object.snapshotKind] = { status: 'read' };
  }

  const snapshot = assembleSnapshot({
    cluster: base.cluster,
    source: base.source,
    objects: [...byIdentity.values()],
    inputProblems: [...base.inputProblems, ...change.problems],
    coverage,
    apiRequests: base.apiRequests,
    aksCluster: base.aksCluster,
    meshRevisionProfile: base.meshRevisionProfile,
    meshConfigDocument: options.meshConfigDocument,
    istioVersion: options.istioVersion,
    fallbackIstioVersion: options.fallbackIstioVersion,
  });
  return { snapshot, added, replaced, removed, notFound };
}
