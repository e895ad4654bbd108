/** ARM ManagedCluster bodies for the platform rule tests: the ARM GET shape and the `az aks show` shape. */
export function armCluster(properties: Record<string, unknown>): Record<string, unknown> {
  return { id: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod', name: 'aks-prod', location: 'westeurope', properties };
}

/** `az aks show -o json`: properties flattened to the top level, CLI key casing. */
export function azCliCluster(settings: Record<string, unknown>): Record<string, unknown> {
  return { id: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod', name: 'aks-prod', location: 'westeurope', ...settings };
}

export const istioMesh = (revisions: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ mode: 'Istio', istio: { revisions, ...extra } });

export const NO_MANIFESTS = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-a}\n';
