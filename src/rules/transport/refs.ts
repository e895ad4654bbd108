import type { ResourceRef } from '../types.js';
import type { K8sObject, NamespaceInfo } from '../../snapshot/types.js';

/** The finding reference of an object. Shared by the rule families of transport, enrolment, admission. */
export function refOf(object: K8sObject): ResourceRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}

export function namespaceRef(name: string): ResourceRef {
  return { apiVersion: 'v1', kind: 'Namespace', name, namespace: '' };
}

/** `ns/name` for messages and evidence. */
export function qualifiedName(object: K8sObject): string {
  return object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}

export function labelsOf(info: NamespaceInfo | undefined): Record<string, string> {
  return info?.labels ?? {};
}
