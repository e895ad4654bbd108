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
  return rawObject(raw);
}

/** A normalized object from any manifest (throws on one normalizeObject refuses). */
export function rawObject(raw: Record<string, unknown>): K8sObject {
  const result = normalizeObject(raw);
  if (!('object' in result)) throw new Error(`bad fixture ${JSON.stringify(raw)}`);
  return result.object;
}

/** The name of tenant namespace `i` of a generated fleet: tenant-0000, tenant-0001, ... */
export const tenant = (i: number): string => `tenant-${String(i).padStart(4, '0')}`;

export function namespaces(...names: string[]): K8sObject[] {
  return names.map((name) => obj('Namespace', '', name));
}

export function snapshot(objects: K8sObject[], meshConfig: Partial<MeshConfig> = {}, istioVersion?: IstioVersion): ClusterSnapshot {
  return buildSnapshot({ cluster: { name: 'unit' }, source: 'manifests', objects, meshConfig: { rootNamespace: 'istio-system', ...meshConfig }, istioVersion });
}
