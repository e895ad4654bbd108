/**
 * Sidecar injection as the webhooks decide it, per namespace labels.
 *
 * Upstream Istio installs a default webhook selecting `istio-injection=enabled`, and one
 * per revision selecting `istio.io/rev=<rev>` AND `istio-injection` absent; so
 * `istio-injection` wins when both are set (Istio "Installing the sidecar": "If both are
 * set, istio-injection takes precedence"). The AKS add-on has only revisioned webhooks:
 * `istio-injection=enabled` injects nothing there, and a namespace carrying both labels
 * is not injected at all (AKS docs "Deploy Istio-based service mesh add-on": "the
 * istio-injection label isn't supported"). Ambient enrolment
 * (`istio.io/dataplane-mode=ambient`) counts as enrolled for upstream Istio.
 * References: https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/,
 * https://learn.microsoft.com/azure/aks/istio-deploy-addon
 */
import { revisionOfMeshConfigMap } from '../snapshot/mesh-config.js';
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { readAksFacts, isIstioAddon } from '../inventory/aks-facts.js';

export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const INJECT_OVERRIDE = 'sidecar.istio.io/inject';

/** True when the mesh is the AKS add-on (ARM says so, or the snapshot concluded it). */
export function isAksAddon(snapshot: ClusterSnapshot): boolean {
  if (snapshot.aksCluster && isIstioAddon(readAksFacts(snapshot.aksCluster))) return true;
  return snapshot.meshMode === 'Istio';
}

/**
 * Installed revisions: AKS `serviceMeshProfile.istio.revisions` when known, else the
 * revisions the snapshot found (mesh ConfigMaps `istio-<rev>`, istiod Deployments).
 * Upstream's default revision is called `default`.
 */
export function installedRevisions(snapshot: ClusterSnapshot): string[] {
  const arm = snapshot.aksCluster ? readAksFacts(snapshot.aksCluster).revisions : [];
  if (arm.length > 0) return arm;
  // Only istiod's mesh ConfigMaps (`istio`, `istio-<rev>` with a `mesh` key) name revisions; `istio-sidecar-injector`,
  // `istio-ca-root-cert` and the AKS user-editable `istio-shared-configmap-<rev>` do not.
  const fromConfigMaps = snapshot.objects.ConfigMap
    .filter((configMap) => configMap.metadata.namespace === snapshot.meshConfig.rootNamespace || configMap.metadata.namespace === 'aks-istio-system')
    .filter((configMap) => {
      const data = configMap.body.data;
      return typeof data === 'object' && data !== null && typeof (data as Record<string, unknown>).mesh === 'string';
    })
    .map((configMap) => revisionOfMeshConfigMap(configMap.metadata.name))
    .filter((revision): revision is string => revision !== undefined);
  return [...new Set([...snapshot.meshRevisions, ...fromConfigMaps])].sort();
}

/** What an `istio.io/rev` value names: an installed revision, a revision tag, or nothing known. */
export type RevisionLabelTarget =
  | { kind: 'revision'; revision: string }
  | { kind: 'tag'; tag: string; revision: string; revisionInstalled: boolean }
  | { kind: 'unknown'; value: string };

/**
 * Resolves an `istio.io/rev` value. A revision name wins over a tag of the same name (both
 * webhooks would match; the revision's own webhook is what was installed for it). A tag
 * counts as working only when the revision it points at is installed: otherwise its webhook
 * calls an istiod that does not exist. Revision tags are an upstream feature (`istioctl tag
 * set`); the AKS add-on documents only `istio.io/rev=asm-x-y`, but a tag webhook created on
 * an add-on cluster is still called by the API server, so it is credited there too.
 */
export function resolveRevisionLabel(value: string, revisions: string[], tags: Record<string, string>): RevisionLabelTarget {
  if (revisions.includes(value)) return { kind: 'revision', revision: value };
  const revision = Object.prototype.hasOwnProperty.call(tags, value) ? tags[value] : undefined;
  if (revision !== undefined) return { kind: 'tag', tag: value, revision, revisionInstalled: revisions.includes(revision) };
  return { kind: 'unknown', value };
}

export type InjectionState =
  | { injected: true; how: string }
  | { injected: false; why: string };

/**
 * Whether pods of a namespace with these labels get a proxy (sidecar or ambient). Any
 * `istio.io/rev` value counts here; whether it names an installed revision (or a tag of one)
 * is namespace-injection-revision-unknown's question. `tags` only words the answer.
 */
export function namespaceInjection(labels: Record<string, string>, aksAddon: boolean, tags: Record<string, string> = {}): InjectionState {
  const injection = labels[INJECTION_LABEL];
  const revision = labels[REVISION_LABEL];
  const revisionHow = revision !== undefined && Object.prototype.hasOwnProperty.call(tags, revision) ? `${REVISION_LABEL}=${revision} (revision tag of ${tags[revision]})` : `${REVISION_LABEL}=${revision}`;
  if (!aksAddon && labels[DATAPLANE_MODE_LABEL] === 'ambient') return { injected: true, how: `${DATAPLANE_MODE_LABEL}=ambient` };
  if (injection !== undefined && injection !== 'enabled') return { injected: false, why: `${INJECTION_LABEL}=${injection} disables injection` };
  if (aksAddon) {
    if (injection === 'enabled' && revision) return { injected: false, why: `the AKS add-on's webhooks require ${INJECTION_LABEL} to be absent, so ${REVISION_LABEL}=${revision} is ignored` };
    if (injection === 'enabled') return { injected: false, why: `${INJECTION_LABEL}=enabled does nothing on the AKS add-on` };
    if (revision) return { injected: true, how: revisionHow };
    return { injected: false, why: `no ${REVISION_LABEL} label` };
  }
  if (injection === 'enabled') return { injected: true, how: `${INJECTION_LABEL}=enabled` };
  if (revision) return { injected: true, how: revisionHow };
  return { injected: false, why: `neither ${INJECTION_LABEL}=enabled nor ${REVISION_LABEL}` };
}

/** Pod-template metadata of a workload (Pod itself, or a Deployment's template). */
export function podTemplateMetadata(workload: K8sObject): { labels: Record<string, string>; annotations: Record<string, string> } {
  if (workload.snapshotKind === 'Pod') return { labels: workload.metadata.labels, annotations: workload.metadata.annotations };
  const template = workload.spec.template;
  const metadata = typeof template === 'object' && template !== null && 'metadata' in template ? (template as { metadata?: unknown }).metadata : undefined;
  const pick = (key: string): Record<string, string> => {
    const value = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)[key] : undefined;
    if (typeof value !== 'object' || value === null) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  };
  return { labels: pick('labels'), annotations: pick('annotations') };
}

/** Values Istio's injector reads as "inject" (YAML booleans, lower-cased). */
const INJECT_TRUE = new Set(['y', 'yes', 'true', 'on']);

/**
 * Where a workload opts out of injection, or undefined. As Istio's injector decides
 * (pkg/kube/inject/webhook.go injectRequired): the `sidecar.istio.io/inject` label when
 * present, else the annotation; the value is lower-cased, y/yes/true/on inject, empty
 * means "namespace default", and anything else disables injection.
 */
export function injectionOptOut(workload: K8sObject): string | undefined {
  const { labels, annotations } = podTemplateMetadata(workload);
  const fromLabel = labels[INJECT_OVERRIDE] !== undefined;
  const value = fromLabel ? labels[INJECT_OVERRIDE] : annotations[INJECT_OVERRIDE];
  if (value === undefined || value === '' || INJECT_TRUE.has(value.toLowerCase())) return undefined;
  return `${fromLabel ? 'label' : 'annotation'} ${INJECT_OVERRIDE}: "${value}"`;
}
