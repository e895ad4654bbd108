/** Helpers shared by the ingress rules (Istio Gateway + VirtualService, Kubernetes Gateway API). */
import { readAksFacts } from '../../inventory/aks-facts.js';
import type { MeshModel } from '../../mesh/model.js';
import type { K8sObject } from '../../snapshot/types.js';

export const INGRESS_DOCS = {
  istioGateway: 'https://istio.io/latest/docs/reference/config/networking/gateway/',
  virtualServiceGateways: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-gateways',
  gatewayBestPractices: 'https://istio.io/latest/docs/ops/best-practices/security/#avoid-overly-broad-hosts-configurations',
  gatewayDeployment: 'https://istio.io/latest/docs/setup/additional-setup/gateway/',
  gatewayApiSecurity: 'https://gateway-api.sigs.k8s.io/concepts/security-model/',
  gatewayApiSpec: 'https://gateway-api.sigs.k8s.io/reference/spec/',
  routeAttachment: 'https://gateway-api.sigs.k8s.io/concepts/api-overview/#attaching-routes-to-gateways',
  httpRouteMatching: 'https://gateway-api.sigs.k8s.io/api-types/httproute/#matches',
  referenceGrant: 'https://gateway-api.sigs.k8s.io/api-types/referencegrant/',
  gep709: 'https://gateway-api.sigs.k8s.io/geps/gep-709/',
  /** xRoutes Mesh Binding (GAMMA producer and consumer routes); first proposed as GEP-1426. */
  gep1294: 'https://gateway-api.sigs.k8s.io/geps/gep-1294/',
  istioGatewayApi: 'https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/',
  aksManagedGatewayApi: 'https://learn.microsoft.com/azure/aks/managed-gateway-api',
  aksIngress: 'https://learn.microsoft.com/azure/aks/istio-deploy-ingress',
};

/** At most this many entries of a list go into evidence; counts stay complete. */
export const MAX_LISTED = 20;

/** `ns/name`. */
export function nameOf(object: K8sObject): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}

/**
 * An edge of the tenant exposure graph (src/report/exposure-graph.ts, kind `ingress`): the
 * routes of namespace `from` reach requests for hostnames namespace `to` serves.
 */
export interface IngressEdge {
  from: string;
  to: string;
  kind: 'ingress';
}

export function ingressEdge(from: string, to: string): IngressEdge {
  return { from, to, kind: 'ingress' };
}

export function uniqueEdges(edges: IngressEdge[]): IngressEdge[] {
  const seen = new Set<string>();
  return edges
    .filter((edge) => {
      const key = `${edge.from}\u0000${edge.to}`;
      if (edge.from === edge.to || seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/**
 * Evidence about AKS's managed Gateway API (ManagedCluster `ingressProfile.gatewayAPI.installation`,
 * api-version 2026-02-01 and later): whether AKS installs and upgrades the CRDs.
 */
export function aksGatewayApiEvidence(model: MeshModel): Record<string, unknown> {
  if (!model.snapshot.aksCluster) return {};
  const facts = readAksFacts(model.snapshot.aksCluster, model.snapshot.cluster.name);
  return { aksManagedGatewayApi: facts.managedGatewayApi ?? 'not set (Disabled)' };
}
