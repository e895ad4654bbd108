import type { SnapshotKind } from './types.js';

/** API groups of each collected kind, and the versions the scanner understands (all Istio versions for every kind). */
export interface KindInfo {
  kind: SnapshotKind;
  /** The Kubernetes `kind` when it differs from the snapshot kind (KubernetesGateway is the Gateway API's `Gateway`). */
  objectKind?: string;
  group: string; // '' = core
  versions: string[];
  plural: string;
  namespaced: boolean;
  /**
   * Label selector of the live LIST, for kinds of which the scanner needs only a few objects
   * (the filter is applied again after parsing, so offline input ends up the same).
   */
  labelSelector?: string;
}

const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];
const SECURITY_VERSIONS = ['v1', 'v1beta1'];
/** Gateway API group; each kind lists every version it was ever served at (newest first). */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
const GATEWAY_API_VERSIONS = ['v1', 'v1beta1', 'v1alpha2'];

export const KIND_INFO: Record<Exclude<SnapshotKind, 'Constraint'>, KindInfo> = {
  Namespace: { kind: 'Namespace', group: '', versions: ['v1'], plural: 'namespaces', namespaced: false },
  Service: { kind: 'Service', group: '', versions: ['v1'], plural: 'services', namespaced: true },
  ConfigMap: { kind: 'ConfigMap', group: '', versions: ['v1'], plural: 'configmaps', namespaced: true },
  Pod: { kind: 'Pod', group: '', versions: ['v1'], plural: 'pods', namespaced: true },
  ResourceQuota: { kind: 'ResourceQuota', group: '', versions: ['v1'], plural: 'resourcequotas', namespaced: true },
  Deployment: { kind: 'Deployment', group: 'apps', versions: ['v1'], plural: 'deployments', namespaced: true },
  // Every other workload controller with a pod template: injection opt-outs and workload selectors apply to them too.
  StatefulSet: { kind: 'StatefulSet', group: 'apps', versions: ['v1'], plural: 'statefulsets', namespaced: true },
  DaemonSet: { kind: 'DaemonSet', group: 'apps', versions: ['v1'], plural: 'daemonsets', namespaced: true },
  ReplicaSet: { kind: 'ReplicaSet', group: 'apps', versions: ['v1'], plural: 'replicasets', namespaced: true },
  Job: { kind: 'Job', group: 'batch', versions: ['v1'], plural: 'jobs', namespaced: true },
  CronJob: { kind: 'CronJob', group: 'batch', versions: ['v1'], plural: 'cronjobs', namespaced: true },
  ServiceEntry: { kind: 'ServiceEntry', group: 'networking.istio.io', versions: ISTIO_VERSIONS, plural: 'serviceentries', namespaced: true },
  Sidecar: { kind: 'Sidecar', group: 'networking.istio.io', versions: ISTIO_VERSIONS, plural: 'sidecars', namespaced: true },
  VirtualService: { kind: 'VirtualService', group: 'networking.istio.io', versions: ISTIO_VERSIONS, plural: 'virtualservices', namespaced: true },
  DestinationRule: { kind: 'DestinationRule', group: 'networking.istio.io', versions: ISTIO_VERSIONS, plural: 'destinationrules', namespaced: true },
  Gateway: { kind: 'Gateway', group: 'networking.istio.io', versions: ISTIO_VERSIONS, plural: 'gateways', namespaced: true },
  PeerAuthentication: { kind: 'PeerAuthentication', group: 'security.istio.io', versions: SECURITY_VERSIONS, plural: 'peerauthentications', namespaced: true },
  AuthorizationPolicy: { kind: 'AuthorizationPolicy', group: 'security.istio.io', versions: SECURITY_VERSIONS, plural: 'authorizationpolicies', namespaced: true },
  Role: { kind: 'Role', group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'roles', namespaced: true },
  ClusterRole: { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterroles', namespaced: false },
  RoleBinding: { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'rolebindings', namespaced: true },
  ClusterRoleBinding: { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterrolebindings', namespaced: false },
  ClusterPolicy: { kind: 'ClusterPolicy', group: 'kyverno.io', versions: ['v1', 'v2beta1'], plural: 'clusterpolicies', namespaced: false },
  Policy: { kind: 'Policy', group: 'kyverno.io', versions: ['v1', 'v2beta1'], plural: 'policies', namespaced: true },
  PolicyException: { kind: 'PolicyException', group: 'kyverno.io', versions: ['v2', 'v2beta1', 'v2alpha1'], plural: 'policyexceptions', namespaced: true },
  ConstraintTemplate: { kind: 'ConstraintTemplate', group: 'templates.gatekeeper.sh', versions: ['v1', 'v1beta1'], plural: 'constrainttemplates', namespaced: false },
  ValidatingAdmissionPolicy: { kind: 'ValidatingAdmissionPolicy', group: 'admissionregistration.k8s.io', versions: ['v1', 'v1beta1'], plural: 'validatingadmissionpolicies', namespaced: false },
  ValidatingAdmissionPolicyBinding: { kind: 'ValidatingAdmissionPolicyBinding', group: 'admissionregistration.k8s.io', versions: ['v1', 'v1beta1'], plural: 'validatingadmissionpolicybindings', namespaced: false },
  // Only Istio revision tags (istioctl tag set): selecting on the label keeps the read to a handful of objects.
  MutatingWebhookConfiguration: { kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', versions: ['v1'], plural: 'mutatingwebhookconfigurations', namespaced: false, labelSelector: 'istio.io/tag' },
  // Kubernetes Gateway API: standard channel v1/v1beta1, older and experimental installs v1alpha2 (TLSRoute also v1alpha3).
  GatewayClass: { kind: 'GatewayClass', group: GATEWAY_API_GROUP, versions: GATEWAY_API_VERSIONS, plural: 'gatewayclasses', namespaced: false },
  KubernetesGateway: { kind: 'KubernetesGateway', objectKind: 'Gateway', group: GATEWAY_API_GROUP, versions: GATEWAY_API_VERSIONS, plural: 'gateways', namespaced: true },
  HTTPRoute: { kind: 'HTTPRoute', group: GATEWAY_API_GROUP, versions: GATEWAY_API_VERSIONS, plural: 'httproutes', namespaced: true },
  GRPCRoute: { kind: 'GRPCRoute', group: GATEWAY_API_GROUP, versions: ['v1', 'v1alpha2'], plural: 'grpcroutes', namespaced: true },
  TLSRoute: { kind: 'TLSRoute', group: GATEWAY_API_GROUP, versions: ['v1', 'v1alpha3', 'v1alpha2'], plural: 'tlsroutes', namespaced: true },
  TCPRoute: { kind: 'TCPRoute', group: GATEWAY_API_GROUP, versions: ['v1', 'v1alpha2'], plural: 'tcproutes', namespaced: true },
  ReferenceGrant: { kind: 'ReferenceGrant', group: GATEWAY_API_GROUP, versions: GATEWAY_API_VERSIONS, plural: 'referencegrants', namespaced: true },
};

/** The Kubernetes `kind` of a snapshot kind's objects. */
export function objectKindOf(info: KindInfo): string {
  return info.objectKind ?? info.kind;
}

/** Group + Kubernetes kind -> kind info (several snapshot kinds share a Kubernetes kind name, e.g. Gateway). */
const INFO_BY_GROUP_KIND = new Map((Object.values(KIND_INFO) as KindInfo[]).map((info) => [`${info.group}/${objectKindOf(info)}`, info]));

/** Gatekeeper constraints live in this group, one kind per ConstraintTemplate. */
export const GATEKEEPER_CONSTRAINTS_GROUP = 'constraints.gatekeeper.sh';

function groupOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * Maps apiVersion + kind to the snapshot kind, or explains why not.
 * Returns 'ignored' for kinds the scanner does not need (not an error).
 */
export function classifyKind(apiVersion: string, kind: string): Classification {
  // Asked once per object read, with a handful of distinct pairs: remembered (results are frozen).
  let byKind = CLASSIFIED.get(apiVersion);
  const known = byKind?.get(kind);
  if (known) return known;
  const classification = Object.freeze(classifyUncached(apiVersion, kind));
  if (CLASSIFIED.size < MAX_REMEMBERED_API_VERSIONS) {
    if (!byKind) CLASSIFIED.set(apiVersion, (byKind = new Map()));
    if (byKind.size < MAX_REMEMBERED_KINDS_PER_API_VERSION) byKind.set(kind, classification);
  }
  return classification;
}

type Classification = { snapshotKind: SnapshotKind } | { ignored: true } | { unsupportedVersion: string };

/** apiVersion -> kind -> classification; bounded, as input may name any number of kinds. */
const CLASSIFIED = new Map<string, Map<string, Readonly<Classification>>>();
const MAX_REMEMBERED_API_VERSIONS = 256;
const MAX_REMEMBERED_KINDS_PER_API_VERSION = 256;

function classifyUncached(apiVersion: string, kind: string): Classification {
  const { group, version } = groupOf(apiVersion);
  if (group === GATEKEEPER_CONSTRAINTS_GROUP) return { snapshotKind: 'Constraint' };
  const info = INFO_BY_GROUP_KIND.get(`${group}/${kind}`);
  if (!info) return { ignored: true };
  if (!info.versions.includes(version)) return { unsupportedVersion: `${apiVersion} ${kind} (understood: ${info.versions.map((v) => (group ? `${group}/${v}` : v)).join(', ')})` };
  return { snapshotKind: info.kind };
}
