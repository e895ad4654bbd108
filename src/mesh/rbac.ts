/**
 * Kubernetes RBAC evaluation for "who can write mesh configuration" (RBAC is purely
 * additive, so a subject can do what the union of its bound roles allows).
 *
 *  - A ClusterRole with `aggregationRule.clusterRoleSelectors` gets the rules of every
 *    ClusterRole whose labels match a selector. Live clusters already show the union in
 *    `rules`; offline manifests may not, so the union is recomputed, transitively (an
 *    aggregated role's rules include those it aggregates, so `admin` gets what `edit` gets).
 *  - `*` in apiGroups, resources or verbs matches everything.
 *  - A rule with `resourceNames` cannot grant `create` (the request has no name) and only
 *    touches the named objects otherwise, so it is not a broad grant.
 *  - ClusterRoleBinding: cluster-wide. RoleBinding (to a Role or a ClusterRole): only in
 *    the binding's namespace.
 * Reference: https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
import type { K8sObject } from '../snapshot/types.js';
import { isRecord } from '../records.js';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
}

export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
}

export function rulesOf(role: K8sObject): PolicyRule[] {
  const rules = Array.isArray(role.body.rules) ? role.body.rules : [];
  return rules.filter(isRecord).map((rule) => ({
    apiGroups: strings(rule.apiGroups),
    resources: strings(rule.resources),
    verbs: strings(rule.verbs),
    resourceNames: strings(rule.resourceNames),
  }));
}

export function subjectsOf(binding: K8sObject): RbacSubject[] {
  const subjects = Array.isArray(binding.body.subjects) ? binding.body.subjects : [];
  return subjects.filter(isRecord).map((subject) => ({
    kind: String(subject.kind ?? ''),
    name: String(subject.name ?? ''),
    namespace: typeof subject.namespace === 'string' ? subject.namespace : undefined,
  }));
}

export function roleRefOf(binding: K8sObject): { kind: string; name: string } | undefined {
  const ref = binding.body.roleRef;
  return isRecord(ref) && typeof ref.name === 'string' ? { kind: String(ref.kind ?? ''), name: ref.name } : undefined;
}

/** Kubernetes label selector (matchLabels + matchExpressions In/NotIn/Exists/DoesNotExist). An empty selector matches everything. */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  for (const expression of expressions) {
    const key = String(expression.key ?? '');
    const values = strings(expression.values);
    const has = key in labels;
    switch (String(expression.operator)) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an unknown operator selects nothing, as the API server would reject it
    }
  }
  return true;
}

/**
 * ClusterRole name -> its rules including aggregated ones, transitively: the aggregation
 * controller keeps every aggregated role's `rules` up to date, so a role that selects an
 * aggregated role (built-in `admin` selects `edit`, which selects `aggregate-to-edit` roles)
 * ends up with the rules of the whole chain. Cycles are cut (each role is visited once per walk).
 */
export function effectiveClusterRoleRules(clusterRoles: K8sObject[]): Map<string, PolicyRule[]> {
  const memo = new Map<K8sObject, PolicyRule[]>();
  // ClusterRoles by label pair, in snapshot order: a selector whose matchLabels has a pair looks
  // only at the roles carrying it (a per-tenant aggregated role would otherwise try every role).
  const byLabel = new Map<string, K8sObject[]>();
  for (const candidate of clusterRoles) {
    for (const [key, value] of Object.entries(candidate.metadata.labels)) {
      const pair = `${key}\u0000${value}`;
      const list = byLabel.get(pair);
      if (list) list.push(candidate);
      else byLabel.set(pair, [candidate]);
    }
  }
  /** Roles that may match `selector` (labelSelectorMatches still decides), in snapshot order. */
  const candidatesFor = (selector: unknown): readonly K8sObject[] => {
    const matchLabels = isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : undefined;
    const first = matchLabels ? Object.entries(matchLabels)[0] : undefined;
    return first && typeof first[1] === 'string' ? (byLabel.get(`${first[0]}\u0000${first[1]}`) ?? []) : clusterRoles;
  };
  const selectorsOf = (role: K8sObject): unknown[] => {
    const aggregation = role.body.aggregationRule;
    return isRecord(aggregation) && Array.isArray(aggregation.clusterRoleSelectors) ? aggregation.clusterRoleSelectors : [];
  };
  const effective = (role: K8sObject, visiting: Set<K8sObject>): PolicyRule[] => {
    const known = memo.get(role);
    if (known) return known;
    visiting.add(role);
    const rules = [...rulesOf(role)];
    for (const selector of selectorsOf(role)) {
      for (const candidate of candidatesFor(selector)) {
        if (!visiting.has(candidate) && labelSelectorMatches(selector, candidate.metadata.labels)) rules.push(...effective(candidate, visiting));
      }
    }
    visiting.delete(role);
    // A result computed while an ancestor was being visited may miss that ancestor's rules; only memoise complete walks.
    if (visiting.size === 0) memo.set(role, rules);
    return rules;
  };
  const result = new Map<string, PolicyRule[]>();
  for (const role of clusterRoles) result.set(role.metadata.name, effective(role, new Set()));
  return result;
}

export const WRITE_VERBS = ['create', 'update', 'patch'];

/** The mesh configuration kinds whose write access lets a tenant change others' traffic. */
export const MESH_CONFIG_RESOURCES = ['serviceentries', 'virtualservices', 'destinationrules', 'sidecars'];
export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';

/** Resources (of MESH_CONFIG_RESOURCES) and verbs a set of rules lets a subject write. */
export function meshConfigWrites(rules: PolicyRule[]): { resources: string[]; verbs: string[] } {
  const resources = new Set<string>();
  const verbs = new Set<string>();
  for (const rule of rules) {
    if (rule.resourceNames.length > 0) continue;
    if (!rule.apiGroups.some((group) => group === '*' || group === ISTIO_NETWORKING_GROUP)) continue;
    const writeVerbs = rule.verbs.includes('*') ? WRITE_VERBS : WRITE_VERBS.filter((verb) => rule.verbs.includes(verb));
    if (writeVerbs.length === 0) continue;
    const granted = rule.resources.includes('*') ? MESH_CONFIG_RESOURCES : MESH_CONFIG_RESOURCES.filter((resource) => rule.resources.includes(resource));
    if (granted.length === 0) continue;
    granted.forEach((resource) => resources.add(resource));
    writeVerbs.forEach((verb) => verbs.add(verb));
  }
  return { resources: [...resources].sort(), verbs: [...verbs].sort() };
}

export function subjectLabel(subject: RbacSubject): string {
  return subject.kind === 'ServiceAccount' ? `ServiceAccount ${subject.namespace ?? '?'}/${subject.name}` : `${subject.kind} ${subject.name}`;
}

/** Built-in Kubernetes identities that are cluster administrators or control-plane components. */
const BUILTIN_ADMIN_GROUPS = new Set(['system:masters']);
const BUILTIN_CONTROL_PLANE_USERS = new Set(['system:admin', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver']);

/**
 * True for subjects the rule leaves out: `system:masters`, control-plane users, service
 * accounts of system namespaces (istiod, controllers), the cluster's Entra ID admin groups
 * and anyone bound to `cluster-admin` cluster-wide (a cluster admin can do everything anyway).
 * Broad groups such as `system:authenticated` are NOT excluded: they are the worst case.
 */
export function isAdminOrControlPlane(subject: RbacSubject, context: { isSystemNamespace: (ns: string) => boolean; adminGroups: Set<string>; clusterAdmins: Set<string> }): boolean {
  if (context.clusterAdmins.has(subjectLabel(subject))) return true;
  if (subject.kind === 'Group') {
    // `system:serviceaccounts:<ns>` is every service account of one namespace: control plane when the namespace is.
    const serviceAccountsOf = /^system:serviceaccounts:(.+)$/.exec(subject.name)?.[1];
    if (serviceAccountsOf) return context.isSystemNamespace(serviceAccountsOf);
    return BUILTIN_ADMIN_GROUPS.has(subject.name) || context.adminGroups.has(subject.name);
  }
  if (subject.kind === 'User') return BUILTIN_CONTROL_PLANE_USERS.has(subject.name) || subject.name.startsWith('system:node:');
  if (subject.kind === 'ServiceAccount') return context.isSystemNamespace(subject.namespace ?? '');
  return false;
}
