/** Helpers shared by the exposure, sidecar and mesh rule families. */
import { kindUnread } from '../../snapshot/coverage.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { MeshModel } from '../../mesh/model.js';
import type { ConfigObject } from '../../mesh/config-objects.js';
import { describe, refOf } from '../../mesh/accessors.js';
import { exportToEvidence } from '../../mesh/exportto.js';
import { summaryOfList, type ListSummary } from '../list-summary.js';
import { hasHostPrecedence124 } from '../../mesh/version.js';
import type { FindingFix } from '../types.js';

export const ISTIO_DOCS = {
  exportTo: 'https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-export_to',
  virtualService: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/',
  destinationRule: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/',
  sidecar: 'https://istio.io/latest/docs/reference/config/networking/sidecar/',
  meshConfig: 'https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/',
  configScoping: 'https://istio.io/latest/docs/ops/configuration/mesh/configuration-scoping/',
  peerAuthentication: 'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
  securityBestPractices: 'https://istio.io/latest/docs/ops/best-practices/security/',
  trafficBestPractices: 'https://istio.io/latest/docs/ops/best-practices/traffic-management/',
  aksMeshConfig: 'https://learn.microsoft.com/azure/aks/istio-meshconfig',
  egress: 'https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/',
};

/** Evidence every version-aware finding carries. */
export function versionEvidence(model: MeshModel): Record<string, unknown> {
  return { istioVersionAssumed: model.istioVersionAssumed, istioVersionSource: model.snapshot.istioVersion.source };
}

/** Host precedence, when an istiod flag makes it differ from the version's (PILOT_UNIFIED_SIDECAR_SCOPE off on 1.24+). */
export function hostPrecedenceEvidence(model: MeshModel): Record<string, unknown> {
  return model.hostPrecedence.unified === hasHostPrecedence124(model.snapshot.istioVersion) ? {} : { hostPrecedence: model.hostPrecedence.source };
}

export function configEvidence(config: ConfigObject): Record<string, unknown> {
  return { object: describe(config.object), hosts: config.hosts, ...exportToEvidence(config.exportTo) };
}

/** Merge patch restricting an object to its own namespace. */
export function exportToOwnNamespaceFix(object: K8sObject): FindingFix {
  return { type: 'merge-patch', target: refOf(object), patch: { spec: { exportTo: ['.'] } } };
}

/** The default Sidecar the scanner recommends: own namespace plus the control plane. */
export function defaultSidecarManifest(namespace: string, rootNamespace: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: 'default', namespace },
    spec: { egress: [{ hosts: ['./*', `${rootNamespace}/*`] }] },
  };
}

export function namespaceRef(namespace: string): { apiVersion: string; kind: string; name: string; namespace: string } {
  return { apiVersion: 'v1', kind: 'Namespace', name: namespace, namespace: '' };
}

/** "1 namespace", "3 namespaces", "2 ServiceEntries": a count with its noun (regular English plural unless given). */
export function countOf(count: number, singular: string, plural = pluralOf(singular)): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

function pluralOf(noun: string): string {
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** Kinds that decide who imports a public object: without them, "who imports it" is unknown. */
const IMPORT_SCOPE_KINDS = ['Sidecar', 'Service'] as const;

/**
 * Who actually imports a public (exportTo "*") object: "exported to every namespace" is what
 * the object allows, Sidecar scopes decide who receives it. Counts other tenant namespaces.
 */
export function publicImportSummary(model: MeshModel, config: ConfigObject): { text: string; evidence: Record<string, unknown> } {
  const others = model.tenantNamespaces().length - (model.isTenant(config.namespace) ? 1 : 0);
  if (!config.appliesToSidecars) {
    return { text: 'it is bound to gateways only, so no sidecar imports it', evidence: { importingNamespaceCount: 0 } };
  }
  // The object's own finding stands on its own; only the import count needs Sidecars and Services.
  const unread = IMPORT_SCOPE_KINDS.filter((kind) => kindUnread(model.snapshot, kind));
  if (unread.length > 0) return { text: `which namespaces import it is unknown (${unread.join(' and ')} objects could not be read)`, evidence: { importingNamespaceCount: null } };
  const { count, sample } = model.publicImporters().importersOf(config, 10);
  const evidence = { importingNamespaceCount: count, importingNamespaces: sample, importingNamespacesTruncated: count > sample.length };
  if (count === 0) {
    // Say why nobody imports it: Sidecar scoping, or (for a DestinationRule) Istio's lookup order.
    const why =
      config.kind === 'DestinationRule' && !model.importGraph().destinationRuleReachesOthers(config)
        ? `Istio applies a DestinationRule outside its namespace only for services of that namespace, as its most specific exported rule for them, and it is that for no Service or ServiceEntry of ${config.namespace}`
        : 'their Sidecars do not import it';
    return { text: `none of the ${countOf(others, 'other tenant namespace')} imports it today (${why})`, evidence };
  }
  const named = sample.slice(0, 3);
  const rest = count - named.length;
  const who = rest > 0 ? `${named.join(', ')} and ${rest} more` : listForMessage(named);
  const importers = count === others ? `all ${countOf(others, 'other tenant namespace')}` : `${count} of ${countOf(others, 'other tenant namespace')}`;
  return { text: `${importers} import${count === 1 ? 's' : ''} it (${who})`, evidence };
}

/**
 * The tenant namespaces (other than the owner) whose proxies import a public object today,
 * as a getter for RuleResult.affectedNamespaces: the list is built when an output reads it
 * (see engine.ts keepLazyAffectedNamespaces), and a summary of it (exact count, first names)
 * for the outputs that bound it, read without building it (see list-summary.ts). ["*"] when
 * Sidecars or Services were not read, because who imports it is then unknown.
 */
export function publicImporters(model: MeshModel, config: ConfigObject): { list: () => string[]; summary: ListSummary } {
  if (!config.appliesToSidecars) return { list: () => [], summary: summaryOfList([]) };
  const unread = IMPORT_SCOPE_KINDS.some((kind) => kindUnread(model.snapshot, kind));
  if (unread) return { list: () => ['*'], summary: summaryOfList(['*']) };
  const index = model.publicImporters();
  return { list: () => index.allImportersOf(config), summary: index.importerSummary(config) };
}

/** Short list for messages: "a", "a and b", "a, b and c", "a, b, c and 4 more". */
export function listForMessage(items: readonly string[], max = 3): string {
  if (items.length > max) return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Namespaces rules evaluate for tenant exposure: tenants and shared namespaces. */
export function isNonSystem(model: MeshModel, namespace: string): boolean {
  return model.classOf(namespace) !== 'system';
}
