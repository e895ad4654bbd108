/**
 * Which gateway proxies an Istio Gateway configures (PushContext.mergeGateways in
 * pilot/pkg/model/push_context.go):
 *
 * - A gateway proxy (a pod running `istio-proxy ... router`) merges every Gateway whose
 *   `selector` is a subset of its labels; a Gateway without a selector applies to every
 *   gateway proxy. The Gateway's namespace does not matter...
 * - ...unless istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true
 *   (pilot/pkg/features/pilot.go, default false): then a proxy only takes Gateways of its own
 *   namespace (gatewayIndex.namespace).
 * - From Istio 1.31, PILOT_ENABLE_STRICT_GATEWAY_MERGING (default true): a proxy Istio deployed
 *   for a Kubernetes Gateway API Gateway takes no Istio Gateway of another namespace
 *   (filterStrictGatewayMerging).
 *
 * Gateway workloads come from the Pods and workload templates of the snapshot. When none
 * match a Gateway of a platform (system or shared) namespace, for example in a manifest
 * folder without Deployments, the workload is assumed to run beside that Gateway with its
 * selector as labels; the AKS add-on's ingress gateways (ARM `ingressGateways`) are known by
 * their labels and namespace (`istio: aks-istio-ingressgateway-<mode>` in aks-istio-ingress).
 */
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { isRecord, labelsMatch, stringList, stringMapOf } from './accessors.js';
import { boolEnvOf, istiodDeployments } from './istiod-flags.js';
import { podTemplateOf, WORKLOAD_KINDS } from './workloads.js';
import { readAksFacts, isIstioAddon } from '../inventory/aks-facts.js';

export interface GatewayWorkload {
  namespace: string;
  labels: Record<string, string>;
  /** A proxy Istio deployed for a Kubernetes Gateway API Gateway (managed deployment). */
  gatewayApiManaged?: boolean;
  /** Where it was found: `Deployment ns/name`, `Pod ns/name`, or how it was inferred. */
  source: string;
  inferred: boolean;
}

export interface GatewayScoping {
  /** PILOT_SCOPE_GATEWAY_TO_NAMESPACE in force. */
  scoped: boolean;
  /** Where the value came from, for evidence. */
  source: string;
  /**
   * PILOT_ENABLE_STRICT_GATEWAY_MERGING in force (Istio 1.31+, default true):
   * filterStrictGatewayMerging keeps Istio Gateways of other namespaces off the proxies of
   * managed Gateway API Gateways.
   */
  strictMerging: boolean;
  strictMergingSource: string;
}

export const SCOPE_GATEWAY_ENV = 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE';
export const STRICT_MERGING_ENV = 'PILOT_ENABLE_STRICT_GATEWAY_MERGING';
/** The AKS add-on's ingress gateways live here (aks-istio-ingressgateway-external / -internal). */
export const AKS_INGRESS_NAMESPACE = 'aks-istio-ingress';

function containersOf(workload: K8sObject): Record<string, unknown>[] {
  const spec = podTemplateOf(workload)?.spec ?? {};
  return Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : [];
}

function templateMetadata(workload: K8sObject): { labels: Record<string, string>; annotations: Record<string, string> } {
  const template = podTemplateOf(workload);
  return { labels: template?.labels ?? {}, annotations: template?.annotations ?? {} };
}

/**
 * A gateway proxy: an istio-proxy container started as `router`, the injector's `gateway`
 * template, the `istio: ...gateway` label of Istio's and the AKS add-on's gateway charts, or
 * a deployment Istio generated for a Gateway API Gateway.
 */
export function isGatewayWorkload(workload: K8sObject): boolean {
  const { labels, annotations } = templateMetadata(workload);
  if ((labels.istio ?? '').endsWith('gateway')) return true;
  if (labels['gateway.networking.k8s.io/gateway-name'] !== undefined || labels['gateway.istio.io/managed'] !== undefined) return true;
  if ((annotations['inject.istio.io/templates'] ?? '').split(',').map((t) => t.trim()).includes('gateway')) return true;
  return containersOf(workload).some((container) => container.name === 'istio-proxy' && (stringList(container.args) ?? []).includes('router'));
}

/**
 * PILOT_SCOPE_GATEWAY_TO_NAMESPACE from the istiod Deployments of the snapshot. With several
 * revisions it counts as on only if every istiod sets it. Not visible: Istio's default (off).
 */
export function gatewayScoping(snapshot: ClusterSnapshot): GatewayScoping {
  const version = snapshot.istioVersion;
  // Strict merging exists from Istio 1.31 (pilot/pkg/features/pilot.go, default true).
  const strictDefault = version.major > 1 || (version.major === 1 && version.minor >= 31);
  const versionText = `Istio ${version.major}.${version.minor} (${version.source})`;
  const istiods = istiodDeployments(snapshot);
  if (istiods.length === 0) {
    return {
      scoped: false,
      source: `${SCOPE_GATEWAY_ENV} not visible (no istiod Deployment read): Istio's default, false`,
      strictMerging: strictDefault,
      strictMergingSource: strictDefault ? `${STRICT_MERGING_ENV} not visible: default true on ${versionText}` : `not in ${versionText} (Istio 1.31+)`,
    };
  }
  const envOf = boolEnvOf;
  const values = istiods.map((deployment) => ({ name: `${deployment.metadata.namespace}/${deployment.metadata.name}`, value: envOf(deployment, SCOPE_GATEWAY_ENV) ?? false, strict: strictDefault && (envOf(deployment, STRICT_MERGING_ENV) ?? true) }));
  // Either setting counts as on only if every istiod has it (a proxy may connect to any revision).
  const scoped = values.every((entry) => entry.value);
  const strictMerging = values.every((entry) => entry.strict);
  return {
    scoped,
    source: values.map((entry) => `${SCOPE_GATEWAY_ENV}=${entry.value} on Deployment ${entry.name}`).join('; '),
    strictMerging,
    strictMergingSource: strictDefault ? values.map((entry) => `${STRICT_MERGING_ENV}=${entry.strict} on Deployment ${entry.name}`).join('; ') + ` (${versionText})` : `not in ${versionText} (Istio 1.31+)`,
  };
}

/** `spec.selector` of an Istio Gateway; undefined (no selector) applies to every gateway proxy. */
export function gatewaySelectorOf(gateway: K8sObject): Record<string, string> | undefined {
  return stringMapOf(gateway.spec.selector);
}

/** mergeGateways: does `gateway` apply to proxies of `workload`? */
export function gatewaySelects(gateway: K8sObject, workload: GatewayWorkload, scoping: GatewayScoping): boolean {
  if (scoping.scoped && workload.namespace !== gateway.metadata.namespace) return false;
  // filterStrictGatewayMerging: a managed Gateway API proxy takes Istio Gateways of its own namespace only.
  if (scoping.strictMerging && workload.gatewayApiManaged && workload.namespace !== gateway.metadata.namespace) return false;
  const selector = gatewaySelectorOf(gateway);
  return selector === undefined || labelsMatch(selector, workload.labels);
}

function labelKey(namespace: string, labels: Record<string, string>): string {
  return `${namespace}\u0000${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/**
 * Gateway workloads of the cluster, one per distinct namespace and label set (replicas of a
 * Deployment and its Pods are one workload as far as Gateway selection goes).
 * `isPlatformNamespace` tells which namespaces' Gateways may stand in for a missing workload.
 */
export function gatewayWorkloads(snapshot: ClusterSnapshot, isPlatformNamespace: (namespace: string) => boolean): GatewayWorkload[] {
  const byKey = new Map<string, GatewayWorkload>();
  for (const kind of WORKLOAD_KINDS) {
    for (const workload of snapshot.objects[kind]) {
      if (!isGatewayWorkload(workload)) continue;
      const { labels } = templateMetadata(workload);
      const key = labelKey(workload.metadata.namespace, labels);
      const gatewayApiManaged = labels['gateway.networking.k8s.io/gateway-name'] !== undefined || labels['gateway.istio.io/managed'] !== undefined;
      if (!byKey.has(key)) byKey.set(key, { namespace: workload.metadata.namespace, labels, ...(gatewayApiManaged ? { gatewayApiManaged } : {}), source: `${workload.kind} ${workload.metadata.namespace}/${workload.metadata.name}`, inferred: false });
    }
  }
  const known = [...byKey.values()];
  const inferred: GatewayWorkload[] = [];
  const add = (workload: GatewayWorkload) => {
    const key = labelKey(workload.namespace, workload.labels);
    if (byKey.has(key)) return;
    byKey.set(key, workload);
    inferred.push(workload);
  };
  if (snapshot.aksCluster) {
    const facts = readAksFacts(snapshot.aksCluster, snapshot.cluster.name);
    if (isIstioAddon(facts)) {
      for (const gateway of facts.ingressGateways.filter((entry) => entry.enabled)) {
        const name = `aks-istio-ingressgateway-${gateway.mode.toLowerCase()}`;
        if (known.some((workload) => workload.labels.istio === name)) continue;
        add({ namespace: AKS_INGRESS_NAMESPACE, labels: { istio: name, app: name }, source: `AKS add-on ${gateway.mode.toLowerCase()} ingress gateway (ARM serviceMeshProfile)`, inferred: true });
      }
    }
  }
  for (const gateway of snapshot.objects.Gateway) {
    const selector = gatewaySelectorOf(gateway);
    if (!selector || Object.keys(selector).length === 0 || !isPlatformNamespace(gateway.metadata.namespace)) continue;
    if ([...byKey.values()].some((workload) => labelsMatch(selector, workload.labels))) continue;
    add({ namespace: gateway.metadata.namespace, labels: selector, source: `assumed beside Gateway ${gateway.metadata.namespace}/${gateway.metadata.name} (no gateway workload with its labels was read)`, inferred: true });
  }
  return [...known, ...inferred];
}
