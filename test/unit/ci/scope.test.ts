/**
 * Tenant scope: which findings a tenant's pipeline judges (its objects, its namespaces, what
 * its objects do to others), which are context (cluster-level, platform-provided posture),
 * and which belong to other tenants.
 */
import { describe, expect, it } from '@jest/globals';
import { applyTenantScope, scopeOf, splitTenantList, tenantMatcher } from '../../../src/report/scope.js';
import { clusterResult, finding } from '../report/fixtures.js';

const isTenant = tenantMatcher(['team-a', 'team-a-*']);
const plain = { rootNamespace: 'aks-istio-system', comparing: false };
const compared = { rootNamespace: 'aks-istio-system', comparing: true };
const se = (namespace: string) => ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'x', namespace });
const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', name, namespace: '' });

describe('tenant matcher', () => {
  it('matches names and globs, never the empty (cluster-level) namespace', () => {
    expect(['team-a', 'team-a-dev', 'team-b', ''].map(isTenant)).toEqual([true, true, false, false]);
    expect(splitTenantList(['team-a, team-b', 'team-c'])).toEqual(['team-a', 'team-b', 'team-c']);
  });
});

describe('scopeOf', () => {
  it('judges objects in tenant namespaces', () => {
    expect(scopeOf(finding({ namespace: 'team-a', resource: se('team-a') }), isTenant, plain)).toBe('tenant');
    expect(scopeOf(finding({ namespace: 'team-a-dev', resource: se('team-a-dev'), source: undefined }), isTenant, plain)).toBe('tenant');
  });

  it('judges what tenant objects do to other namespaces (owners named in the evidence)', () => {
    const imports = finding({ ruleId: 'namespace-imports-foreign-config', namespace: 'team-b', resource: ns('team-b'), source: undefined, evidence: { foreignOwners: ['team-a', 'team-c'] } });
    expect(scopeOf(imports, isTenant, plain)).toBe('tenant');
    const conflict = finding({ ruleId: 'host-conflict-cross-namespace', severity: 'critical', namespace: 'team-c', resource: se('team-c'), source: undefined, evidence: { conflictingOwners: ['team-a', 'team-c'] } });
    expect(scopeOf(conflict, isTenant, plain)).toBe('tenant');
    // A getter (how namespace-imports-foreign-config computes its owners lazily) counts too.
    const lazy = finding({ namespace: 'team-b', resource: ns('team-b'), source: undefined, evidence: { get foreignOwners() { return ['team-a']; } } });
    expect(scopeOf(lazy, isTenant, plain)).toBe('tenant');
  });

  it('leaves other tenants\' findings out, even when a tenant is their victim', () => {
    expect(scopeOf(finding({ namespace: 'team-b', resource: se('team-b'), source: undefined }), isTenant, plain)).toBeUndefined();
    const shadowsTenantService = finding({ ruleId: 'serviceentry-shadows-service', namespace: 'team-b', resource: se('team-b'), source: undefined, affectedNamespaces: ['team-a'], evidence: { shadowedService: 'team-a/payments' } });
    expect(scopeOf(shadowsTenantService, isTenant, plain)).toBeUndefined();
  });

  it('shows cluster-level findings as context: no namespace, the root namespace, mesh and platform rules', () => {
    expect(scopeOf(finding({ ruleId: 'admission-exportto-policy-missing', category: 'admission', namespace: '', resource: undefined, source: undefined }), isTenant, plain)).toBe('context');
    expect(scopeOf(finding({ ruleId: 'mesh-mtls-not-strict', category: 'mesh', namespace: 'aks-istio-system', resource: undefined, source: undefined }), isTenant, plain)).toBe('context');
    expect(scopeOf(finding({ ruleId: 'aks-local-accounts-enabled', category: 'platform', namespace: '', resource: undefined, source: undefined }), isTenant, plain)).toBe('context');
    expect(scopeOf(finding({ ruleId: 'rbac-serviceentry-write-broad', category: 'admission', namespace: '', resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'b', namespace: '' }, source: undefined }), isTenant, plain)).toBe('context');
  });

  it('treats a tenant namespace\'s own posture as context, unless its Namespace was scanned or a change is compared', () => {
    const posture = finding({ ruleId: 'namespace-missing-default-sidecar', category: 'sidecar', namespace: 'team-a', resource: ns('team-a'), source: undefined });
    expect(scopeOf(posture, isTenant, plain)).toBe('context');
    expect(scopeOf({ ...posture, source: { file: 'k8s/namespace.yaml', line: 1 } }, isTenant, plain)).toBe('tenant');
    expect(scopeOf(posture, isTenant, compared)).toBe('tenant');
  });

  it('judges what a compared change brings into another namespace, but not a plain folder\'s strays', () => {
    const stray = finding({ namespace: 'payments', resource: se('payments'), source: { file: 'pr/se.yaml', line: 1 } });
    expect(scopeOf(stray, isTenant, compared)).toBe('tenant');
    expect(scopeOf(stray, isTenant, plain)).toBeUndefined();
  });

  it('always judges coverage of the cluster and of tenant namespaces (a gate that cannot read must not pass)', () => {
    expect(scopeOf(finding({ ruleId: 'scan-incomplete', category: 'coverage', namespace: '', resource: undefined, source: undefined }), isTenant, plain)).toBe('tenant');
    expect(scopeOf(finding({ ruleId: 'resource-invalid', category: 'coverage', namespace: 'team-a', resource: se('team-a') }), isTenant, plain)).toBe('tenant');
    expect(scopeOf(finding({ ruleId: 'resource-invalid', category: 'coverage', namespace: 'team-b', resource: se('team-b') }), isTenant, plain)).toBeUndefined();
  });
});

describe('applyTenantScope', () => {
  it('keeps tenant and context findings, counts the rest, and narrows counts and the exposure matrix', () => {
    const findings = [
      finding({ findingId: 'a'.repeat(32), namespace: 'team-a', resource: se('team-a') }),
      finding({ findingId: 'b'.repeat(32), namespace: 'team-b', resource: se('team-b'), source: undefined }),
      finding({ findingId: 'c'.repeat(32), ruleId: 'mesh-outbound-allow-any', category: 'mesh', severity: 'medium', namespace: '', resource: undefined, source: undefined }),
    ];
    const result = { ...clusterResult(findings), exposureMatrix: { 'team-a': ['team-b'], 'team-b': ['team-c'], 'team-c': ['team-a'] } };
    const scoped = applyTenantScope(result, { tenants: ['team-a'], rootNamespace: 'istio-system', comparing: false });
    expect(scoped.findings.map((f) => f.findingId)).toEqual(['a'.repeat(32), 'c'.repeat(32)]);
    expect(scoped.scope).toEqual({ tenants: ['team-a'], scopes: new Map([['a'.repeat(32), 'tenant'], ['c'.repeat(32), 'context']]), outOfScope: 1 });
    expect(scoped.record.findingCounts).toEqual({ critical: 0, high: 1, medium: 0, low: 0, info: 0 });
    expect(Object.keys(scoped.exposureMatrix).sort()).toEqual(['team-a', 'team-c']);
  });
});
