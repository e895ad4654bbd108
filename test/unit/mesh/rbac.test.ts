import { describe, expect, it } from '@jest/globals';
import { effectiveClusterRoleRules, isAdminOrControlPlane, labelSelectorMatches, meshConfigWrites } from '../../../src/mesh/rbac.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

describe('RBAC helpers', () => {
  it('evaluates label selectors with expressions', () => {
    const labels = { tier: 'web', env: 'prod' };
    expect(labelSelectorMatches({ matchLabels: { tier: 'web' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'team', operator: 'Exists' }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
  });

  it('aggregates ClusterRoles by label', () => {
    const snapshot = snapshotFromYaml({
      manifests: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: parent}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "true"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: child, labels: {agg: "true"}}
rules: [{apiGroups: [networking.istio.io], resources: [serviceentries], verbs: [create]}]
`,
    });
    const rules = effectiveClusterRoleRules(snapshot.objects.ClusterRole);
    expect(meshConfigWrites(rules.get('parent')!)).toEqual({ resources: ['serviceentries'], verbs: ['create'] });
  });

  it('follows aggregation chains and survives cycles', () => {
    const snapshot = snapshotFromYaml({
      manifests: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {to-b: "true"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-a: "true"}}]}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, labels: {to-a: "true"}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-b: "true"}}]}
rules: [{apiGroups: [networking.istio.io], resources: [sidecars], verbs: [patch]}]
`,
    });
    const rules = effectiveClusterRoleRules(snapshot.objects.ClusterRole);
    expect(meshConfigWrites(rules.get('a')!)).toEqual({ resources: ['sidecars'], verbs: ['patch'] });
    expect(meshConfigWrites(rules.get('b')!)).toEqual({ resources: ['sidecars'], verbs: ['patch'] });
  });

  it('expands wildcards and ignores other groups, read verbs and resourceNames', () => {
    const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames: string[] = []) => ({ apiGroups, resources, verbs, resourceNames });
    expect(meshConfigWrites([rule(['*'], ['*'], ['*'])])).toEqual({ resources: ['destinationrules', 'serviceentries', 'sidecars', 'virtualservices'], verbs: ['create', 'patch', 'update'] });
    expect(meshConfigWrites([rule(['security.istio.io'], ['*'], ['*'])]).resources).toEqual([]);
    expect(meshConfigWrites([rule(['networking.istio.io'], ['serviceentries'], ['get', 'list', 'delete'])]).resources).toEqual([]);
    expect(meshConfigWrites([rule(['networking.istio.io'], ['serviceentries'], ['update'], ['one'])]).resources).toEqual([]);
  });

  it('excludes admins and control plane, never broad groups', () => {
    const context = { isSystemNamespace: (ns: string) => ns === 'kube-system', adminGroups: new Set(['aad-admins']), clusterAdmins: new Set(['User root']) };
    expect(isAdminOrControlPlane({ kind: 'Group', name: 'system:masters' }, context)).toBe(true);
    expect(isAdminOrControlPlane({ kind: 'Group', name: 'aad-admins' }, context)).toBe(true);
    expect(isAdminOrControlPlane({ kind: 'User', name: 'root' }, context)).toBe(true);
    expect(isAdminOrControlPlane({ kind: 'ServiceAccount', name: 'x', namespace: 'kube-system' }, context)).toBe(true);
    expect(isAdminOrControlPlane({ kind: 'Group', name: 'system:authenticated' }, context)).toBe(false);
    expect(isAdminOrControlPlane({ kind: 'Group', name: 'system:serviceaccounts' }, context)).toBe(false);
    expect(isAdminOrControlPlane({ kind: 'Group', name: 'system:serviceaccounts:kube-system' }, context)).toBe(true);
    expect(isAdminOrControlPlane({ kind: 'Group', name: 'system:serviceaccounts:tenant-a' }, context)).toBe(false);
    expect(isAdminOrControlPlane({ kind: 'ServiceAccount', name: 'x', namespace: 'tenant-a' }, context)).toBe(false);
  });
});
