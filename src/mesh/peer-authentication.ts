/**
 * mTLS inheritance of PeerAuthentication, as Istio computes it (sidecar mode):
 *  - workload level: a PeerAuthentication with a non-empty `selector` in the workload's
 *    namespace; `mtls.mode: UNSET` (or no mode) inherits the namespace level, and each
 *    `portLevelMtls` entry overrides the workload mode for that port (UNSET inherits);
 *  - namespace level: the selector-less policy of the namespace (Istio takes the oldest
 *    when there are several);
 *  - mesh level: the selector-less policy in the root namespace. Policies *with* a
 *    selector in the root namespace are ignored by Istio (istio/api#3604);
 *  - nothing set anywhere: PERMISSIVE.
 * Reference: https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
import type { K8sObject } from '../snapshot/types.js';
import { statusProblem } from '../snapshot/validate.js';
import { isRecord } from '../records.js';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
const STRENGTH: Record<MtlsMode, number> = { DISABLE: 0, PERMISSIVE: 1, STRICT: 2 };

/** The policy's own mode, or 'UNSET' (absent, UNSET or unrecognised: Istio then inherits). */
export function declaredMode(mtls: unknown): MtlsMode | 'UNSET' {
  const mode = isRecord(mtls) && typeof mtls.mode === 'string' ? mtls.mode.toUpperCase() : 'UNSET';
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : 'UNSET';
}

export function hasWorkloadSelector(policy: K8sObject): boolean {
  const selector = policy.spec.selector;
  return isRecord(selector) && isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0;
}

/** Istio's tie-break for policies of one level: oldest creationTimestamp, then name. */
export function byAge(a: K8sObject, b: K8sObject): number {
  const timeA = a.metadata.creationTimestamp ?? '';
  const timeB = b.metadata.creationTimestamp ?? '';
  if (timeA !== timeB) return timeA < timeB ? -1 : 1;
  return a.metadata.name.localeCompare(b.metadata.name);
}

export function isWeaker(mode: MtlsMode, than: MtlsMode): boolean {
  return STRENGTH[mode] < STRENGTH[than];
}

export interface NamespaceMtls {
  mode: MtlsMode;
  /** Which level decided: the namespace's policy, the root policy, or Istio's default. */
  source: 'namespace' | 'root' | 'default';
  /** The policy that decided, when one did. */
  policy?: K8sObject;
  /** The namespace's own selector-less policy that Istio uses (even when its mode is UNSET). */
  namespacePolicy?: K8sObject;
  /** Selector-less policies ignored because an older one of the same namespace wins. */
  shadowed: K8sObject[];
}

export interface WorkloadDowngrade {
  policy: K8sObject;
  workloadMode: MtlsMode;
  /** Port -> effective mode, for ports weaker than the namespace mode. */
  weakerPorts: Record<string, MtlsMode>;
}

/** Policies Istio applies: those with a negative status condition were not accepted. */
function accepted(policies: K8sObject[]): K8sObject[] {
  return policies.filter((policy) => statusProblem(policy) === undefined);
}

export class PeerAuthenticationIndex {
  private readonly byNamespace = new Map<string, K8sObject[]>();

  constructor(
    policies: K8sObject[],
    private readonly rootNamespace: string,
  ) {
    for (const policy of accepted(policies)) {
      const list = this.byNamespace.get(policy.metadata.namespace) ?? [];
      list.push(policy);
      this.byNamespace.set(policy.metadata.namespace, list);
    }
  }

  private namespaceWide(namespace: string): K8sObject[] {
    return (this.byNamespace.get(namespace) ?? []).filter((policy) => !hasWorkloadSelector(policy)).sort(byAge);
  }

  /** The namespace-wide mode with its source (workload policies aside). */
  namespaceMode(namespace: string): NamespaceMtls {
    const [own, ...shadowed] = this.namespaceWide(namespace);
    const ownMode = own ? declaredMode(own.spec.mtls) : 'UNSET';
    if (own && ownMode !== 'UNSET') return { mode: ownMode, source: namespace === this.rootNamespace ? 'root' : 'namespace', policy: own, namespacePolicy: own, shadowed };
    const [root] = this.namespaceWide(this.rootNamespace);
    const rootMode = root ? declaredMode(root.spec.mtls) : 'UNSET';
    if (root && rootMode !== 'UNSET') return { mode: rootMode, source: 'root', policy: root, namespacePolicy: own, shadowed };
    return { mode: 'PERMISSIVE', source: 'default', namespacePolicy: own, shadowed };
  }

  /** Workload-level policies of the namespace that make some workload or port weaker than the namespace mode. */
  downgrades(namespace: string): WorkloadDowngrade[] {
    if (namespace === this.rootNamespace) return []; // selector policies in the root namespace are ignored by Istio
    const inherited = this.namespaceMode(namespace).mode;
    const result: WorkloadDowngrade[] = [];
    for (const policy of (this.byNamespace.get(namespace) ?? []).filter(hasWorkloadSelector).sort(byAge)) {
      const own = declaredMode(policy.spec.mtls);
      const workloadMode = own === 'UNSET' ? inherited : own;
      const weakerPorts: Record<string, MtlsMode> = {};
      const ports = policy.spec.portLevelMtls;
      if (isRecord(ports)) {
        for (const [port, setting] of Object.entries(ports)) {
          const portOwn = declaredMode(setting);
          const portMode = portOwn === 'UNSET' ? workloadMode : portOwn;
          if (isWeaker(portMode, inherited)) weakerPorts[port] = portMode;
        }
      }
      if (isWeaker(workloadMode, inherited) || Object.keys(weakerPorts).length > 0) result.push({ policy, workloadMode, weakerPorts });
    }
    return result;
  }
}
