/**
 * Typed, never-throwing readers for the untyped `spec` fields the exposure semantics need.
 * A field of the wrong type is treated as absent: the coverage rules report it separately
 * (resource-invalid), and semantics must not crash on it.
 */
import type { K8sObject } from '../snapshot/types.js';
import type { ResourceRef } from '../vocabulary.js';
import { isRecord } from '../records.js';

export { isRecord };

/** A list of strings, or undefined when absent or mistyped (non-string entries are dropped). */
export function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((entry): entry is string => typeof entry === 'string');
}

export function stringMapOf(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}

/** `spec.exportTo` as written; undefined when absent, empty or mistyped (all three mean "use the mesh default"). */
export function exportToOf(object: K8sObject): string[] | undefined {
  const list = stringList(object.spec.exportTo);
  return list && list.length > 0 ? list : undefined;
}

/** `spec.workloadSelector.labels` (Sidecar, ServiceEntry, DestinationRule); undefined when there is no selector. */
export function workloadSelectorOf(object: K8sObject): Record<string, string> | undefined {
  const selector = object.spec.workloadSelector;
  if (!isRecord(selector)) return undefined;
  return stringMapOf(selector.labels) ?? {};
}

/** `spec.selector.matchLabels` (PeerAuthentication, AuthorizationPolicy). */
export function matchLabelsSelectorOf(object: K8sObject): Record<string, string> | undefined {
  const selector = object.spec.selector;
  if (!isRecord(selector)) return undefined;
  return stringMapOf(selector.matchLabels) ?? {};
}

/** Hosts as written: ServiceEntry/VirtualService `spec.hosts`, DestinationRule `spec.host`. */
export function rawHostsOf(object: K8sObject): string[] {
  if (object.snapshotKind === 'DestinationRule') return typeof object.spec.host === 'string' && object.spec.host ? [object.spec.host] : [];
  return (stringList(object.spec.hosts) ?? []).filter((host) => host.length > 0);
}

/** VirtualService `spec.gateways`: a VS applies to sidecars when the list is empty or contains `mesh`. */
export function virtualServiceAppliesToMesh(object: K8sObject): boolean {
  const gateways = stringList(object.spec.gateways);
  return !gateways || gateways.length === 0 || gateways.includes('mesh');
}

export interface SidecarEgressHost {
  /** As written, e.g. `./*`. */
  raw: string;
  /** `*`, `.`, `~` or a namespace name. */
  namespace: string;
  /** `*`, `*.example.com` or an exact host. */
  dnsName: string;
}

/** Parses `ns/dnsName`. A host without `/` is rejected by Istio's validation; it gets namespace '' and matches nothing. */
export function parseEgressHost(raw: string): SidecarEgressHost {
  const slash = raw.indexOf('/');
  if (slash < 0) return { raw, namespace: '', dnsName: raw };
  return { raw, namespace: raw.slice(0, slash), dnsName: raw.slice(slash + 1) };
}

/**
 * Sidecar egress hosts, union over listeners. `undefined` means the Sidecar has no usable
 * `egress` section, which Istio treats as importing `*` + `/` + `*` (sidecar.go DefaultSidecarScopeForNamespace).
 */
export function sidecarEgressHostsOf(object: K8sObject): SidecarEgressHost[] | undefined {
  const egress = object.spec.egress;
  if (!Array.isArray(egress) || egress.length === 0) return undefined;
  const hosts: SidecarEgressHost[] = [];
  for (const listener of egress) {
    if (!isRecord(listener)) continue;
    for (const raw of stringList(listener.hosts) ?? []) hosts.push(parseEgressHost(raw));
  }
  return hosts;
}

/** `spec.outboundTrafficPolicy.mode` of a Sidecar: undefined when no policy; `REGISTRY_ONLY` when the policy is `{}` (proto default). */
export function sidecarOutboundModeOf(object: K8sObject): string | undefined {
  const policy = object.spec.outboundTrafficPolicy;
  if (!isRecord(policy)) return undefined;
  return typeof policy.mode === 'string' ? policy.mode : 'REGISTRY_ONLY';
}

/**
 * Creation order used by Istio to break ties: creationTimestamp, then name, then namespace,
 * names compared byte by byte like Go's strings.Compare (push_context.go
 * SortServicesByCreationTime, config.go configCompareByCreationTime). Objects without a
 * timestamp sort last: in a cluster every object has one, and an offline manifest without one
 * is about to be created, so it is the newest.
 */
export function compareByAge(a: K8sObject, b: K8sObject): number {
  const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : Number.POSITIVE_INFINITY;
  const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : Number.POSITIVE_INFINITY;
  const na = Number.isNaN(ta) ? Number.POSITIVE_INFINITY : ta;
  const nb = Number.isNaN(tb) ? Number.POSITIVE_INFINITY : tb;
  if (na !== nb) return na < nb ? -1 : 1;
  return byteOrder(a.metadata.name, b.metadata.name) || byteOrder(a.metadata.namespace, b.metadata.namespace);
}

/** Go's strings.Compare: code-unit order, not the locale's (which ignores '-' and case). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function oldest<T extends K8sObject>(objects: T[]): T | undefined {
  let best: T | undefined;
  for (const object of objects) if (!best || compareByAge(object, best) < 0) best = object;
  return best;
}

export function refOf(object: K8sObject): ResourceRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}

/** `Kind ns/name` for messages. */
export function describe(object: K8sObject): string {
  return `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
}

/** True when every selector label is present with the same value (Kubernetes matchLabels semantics; an empty selector selects all). */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector)) if (labels[key] !== value) return false;
  return true;
}
