/**
 * ClusterSnapshot: everything the rules may look at, built the same way from offline
 * manifests, a live API server or the demo fleet. Rules never do I/O; they read this.
 */
import type { ClusterIdentity } from '../inventory/types.js';
import type { MeshRevisionProfile } from '../inventory/mesh-revision-profile.js';

// Where a cluster is and what AKS supports are inventory's facts; the snapshot carries them.
export type { ClusterIdentity, MeshRevisionProfile };

/** Kinds the scanner collects. The string is the Kubernetes `kind`. */
export const SNAPSHOT_KINDS = [
  'Namespace',
  'Service',
  'ConfigMap',
  'ServiceEntry',
  'Sidecar',
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'PeerAuthentication',
  'AuthorizationPolicy',
  'ResourceQuota',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ClusterPolicy',
  'Policy',
  'PolicyException',
  'ConstraintTemplate',
  'Constraint',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  // Kubernetes Gateway API (gateway.networking.k8s.io). KubernetesGateway is its `Gateway`
  // kind, named as Istio names it (gvk.KubernetesGateway) to tell it from networking.istio.io Gateway.
  'GatewayClass',
  'KubernetesGateway',
  'HTTPRoute',
  'GRPCRoute',
  'TLSRoute',
  'TCPRoute',
  'ReferenceGrant',
] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** Where an object came from in an offline manifest (1-based line). */
export interface SourceLocation {
  file: string;
  line: number;
}

export interface ObjectMeta {
  name: string;
  /** Empty string for cluster-scoped objects. */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO timestamp; absent in many offline manifests (then ordering falls back to name). */
  creationTimestamp?: string;
  uid?: string;
  resourceVersion?: string;
  /** Controllers owning the object (a Pod's ReplicaSet, a ReplicaSet's Deployment, a Job's CronJob). */
  ownerReferences?: { kind: string; name: string }[];
}

/**
 * One Kubernetes object as read. `spec`/`status` stay untyped (`unknown`-ish records):
 * rules go through the typed accessors in src/mesh/ which validate shapes and never throw.
 * For Gatekeeper constraints `kind` is the constraint's own kind (e.g. K8sRequiredExportTo)
 * and `snapshotKind` is 'Constraint'.
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  snapshotKind: SnapshotKind;
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
  /** Top-level fields other than apiVersion/kind/metadata/spec/status (ConfigMap data, RBAC rules, subjects...). */
  body: Record<string, unknown>;
  source?: SourceLocation;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** True when no Namespace object was read and the namespace was inferred from objects in it. */
  inferred: boolean;
  creationTimestamp?: string;
}

export type CoverageStatus = 'read' | 'forbidden' | 'absent' | 'failed' | 'not-collected';

export interface CoverageEntry {
  status: CoverageStatus;
  /** API version actually read, e.g. networking.istio.io/v1. */
  apiVersion?: string;
  /** Reason for forbidden/failed/absent, without secrets. */
  error?: string;
  /** HTTP status of the answer that made the kind unreadable (401 = credentials rejected), when there was one. */
  httpStatus?: number;
  requests?: number;
  bytes?: number;
  objects?: number;
}

/** Which config source a mesh field came from (spec: "The snapshot records which source each field came from"). */
export type MeshConfigSource =
  | `configmap:${string}/${string}`
  | 'file'
  | 'default';

/** Effective mesh config: the subset of MeshConfig the rules need. */
export interface MeshConfig {
  rootNamespace: string;
  defaultServiceExportTo?: string[];
  defaultVirtualServiceExportTo?: string[];
  defaultDestinationRuleExportTo?: string[];
  outboundTrafficPolicyMode?: string;
  trustDomain?: string;
  /** Field name -> source it was taken from. */
  fieldSources: Record<string, MeshConfigSource>;
  /** The whole parsed mesh document (merged), for evidence. */
  raw: Record<string, unknown>;
}

export interface IstioVersion {
  major: number;
  minor: number;
  patch?: number;
  /** How we know: 'aks-revision asm-1-24', 'istiod image', '--istio-version', 'default (newest behaviour)'. */
  source: string;
}

/** A problem with the input that is not itself a finding-worthy object (bad YAML, unknown kind...). */
export interface InputProblem {
  message: string;
  source?: SourceLocation;
  /** When the problem is attached to an object (wrong field types), the object reference. */
  resource?: { apiVersion: string; kind: string; name: string; namespace: string };
  /**
   * 'parse' (document unreadable), 'schema' (object has wrong types), 'status' (negative status
   * condition), 'unsupported', 'reference' (a Gateway API reference no ReferenceGrant allows: a routing defect).
   */
  type: 'parse' | 'schema' | 'status' | 'unsupported' | 'reference';
  /**
   * A 'parse' problem whose text names neither apiVersion nor kind (and has no escape that could
   * spell them): it cannot hold an object kubectl would apply, so it does not leave the scan
   * incomplete (a tsconfig.json with comments, a tool's config next to the manifests).
   */
  holdsNoObject?: true;
}

export interface ClusterSnapshot {
  cluster: ClusterIdentity;
  source: 'manifests' | 'live' | 'demo';
  /** Istio version the version-dependent rules assume. */
  istioVersion: IstioVersion;
  /** Installed mesh revisions (AKS serviceMeshProfile.istio.revisions, else from ConfigMaps / istio.io/rev). */
  meshRevisions: string[];
  /**
   * Istio revision tags: tag -> revision it points at, from the `istio-revision-tag-<tag>`
   * MutatingWebhookConfigurations `istioctl tag set` creates (labels istio.io/tag, istio.io/rev).
   */
  meshRevisionTags: Record<string, string>;
  /** 'Istio' (AKS add-on), 'self-managed', 'none'. */
  meshMode: 'Istio' | 'self-managed' | 'none' | 'unknown';
  meshConfig: MeshConfig;
  namespaces: Map<string, NamespaceInfo>;
  /** Objects per kind (ConfigMaps: mesh config ConfigMaps only). */
  objects: Record<SnapshotKind, K8sObject[]>;
  coverage: Partial<Record<SnapshotKind, CoverageEntry>>;
  /** ARM ManagedCluster JSON (az aks show -o json / ARM GET), when known. */
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: MeshRevisionProfile;
  inputProblems: InputProblem[];
  /** Kubernetes API requests made (live) or 0. */
  apiRequests: number;
  /** Cluster DNS domain for short names. */
  clusterDomain: string;
  /**
   * Set when the cluster was not scanned by policy (fleet scans of clusters without Entra ID,
   * whose only credential is an admin-equivalent local account): why. Nothing was read.
   */
  skipped?: string;
}

export function emptyObjects(): Record<SnapshotKind, K8sObject[]> {
  return Object.fromEntries(SNAPSHOT_KINDS.map((kind) => [kind, []])) as unknown as Record<SnapshotKind, K8sObject[]>;
}
