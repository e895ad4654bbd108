/** Helpers shared by the exposure, sidecar and mesh rule families. */
import type { K8sObject } from '../../snapshot/types.js';
import type { MeshModel } from '../../mesh/model.js';
import type { ConfigObject } from '../../mesh/config-objects.js';
import { describe, refOf } from '../../mesh/accessors.js';
import { exportToEvidence } from '../../mesh/exportto.js';
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

/** Short list for messages: "a, b, c and 4 more". */
export function listForMessage(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Namespaces rules evaluate for tenant exposure: tenants and shared namespaces. */
export function isNonSystem(model: MeshModel, namespace: string): boolean {
  return model.classOf(namespace) !== 'system';
}
