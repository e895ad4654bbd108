/**
 * The mesh config ConfigMaps, read by name from the root namespace only (never a
 * cluster-wide ConfigMap list: application ConfigMaps are none of the scanner's business,
 * and the shipped Role grants `get` on ConfigMaps in the root namespace only).
 *
 * Names istiod reads (rules.md "Mesh config"): `istio` (upstream default revision),
 * `istio-<rev>` (revisioned istiod, and the AKS add-on's own map), and on AKS the user's
 * `istio-shared-configmap-<rev>`; plus the sidecar injector's `istio-sidecar-injector` /
 * `istio-sidecar-injector-<rev>`, whose `values` say whether `enableNamespacesByDefault` injects
 * unlabelled namespaces. Revisions come from ARM (serviceMeshProfile.istio.revisions), from
 * `istio.io/rev` labels on namespaces and pods, from istiod Deployments and from revision-tag
 * webhooks.
 */
import { KubeRequestError, type KubeHttpClient, type RequestTally } from '../../access/kube-http.js';
import { aksMeshProfile } from '../assemble.js';
import { AKS_ROOT_NAMESPACE, UPSTREAM_ROOT_NAMESPACE } from '../mesh-config.js';
import type { CoverageEntry, K8sObject } from '../types.js';
import { coverageStatusOf, errorMessage, httpStatusOf } from './discovery.js';
import { mapBounded } from '../../concurrency.js';

const REVISION_LABEL = 'istio.io/rev';

/**
 * Namespaces to look in: aks-istio-system when it exists, else istio-system. Without a
 * Namespace list (forbidden) both are tried, the AKS one first.
 */
export function rootNamespaceCandidates(namespaces: K8sObject[] | undefined, aksCluster?: Record<string, unknown>): string[] {
  if (!namespaces) return aksMeshProfile(aksCluster).mode === 'Istio' ? [AKS_ROOT_NAMESPACE] : [AKS_ROOT_NAMESPACE, UPSTREAM_ROOT_NAMESPACE];
  return namespaces.some((ns) => ns.metadata.name === AKS_ROOT_NAMESPACE) ? [AKS_ROOT_NAMESPACE] : [UPSTREAM_ROOT_NAMESPACE];
}

/** Revisions in use, from every source the snapshot already holds. 'default' is implied by `istio`. */
export function knownRevisions(objects: K8sObject[], rootNamespaces: string[], aksCluster?: Record<string, unknown>): string[] {
  const revisions = new Set<string>(aksMeshProfile(aksCluster).revisions);
  for (const object of objects) {
    const revision = object.metadata.labels[REVISION_LABEL];
    if (!revision) continue;
    const relevant =
      object.snapshotKind === 'Namespace' ||
      object.snapshotKind === 'Pod' ||
      object.snapshotKind === 'MutatingWebhookConfiguration' ||
      (object.snapshotKind === 'Deployment' && rootNamespaces.includes(object.metadata.namespace) && object.metadata.name.startsWith('istiod'));
    if (relevant) revisions.add(revision);
  }
  revisions.delete('default');
  // Label values that cannot be part of a ConfigMap name are not revisions we could look up.
  return [...revisions].filter((r) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(r)).sort();
}

export function meshConfigMapNames(revisions: string[]): string[] {
  return [
    'istio',
    'istio-sidecar-injector',
    ...revisions.flatMap((revision) => [`istio-${revision}`, `istio-shared-configmap-${revision}`, `istio-sidecar-injector-${revision}`]),
  ];
}

export interface MeshConfigMapRead {
  configMaps: Record<string, unknown>[];
  coverage: CoverageEntry;
}

/**
 * GETs each candidate ConfigMap by name; 404 means "not there", which is normal. The GETs are
 * independent and go out `concurrency` at a time (the listings' bound: a cluster with many
 * revisions asks for three names per revision per namespace), judged in a fixed order.
 */
export async function readMeshConfigMaps(http: KubeHttpClient, namespaces: string[], names: string[], concurrency: number): Promise<MeshConfigMapRead> {
  const tally: RequestTally = { requests: 0, bytes: 0 };
  const configMaps: Record<string, unknown>[] = [];
  let failure: { status: 'forbidden' | 'failed'; error: string; httpStatus?: number } | undefined;
  const targets = namespaces.flatMap((namespace) => names.map((name) => ({ namespace, name })));
  const outcomes = await mapBounded(targets, concurrency, async ({ namespace, name }) => {
    try {
      const { body } = await http.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`, {}, tally);
      return { namespace, name, body };
    } catch (error) {
      return { namespace, name, error };
    }
  });
  for (const outcome of outcomes) {
    if (!('error' in outcome)) {
      const { body } = outcome;
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', ...body });
      continue;
    }
    const { error, namespace, name } = outcome;
    if (error instanceof KubeRequestError && error.failure === 'http' && error.status === 404) continue;
    const status = coverageStatusOf(error);
    // The first forbidden one wins over failures in the summary: RBAC is what the operator can fix.
    if (!failure || (status === 'forbidden' && failure.status !== 'forbidden')) failure = { status, error: `ConfigMap ${namespace}/${name}: ${errorMessage(error)}`, httpStatus: httpStatusOf(error) };
  }
  const coverage: CoverageEntry = failure
    ? { status: failure.status, apiVersion: 'v1', error: failure.error, ...(failure.httpStatus ? { httpStatus: failure.httpStatus } : {}), requests: tally.requests, bytes: tally.bytes, objects: configMaps.length }
    : { status: 'read', apiVersion: 'v1', requests: tally.requests, bytes: tally.bytes, objects: configMaps.length };
  return { configMaps, coverage };
}
