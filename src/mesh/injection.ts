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
 * (`istio.io/dataplane-mode=ambient`) counts as enrolled for upstream Istio, unless sidecar
 * injection also applies (then the pods run sidecars). With the chart value
 * `sidecarInjectorWebhook.enableNamespacesByDefault`, unlabelled namespaces are injected too.
 * References: https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/,
 * https://learn.microsoft.com/azure/aks/istio-deploy-addon
 */
import { parse as parseYaml } from 'yaml';
import { revisionOfMeshConfigMap } from '../snapshot/mesh-config.js';
import { isRecord } from '../records.js';
import type { ClusterSnapshot, IstioVersion, K8sObject } from '../snapshot/types.js';
import { versionAtLeast } from './version.js';
import { hasIstioProxy, podTemplateOf } from './workloads.js';
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
  | {
      injected: true;
      /** `sidecar`: the injection webhook adds istio-proxy; `ambient`: ztunnel captures the pods. */
      mode: 'sidecar' | 'ambient';
      how: string;
      /** `istio.io/dataplane-mode=ambient` is set but sidecar injection wins (a pod with a sidecar is never captured). */
      ambientLabelIgnored?: true;
    }
  | { injected: false; why: string };

export const AMBIENT_MODE = 'ambient';

/**
 * Namespaces the injector's `auto.` webhook never selects, even with enableNamespacesByDefault
 * (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml, "Special case 3").
 */
export const NEVER_AUTO_INJECTED = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

export interface InjectionDefaults {
  /**
   * Where `sidecarInjectorWebhook.enableNamespacesByDefault: true` was read (e.g. "ConfigMap
   * istio-system/istio-sidecar-injector"), when it is on: every namespace without either
   * injection label is then injected by the default revision's `auto.` webhook.
   */
  enabledByDefault?: string;
  /** The namespace's name, to leave out the ones the `auto.` webhook excludes. */
  namespace?: string;
}

/**
 * Whether pods of a namespace with these labels get a proxy, and which kind. Any
 * `istio.io/rev` value counts here; whether it names an installed revision (or a tag of one)
 * is namespace-injection-revision-unknown's question. `tags` only words the answer.
 *
 * Sidecar injection is decided by the webhooks' namespace selectors, which do not look at
 * `istio.io/dataplane-mode`; the istio-cni ambient enablement selector then skips every pod
 * that already has a sidecar (cni/pkg/util/enablement_selector.go, podHasSidecar). So a
 * namespace with a working injection label and `dataplane-mode=ambient` runs sidecars, and
 * its Sidecar resources are effective (istioctl analyze's NamespaceInAmbientMode agrees).
 */
export function namespaceInjection(labels: Record<string, string>, aksAddon: boolean, tags: Record<string, string> = {}, defaults: InjectionDefaults = {}): InjectionState {
  const injection = labels[INJECTION_LABEL];
  const revision = labels[REVISION_LABEL];
  const ambient = labels[DATAPLANE_MODE_LABEL] === AMBIENT_MODE;
  const revisionHow = revision !== undefined && Object.prototype.hasOwnProperty.call(tags, revision) ? `${REVISION_LABEL}=${revision} (revision tag of ${tags[revision]})` : `${REVISION_LABEL}=${revision}`;
  const sidecar = (how: string): InjectionState => ({ injected: true, mode: 'sidecar', how, ...(ambient ? { ambientLabelIgnored: true as const } : {}) });
  let notInjected: string;
  if (injection !== undefined && injection !== 'enabled') {
    notInjected = `${INJECTION_LABEL}=${injection} disables injection`;
  } else if (aksAddon) {
    if (injection === 'enabled' && revision) notInjected = `the AKS add-on's webhooks require ${INJECTION_LABEL} to be absent, so ${REVISION_LABEL}=${revision} is ignored`;
    else if (injection === 'enabled') notInjected = `${INJECTION_LABEL}=enabled does nothing on the AKS add-on`;
    else if (revision) return sidecar(revisionHow);
    else notInjected = `no ${REVISION_LABEL} label`;
  } else if (injection === 'enabled') {
    return sidecar(`${INJECTION_LABEL}=enabled`);
  } else if (revision) {
    return sidecar(revisionHow);
  } else if (defaults.enabledByDefault && !(defaults.namespace !== undefined && NEVER_AUTO_INJECTED.includes(defaults.namespace))) {
    return sidecar(`sidecarInjectorWebhook.enableNamespacesByDefault (${defaults.enabledByDefault})`);
  } else {
    notInjected = `neither ${INJECTION_LABEL}=enabled nor ${REVISION_LABEL}`;
  }
  if (ambient && !aksAddon) return { injected: true, mode: 'ambient', how: `${DATAPLANE_MODE_LABEL}=${AMBIENT_MODE}` };
  return { injected: false, why: notInjected };
}

/**
 * True when the namespace runs ambient, not sidecars: labelled `istio.io/dataplane-mode=ambient`
 * without `istio-injection=enabled` or a non-empty `istio.io/rev` (istioctl analyze
 * pkg/config/analysis/analyzers/util/in_mesh.go NamespaceInAmbientMode). Sidecars there have no effect.
 */
export function isAmbientLabelled(labels: Record<string, string>): boolean {
  if (labels[INJECTION_LABEL] === 'enabled') return false;
  if (labels[REVISION_LABEL]) return false;
  return labels[DATAPLANE_MODE_LABEL] === AMBIENT_MODE;
}

/** Reads `sidecarInjectorWebhook.enableNamespacesByDefault` from an injector ConfigMap's `values` (JSON, as the chart writes it). */
export function enableNamespacesByDefaultOf(configMap: K8sObject): boolean | undefined {
  const data = configMap.body.data;
  const values = isRecord(data) && typeof data.values === 'string' ? data.values : undefined;
  if (values === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(values, { maxAliasCount: 0 });
  } catch {
    return undefined;
  }
  const webhook = isRecord(parsed) ? parsed.sidecarInjectorWebhook : undefined;
  const flag = isRecord(webhook) ? webhook.enableNamespacesByDefault : undefined;
  return typeof flag === 'boolean' ? flag : undefined;
}

export const INJECTOR_CONFIGMAP = 'istio-sidecar-injector';

/**
 * Where enableNamespacesByDefault is on, or undefined. The `auto.` webhook exists only for the
 * default revision (chart value `revision: ""`, ConfigMap `istio-sidecar-injector`) or for the
 * revision the `default` revision tag points at (revision-tags-mwc.yaml renders it from that
 * revision's values: ConfigMap `istio-sidecar-injector-<rev>`). Injector ConfigMaps of the
 * control plane's namespaces are read (root namespace, istio-system, aks-istio-system).
 */
export function namespacesEnabledByDefault(snapshot: ClusterSnapshot): string | undefined {
  const defaultTagRevision = snapshot.meshRevisionTags.default;
  const names = new Set([INJECTOR_CONFIGMAP, ...(defaultTagRevision ? [`${INJECTOR_CONFIGMAP}-${defaultTagRevision}`] : [])]);
  const controlPlane = new Set([snapshot.meshConfig.rootNamespace, 'istio-system', 'aks-istio-system']);
  for (const configMap of snapshot.objects.ConfigMap) {
    if (!names.has(configMap.metadata.name) || !controlPlane.has(configMap.metadata.namespace)) continue;
    if (enableNamespacesByDefaultOf(configMap) === true) return `ConfigMap ${configMap.metadata.namespace}/${configMap.metadata.name}`;
  }
  return undefined;
}

/** Pod-template metadata of a workload (a Pod itself, or a controller's template; see workloads.ts). */
export function podTemplateMetadata(workload: K8sObject): { labels: Record<string, string>; annotations: Record<string, string> } {
  const template = podTemplateOf(workload);
  return template ? { labels: template.labels, annotations: template.annotations } : { labels: {}, annotations: {} };
}

/** Values Istio's injector read as "inject" before 1.27 (YAML booleans, lower-cased). */
const INJECT_TRUE = new Set(['y', 'yes', 'true', 'on']);

/** From Istio 1.27 the injector accepts only "true" and "false"; other values fall back to the namespace default. */
function strictInjectValues(version: IstioVersion | undefined): boolean {
  return version === undefined || versionAtLeast(version, 1, 27);
}

/**
 * Where a workload opts out of injection, or undefined. As Istio's injector decides
 * (pkg/kube/inject/inject.go injectRequired): the `sidecar.istio.io/inject` label when
 * present, else the annotation. Before 1.27 the value is lower-cased, y/yes/true/on inject,
 * empty means "namespace default", and anything else disables injection. From 1.27 (and
 * when no version is given, the newest behaviour) "false" disables, "true" injects, and any
 * other value is ignored with a warning (namespace default). The webhook's object selector
 * (`sidecar.istio.io/inject NotIn [false]`) agrees on the label.
 */
export function injectionOptOut(workload: K8sObject, version?: IstioVersion): string | undefined {
  const { labels, annotations } = podTemplateMetadata(workload);
  const fromLabel = labels[INJECT_OVERRIDE] !== undefined;
  const value = fromLabel ? labels[INJECT_OVERRIDE] : annotations[INJECT_OVERRIDE];
  if (value === undefined || value === '') return undefined;
  const disables = strictInjectValues(version) ? value === 'false' : !INJECT_TRUE.has(value.toLowerCase());
  return disables ? `${fromLabel ? 'label' : 'annotation'} ${INJECT_OVERRIDE}: "${value}"` : undefined;
}

/** The workload asks for injection itself (`sidecar.istio.io/inject: "true"`), which the default revision's `object.` webhook honours. */
export function injectionRequested(workload: K8sObject): boolean {
  const { labels } = podTemplateMetadata(workload);
  return labels[INJECT_OVERRIDE] === 'true';
}

/** Pod annotation istio-cni sets on pods ztunnel captures. */
export const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';

/**
 * Whether a workload's pods are in the mesh (a sidecar or ambient capture), as istioctl analyze
 * decides (util/in_mesh.go inMesh, PodInAmbientMode): an istio-proxy container (or native
 * sidecar), ambient redirection, an explicit opt-out or opt-in, else the namespace's enrolment.
 * Host-network pods are never injected (inject.go injectRequired) nor captured.
 */
export function workloadInMesh(workload: K8sObject, namespace: InjectionState, version?: IstioVersion): boolean {
  const template = podTemplateOf(workload);
  if (!template) return false;
  if (hasIstioProxy(template.spec)) return true;
  if (template.annotations[AMBIENT_REDIRECTION] === 'enabled') return true;
  if (template.spec.hostNetwork === true) return false;
  if (injectionOptOut(workload, version)) return false;
  if (namespace.injected && namespace.mode === 'ambient') return template.labels[DATAPLANE_MODE_LABEL] !== 'none';
  return namespace.injected || injectionRequested(workload);
}
