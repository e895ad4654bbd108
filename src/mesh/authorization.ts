/**
 * Which AuthorizationPolicies are in force for a namespace, and which namespaces exist.
 *
 * Istio applies to a workload the policies of its own namespace (with or without a
 * selector) plus those of the root namespace; a root-namespace policy without selector
 * or targetRefs applies to every workload of the mesh (Istio "Authorization Policy":
 * "If the authorization policy is in the root namespace, the selector will additionally
 * match with workloads in all namespaces"). An empty spec is an ALLOW policy with no
 * rules, i.e. deny all, so it counts. AUDIT policies only log and protect nothing.
 * Policies with a negative status condition were not accepted and do not count.
 * Only a selector-less ALLOW policy makes a namespace default-deny: with DENY or CUSTOM
 * policies alone, or ALLOW policies that select some workloads, everything they do not
 * match is still allowed ("If there are no ALLOW policies for the workload, allow the request").
 * Reference: https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
import { minimatch } from 'minimatch';
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { statusProblem } from '../snapshot/validate.js';
import { isRecord } from '../records.js';

/** True when the policy targets specific workloads or gateways rather than the whole namespace. */
export function isTargeted(policy: K8sObject): boolean {
  const selector = policy.spec.selector;
  const hasSelector = isRecord(selector) && isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0;
  const targetRefs = policy.spec.targetRefs;
  return hasSelector || policy.spec.targetRef !== undefined || (Array.isArray(targetRefs) && targetRefs.length > 0);
}

const KNOWN_ACTIONS = new Set(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);

/** The policy's action: ALLOW when absent (the API default), else the value upper-cased; 'INVALID' for a non-string. */
export function policyAction(policy: K8sObject): string {
  const action = policy.spec.action;
  if (action === undefined || action === null) return 'ALLOW';
  return typeof action === 'string' ? action.toUpperCase() : 'INVALID';
}

export interface NamespaceAuthorization {
  /** Policies that protect the namespace (its own and mesh-wide ones), enforcing actions only. */
  applying: K8sObject[];
  /**
   * Applying policies that make the namespace default-deny: a selector-less ALLOW policy of
   * the namespace or of the root namespace. Istio evaluates CUSTOM, DENY, then ALLOW; when no
   * ALLOW policy applies to a workload, a request that no DENY matched is allowed.
   */
  namespaceWideAllow: K8sObject[];
  /** Policies set aside, with why (not accepted, AUDIT only, unknown action, root selector), for evidence. */
  ignored: Array<{ policy: K8sObject; reason: string }>;
}

/** Policies grouped by namespace, so that each namespace only looks at its own and the root's (linear in policies). */
export function policiesByNamespace(policies: K8sObject[]): Map<string, K8sObject[]> {
  const byNamespace = new Map<string, K8sObject[]>();
  for (const policy of policies) {
    const list = byNamespace.get(policy.metadata.namespace) ?? [];
    list.push(policy);
    byNamespace.set(policy.metadata.namespace, list);
  }
  return byNamespace;
}

export function authorizationFor(namespace: string, byNamespace: Map<string, K8sObject[]>, rootNamespace: string): NamespaceAuthorization {
  const applying: K8sObject[] = [];
  const ignored: NamespaceAuthorization['ignored'] = [];
  const own = byNamespace.get(namespace) ?? [];
  const root = namespace === rootNamespace ? [] : (byNamespace.get(rootNamespace) ?? []);
  // A root-namespace policy with a selector applies to the workloads it selects in every namespace
  // (typically a gateway); whether it selects any here is unknown, so it is not credited.
  for (const policy of root.filter(isTargeted)) ignored.push({ policy, reason: 'root-namespace policy with a selector: not a namespace-wide default' });
  for (const policy of [...own, ...root.filter((candidate) => !isTargeted(candidate))]) {
    const action = policyAction(policy);
    if (statusProblem(policy)) ignored.push({ policy, reason: 'not accepted by Istio (negative status)' });
    else if (action === 'AUDIT') ignored.push({ policy, reason: 'AUDIT action only logs' });
    else if (!KNOWN_ACTIONS.has(action)) ignored.push({ policy, reason: `unrecognised action ${JSON.stringify(policy.spec.action)}` });
    else applying.push(policy);
  }
  const namespaceWideAllow = applying.filter((policy) => policyAction(policy) === 'ALLOW' && !isTargeted(policy));
  return { applying, namespaceWideAllow, ignored };
}

/** Source namespaces a policy names in `rules[].from[].source.namespaces`, with where. */
export function sourceNamespaces(policy: K8sObject): Array<{ value: string; path: string }> {
  const found: Array<{ value: string; path: string }> = [];
  const rules = Array.isArray(policy.spec.rules) ? policy.spec.rules : [];
  rules.forEach((rule, ruleIndex) => {
    const from = isRecord(rule) && Array.isArray(rule.from) ? rule.from : [];
    from.forEach((entry, fromIndex) => {
      const source = isRecord(entry) && isRecord(entry.source) ? entry.source : undefined;
      const namespaces = source && Array.isArray(source.namespaces) ? source.namespaces : [];
      for (const value of namespaces) {
        if (typeof value === 'string') found.push({ value, path: `spec.rules[${ruleIndex}].from[${fromIndex}].source.namespaces` });
      }
    });
  });
  return found;
}

/**
 * Namespace existence is only known when Namespace objects were read (live LIST or
 * Namespace documents in the manifests); namespaces inferred from objects prove nothing
 * about the ones that are missing.
 */
export function namespaceInventoryKnown(snapshot: ClusterSnapshot): boolean {
  return snapshot.coverage.Namespace?.status === 'read' || snapshot.objects.Namespace.length > 0;
}

/**
 * Istio matches source namespaces exactly, or by a single `*` as prefix or suffix
 * (`prod-*`, `*-prod`, `*`). True when some existing namespace matches.
 */
export function namespacePatternMatchesAny(pattern: string, existing: ReadonlySet<string>): boolean {
  if (!pattern.includes('*')) return existing.has(pattern);
  for (const name of existing) if (minimatch(name, pattern)) return true;
  return false;
}
