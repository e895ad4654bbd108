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
import { compareByAge, labelsMatch, matchLabelsSelectorOf } from './accessors.js';
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

/** Istio's tie-break for policies of one level: oldest creationTimestamp, then name (accessors.ts compareByAge). */
export function byAge(a: K8sObject, b: K8sObject): number {
  return compareByAge(a, b);
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

/** mTLS a workload gets: its mode for ports without a port-level setting, and those settings. */
export interface WorkloadMtls {
  mode: MtlsMode;
  /** Port (container port, as written) -> mode, for ports with a portLevelMtls entry. */
  ports: Record<string, MtlsMode>;
  /** The workload-level policy in force, if any. */
  policy?: K8sObject;
  namespace: NamespaceMtls;
}

/** True when plaintext is accepted on `port` (or, without a port, on some port) of a workload with this mTLS. */
export function acceptsPlaintext(mtls: WorkloadMtls, ports?: readonly string[]): boolean {
  if (ports === undefined) return mtls.mode !== 'STRICT' || Object.values(mtls.ports).some((mode) => mode !== 'STRICT');
  return ports.some((port) => (mtls.ports[port] ?? mtls.mode) !== 'STRICT');
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

  /** Sorted per namespace once: rules ask per workload. */
  private readonly namespaceWideCache = new Map<string, K8sObject[]>();
  private readonly workloadPoliciesCache = new Map<string, K8sObject[]>();

  private namespaceWide(namespace: string): K8sObject[] {
    let policies = this.namespaceWideCache.get(namespace);
    if (!policies) {
      policies = (this.byNamespace.get(namespace) ?? []).filter((policy) => !hasWorkloadSelector(policy)).sort(byAge);
      this.namespaceWideCache.set(namespace, policies);
    }
    return policies;
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

  /** Workload-level policies of a namespace (with a non-empty selector), oldest first. Ignored in the root namespace. */
  workloadPolicies(namespace: string): K8sObject[] {
    if (namespace === this.rootNamespace) return [];
    let policies = this.workloadPoliciesCache.get(namespace);
    if (!policies) {
      policies = (this.byNamespace.get(namespace) ?? []).filter(hasWorkloadSelector).sort(byAge);
      this.workloadPoliciesCache.set(namespace, policies);
    }
    return policies;
  }

  /**
   * The workload-level policy Istio applies to a workload with these labels: the oldest whose
   * selector matches ("If there are more than one workload-level policy for the same workload,
   * the oldest one will be used"), or undefined.
   */
  workloadPolicyFor(namespace: string, labels: Record<string, string>): K8sObject | undefined {
    return this.workloadPolicies(namespace).find((policy) => labelsMatch(matchLabelsSelectorOf(policy) ?? {}, labels));
  }

  /**
   * Effective mTLS of a workload: its workload policy's mode (UNSET inherits the namespace),
   * and per port the `portLevelMtls` overrides (UNSET inherits the workload mode).
   */
  workloadMtls(namespace: string, labels: Record<string, string>): WorkloadMtls {
    const inherited = this.namespaceMode(namespace);
    const policy = this.workloadPolicyFor(namespace, labels);
    if (!policy) return { mode: inherited.mode, ports: {}, namespace: inherited };
    const own = declaredMode(policy.spec.mtls);
    const mode = own === 'UNSET' ? inherited.mode : own;
    const ports: Record<string, MtlsMode> = {};
    const portLevel = policy.spec.portLevelMtls;
    if (isRecord(portLevel)) {
      for (const [port, setting] of Object.entries(portLevel)) {
        const portOwn = declaredMode(setting);
        ports[port] = portOwn === 'UNSET' ? mode : portOwn;
      }
    }
    return { mode, ports, policy, namespace: inherited };
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
