/**
 * A small, faithful subset of Kubernetes RBAC evaluation, used by the API server double to
 * enforce a policy (partial-RBAC tests) and by the least-privilege test to check every
 * request the scanner made against the shipped infra/kubernetes manifests.
 *
 * Semantics follow k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go:
 * - a resource request is allowed when some rule matches its verb, API group, resource and
 *   (when the rule lists resourceNames) its object name; `*` matches anything; a rule with
 *   resourceNames never allows a collection request (list has no name);
 * - Role rules apply only inside the Role's namespace; ClusterRole rules bound by a
 *   ClusterRoleBinding apply everywhere; a ClusterRole bound by a RoleBinding applies in
 *   the binding's namespace;
 * - nonResourceURLs (discovery) are matched exactly or by a trailing `*` prefix, and only
 *   ClusterRoles bound cluster-wide can grant them.
 */
import { parseAllDocuments } from 'yaml';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** The rules one identity holds: cluster-wide ones, and per-namespace ones. */
export interface RbacPolicy {
  clusterRules: PolicyRule[];
  namespaceRules: Array<{ namespace: string; rules: PolicyRule[] }>;
}

/** What the API server's authorizer sees for a request (its "request attributes"). */
export interface RbacRequest {
  verb: string;
  /** Resource requests. */
  group?: string;
  resource?: string;
  /** Empty or absent for cluster-wide requests. */
  namespace?: string;
  name?: string;
  /** Non-resource requests (/api, /apis/...). */
  nonResourceURL?: string;
}

const has = (list: string[] | undefined, value: string) => (list ?? []).some((entry) => entry === '*' || entry === value);

export function ruleAllows(rule: PolicyRule, request: RbacRequest): boolean {
  if (!has(rule.verbs, request.verb)) return false;
  if (request.nonResourceURL !== undefined) {
    return (rule.nonResourceURLs ?? []).some((url) => url === '*' || url === request.nonResourceURL || (url.endsWith('*') && request.nonResourceURL!.startsWith(url.slice(0, -1))));
  }
  if (!has(rule.apiGroups, request.group ?? '') || !has(rule.resources, request.resource ?? '')) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return request.name !== undefined && rule.resourceNames.includes(request.name);
  return true;
}

export function rbacAllows(policy: RbacPolicy, request: RbacRequest): boolean {
  if (policy.clusterRules.some((rule) => ruleAllows(rule, request))) return true;
  if (request.nonResourceURL !== undefined || !request.namespace) return false;
  return policy.namespaceRules.some((entry) => entry.namespace === request.namespace && entry.rules.some((rule) => ruleAllows(rule, request)));
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rulesOf(object: Record<string, unknown>): PolicyRule[] {
  return (Array.isArray(object.rules) ? object.rules : []).filter(isRecord).map((rule) => ({
    verbs: (rule.verbs as string[] | undefined) ?? [],
    apiGroups: rule.apiGroups as string[] | undefined,
    resources: rule.resources as string[] | undefined,
    resourceNames: rule.resourceNames as string[] | undefined,
    nonResourceURLs: rule.nonResourceURLs as string[] | undefined,
  }));
}

/**
 * The policy `subject` receives from a set of RBAC manifests (Roles, ClusterRoles and their
 * bindings), as the API server would compute it once they are applied.
 */
export function policyForSubject(manifestTexts: string[], subject: Subject): RbacPolicy {
  const objects = manifestTexts.flatMap((text) => parseAllDocuments(text).map((doc) => doc.toJS() as unknown)).filter(isRecord);
  const meta = (o: Record<string, unknown>) => (isRecord(o.metadata) ? o.metadata : {});
  const clusterRoles = new Map(objects.filter((o) => o.kind === 'ClusterRole').map((o) => [String(meta(o).name), rulesOf(o)]));
  const roles = new Map(objects.filter((o) => o.kind === 'Role').map((o) => [`${String(meta(o).namespace)}/${String(meta(o).name)}`, rulesOf(o)]));
  const boundToSubject = (binding: Record<string, unknown>) =>
    (Array.isArray(binding.subjects) ? binding.subjects : []).filter(isRecord).some((s) => s.kind === subject.kind && s.name === subject.name && (subject.kind !== 'ServiceAccount' || s.namespace === subject.namespace));

  const policy: RbacPolicy = { clusterRules: [], namespaceRules: [] };
  for (const binding of objects.filter((o) => (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && boundToSubject(o))) {
    const roleRef = isRecord(binding.roleRef) ? binding.roleRef : {};
    const namespace = String(meta(binding).namespace ?? '');
    const rules = roleRef.kind === 'ClusterRole' ? clusterRoles.get(String(roleRef.name)) : roles.get(`${namespace}/${String(roleRef.name)}`);
    if (!rules) continue;
    if (binding.kind === 'ClusterRoleBinding') policy.clusterRules.push(...rules);
    else policy.namespaceRules.push({ namespace, rules });
  }
  return policy;
}
