import { readAksFacts } from '../../inventory/aks-facts.js';
import { effectiveClusterRoleRules, isAdminOrControlPlane, meshConfigWrites, roleRefOf, rulesOf, subjectLabel, subjectsOf, type PolicyRule, type RbacSubject } from '../../mesh/rbac.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { qualifiedName, refOf } from '../transport/refs.js';

/**
 * rbac-serviceentry-write-broad: who can write mesh configuration (ServiceEntry,
 * VirtualService, DestinationRule, Sidecar) in every namespace. Cluster-wide grants
 * (ClusterRoleBinding) are high; grants confined to a tenant namespace (RoleBinding) are
 * info, for inventory. Admins and control-plane identities are left out (src/mesh/rbac.ts).
 */
export const rbacServiceEntryWriteBroad: Rule = {
  meta: {
    id: 'rbac-serviceentry-write-broad',
    title: 'Subject can write mesh configuration cluster-wide',
    category: 'admission',
    defaultSeverity: 'high',
    rationale:
      'Whoever can create or update ServiceEntries, VirtualServices, DestinationRules or Sidecars in any namespace can redirect or capture other tenants\' traffic (host hijack, exportTo "*"). Outside cluster admins and the control plane nobody should hold that cluster-wide, including through wildcard verbs, resources or API groups and aggregated ClusterRoles.',
    remediation:
      'Replace the ClusterRoleBinding with RoleBindings in the namespaces the subject owns, and remove `*` from the role\'s verbs, resources and apiGroups.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
      'https://istio.io/latest/docs/ops/best-practices/security/',
    ],
    requires: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  },
  evaluate: evaluateRbac,
};

/** Roles by namespace and name, as a RoleBinding's roleRef names them: one lookup per binding instead of a scan of every Role. */
function indexRoles(roles: K8sObject[]): Map<string, K8sObject> {
  const byName = new Map<string, K8sObject>();
  // The first Role of a namespace and name wins, as the former linear search found it.
  for (const role of roles) {
    const key = roleKey(role.metadata.namespace, role.metadata.name);
    if (!byName.has(key)) byName.set(key, role);
  }
  return byName;
}

function roleKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function rulesFor(binding: K8sObject, clusterRoleRules: Map<string, PolicyRule[]>, roles: Map<string, K8sObject>): { rules: PolicyRule[]; role: string } | undefined {
  const ref = roleRefOf(binding);
  if (!ref) return undefined;
  if (ref.kind === 'ClusterRole') return { rules: clusterRoleRules.get(ref.name) ?? [], role: `ClusterRole ${ref.name}` };
  const role = roles.get(roleKey(binding.metadata.namespace, ref.name));
  return role ? { rules: rulesOf(role), role: `Role ${qualifiedName(role)}` } : undefined;
}

function evaluateRbac({ snapshot, model }: RuleContext): RuleResult[] {
  const clusterRoleRules = effectiveClusterRoleRules(snapshot.objects.ClusterRole);
  const clusterAdmins = new Set<string>();
  for (const binding of snapshot.objects.ClusterRoleBinding) {
    if (roleRefOf(binding)?.name === 'cluster-admin') subjectsOf(binding).forEach((subject) => clusterAdmins.add(subjectLabel(subject)));
  }
  const adminGroups = new Set(snapshot.aksCluster ? readAksFacts(snapshot.aksCluster).adminGroupObjectIds : []);
  const excluded = (subject: RbacSubject): boolean =>
    isAdminOrControlPlane(subject, { isSystemNamespace: (namespace) => model.classOf(namespace) === 'system', adminGroups, clusterAdmins });

  const roles = indexRoles(snapshot.objects.Role);
  const results: RuleResult[] = [];
  const consider = (binding: K8sObject, clusterWide: boolean): void => {
    const granted = rulesFor(binding, clusterRoleRules, roles);
    if (!granted) return;
    const writes = meshConfigWrites(granted.rules);
    if (writes.resources.length === 0) return;
    const subjects = subjectsOf(binding).filter((subject) => !excluded(subject));
    if (subjects.length === 0) return;
    const who = subjects.map(subjectLabel).join(', ');
    const what = `${writes.verbs.join('/')} ${writes.resources.join(', ')}`;
    results.push({
      severity: clusterWide ? 'high' : 'info',
      message: clusterWide
        ? `${who} can ${what} in every namespace through ClusterRoleBinding ${binding.metadata.name} (${granted.role}).`
        : `${who} can ${what} in namespace ${binding.metadata.namespace} through RoleBinding ${binding.metadata.name} (${granted.role}).`,
      namespace: binding.metadata.namespace,
      resource: refOf(binding),
      subjectKey: 'binding',
      ...(clusterWide
        ? {}
        : { remediation: `Inventory only: a namespace-scoped grant is how tenants should manage their own mesh configuration. Check that ${who} owns namespace ${binding.metadata.namespace}, and keep exportTo enforced by admission control so these objects stay private.` }),
      evidence: { role: granted.role, subjects: subjects.map(subjectLabel), verbs: writes.verbs, resources: writes.resources, scope: clusterWide ? 'cluster' : binding.metadata.namespace },
      source: binding.source,
    });
  };
  for (const binding of snapshot.objects.ClusterRoleBinding) consider(binding, true);
  for (const binding of snapshot.objects.RoleBinding) if (model.isTenant(binding.metadata.namespace)) consider(binding, false);
  return results;
}
