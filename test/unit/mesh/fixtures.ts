import { buildSnapshot, normalizeObject } from '../../../src/snapshot/build.js';
import type { ClusterSnapshot, IstioVersion, K8sObject, MeshConfig } from '../../../src/snapshot/types.js';

export function version(text: string): IstioVersion {
  const [major, minor, patch] = text.split('.').map(Number);
  return { major: major!, minor: minor!, patch, source: `test ${text}` };
}

/** A normalized object from a plain manifest. */
export function obj(kind: string, namespace: string, name: string, spec: Record<string, unknown> = {}, extra: { created?: string; annotations?: Record<string, string>; labels?: Record<string, string> } = {}): K8sObject {
  const apiVersion = kind === 'Service' || kind === 'Namespace' || kind === 'Pod' ? 'v1' : kind === 'PeerAuthentication' ? 'security.istio.io/v1' : 'networking.istio.io/v1';
  const raw = {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), creationTimestamp: extra.created, annotations: extra.annotations, labels: extra.labels },
    spec,
  };
  const result = normalizeObject(raw);
  if (!('object' in result)) throw new Error(`bad fixture ${kind} ${name}`);
  return result.object;
}

export function namespaces(...names: string[]): K8sObject[] {
  return names.map((name) => obj('Namespace', '', name));
}

export function snapshot(objects: K8sObject[], meshConfig: Partial<MeshConfig> = {}, istioVersion?: IstioVersion): ClusterSnapshot {
  return buildSnapshot({ cluster: { name: 'unit' }, source: 'manifests', objects, meshConfig: { rootNamespace: 'istio-system', ...meshConfig }, istioVersion });
}
