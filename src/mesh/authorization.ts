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
 * Reference: https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
import { minimatch } from 'minimatch';
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { statusProblem } from '../snapshot/validate.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the policy targets specific workloads or gateways rather than the whole namespace. */
export function isTargeted(policy: K8sObject): boolean {
  const selector = policy.spec.selector;
  const hasSelector = isRecord(selector) && isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0;
  const targetRefs = policy.spec.targetRefs;
  return hasSelector || policy.spec.targetRef !== undefined || (Array.isArray(targetRefs) && targetRefs.length > 0);
}

export function policyAction(policy: K8sObject): string {
  return typeof policy.spec.action === 'string' ? policy.spec.action.toUpperCase() : 'ALLOW';
}

export interface NamespaceAuthorization {
  /** Policies that protect the namespace (its own and mesh-wide ones), enforcing actions only. */
  applying: K8sObject[];
  /** Policies set aside, with why (not accepted, AUDIT only), for evidence. */
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
  const meshWide = namespace === rootNamespace ? [] : (byNamespace.get(rootNamespace) ?? []).filter((policy) => !isTargeted(policy));
  for (const policy of [...own, ...meshWide]) {
    const problem = statusProblem(policy);
    if (problem) ignored.push({ policy, reason: 'not accepted by Istio (negative status)' });
    else if (policyAction(policy) === 'AUDIT') ignored.push({ policy, reason: 'AUDIT action only logs' });
    else applying.push(policy);
  }
  return { applying, ignored };
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
