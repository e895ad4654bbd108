import type { ClusterSnapshot } from '../../snapshot/types.js';
import type { ResourceRef } from '../types.js';

/**
 * The ConfigMap a mesh config field came from, as a resource for the finding (or undefined
 * when the field is at its built-in default or came from a file).
 */
export function meshConfigResource(snapshot: ClusterSnapshot, field: string): ResourceRef | undefined {
  const source = snapshot.meshConfig.fieldSources[field];
  if (!source?.startsWith('configmap:')) return undefined;
  const [namespace, name] = source.slice('configmap:'.length).split('/');
  return { apiVersion: 'v1', kind: 'ConfigMap', name: name ?? '', namespace: namespace ?? '' };
}

export function meshFieldSource(snapshot: ClusterSnapshot, field: string): string {
  return snapshot.meshConfig.fieldSources[field] ?? 'default';
}
