/**
 * The shipped RBAC (infra/kubernetes) is enough for a complete scan and nothing the scanner
 * asks for falls outside it: the double enforces exactly the rules the shipped manifests
 * grant the scanner's identity, and every recorded request is checked against them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { defaultConfig } from '../../../src/config/types.js';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import { SNAPSHOT_KINDS } from '../../../src/snapshot/types.js';
import { startKubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { policyForSubject, rbacAllows, type RbacPolicy } from '../../doubles/kube-apiserver/rbac.js';
import { DEMO_DIR, FAST_HTTP, kubeConfigOf, REPO_ROOT } from './helpers.js';

const RBAC_DIR = join(REPO_ROOT, 'infra', 'kubernetes');
const shippedManifests = readdirSync(RBAC_DIR).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(RBAC_DIR, f), 'utf8'));
const SCANNER = { kind: 'User', name: 'SCANNER_PRINCIPAL_OBJECT_ID' };

describe('shipped least-privilege RBAC', () => {
  const policy = policyForSubject(shippedManifests, SCANNER);

  it('grants only get and list, never on Secrets, and ConfigMaps only by get in the root namespaces', () => {
    const allRules = [...policy.clusterRules, ...policy.namespaceRules.flatMap((n) => n.rules)];
    expect(allRules.length).toBeGreaterThan(0);
    expect(new Set(allRules.flatMap((rule) => rule.verbs))).toEqual(new Set(['get', 'list']));
    expect(allRules.some((rule) => rule.resources?.includes('secrets'))).toBe(false);
    expect(policy.clusterRules.some((rule) => rule.resources?.includes('configmaps'))).toBe(false);
    expect(policy.namespaceRules.map((n) => n.namespace).sort()).toEqual(['aks-istio-system', 'istio-system']);
    expect(rbacAllows(policy, { verb: 'list', group: '', resource: 'configmaps', namespace: 'aks-istio-system' })).toBe(false);
    expect(rbacAllows(policy, { verb: 'get', group: '', resource: 'configmaps', namespace: 'team-a', name: 'istio' })).toBe(false);
    expect(rbacAllows(policy, { verb: 'get', group: '', resource: 'secrets', namespace: 'aks-istio-system', name: 'cacerts' })).toBe(false);
    expect(rbacAllows(policy, { verb: 'watch', group: '', resource: 'pods' })).toBe(false);
    // Another identity gets nothing from the binding template.
    expect(policyForSubject(shippedManifests, { kind: 'User', name: 'someone-else' })).toEqual({ clusterRules: [], namespaceRules: [] });
  });

  it.each(['aks-contaminated', 'self-managed-istio'])('a full scan of %s stays within the shipped rules and reads every kind', async (cluster) => {
    const double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, cluster), rbac: policy, userName: SCANNER.name });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: cluster }, http: FAST_HTTP });
      const denied = double.requests.filter((r) => !rbacAllows(policy, r.attributes));
      expect(denied).toEqual([]);
      expect(double.requests.every((r) => r.status === 200 || (r.status === 404 && r.attributes.resource === 'configmaps'))).toBe(true);
      expect(SNAPSHOT_KINDS.filter((kind) => !['read', 'absent'].includes(snapshot.coverage[kind]?.status ?? ''))).toEqual([]);
      expect(snapshot.objects.ConfigMap.length).toBeGreaterThan(0);
    } finally {
      await double.close();
    }
  });

  it('partial RBAC: without the security.istio.io rule those kinds are forbidden, the scan goes on and says which rules are unknown', async () => {
    const partial: RbacPolicy = { ...policy, clusterRules: policy.clusterRules.filter((rule) => !rule.apiGroups?.includes('security.istio.io')) };
    const double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'aks-contaminated'), rbac: partial, userName: SCANNER.name });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'partial' }, http: FAST_HTTP });
      expect(snapshot.coverage.PeerAuthentication).toMatchObject({ status: 'forbidden', requests: 1 });
      expect(snapshot.coverage.AuthorizationPolicy).toMatchObject({ status: 'forbidden', requests: 1 });
      expect(snapshot.coverage.AuthorizationPolicy!.error).toContain('cannot list resource "authorizationpolicies" in API group "security.istio.io" at the cluster scope');
      expect(snapshot.coverage.ServiceEntry).toMatchObject({ status: 'read' });
      const incomplete = evaluateSnapshot(snapshot, defaultConfig()).filter((f) => f.ruleId === 'scan-incomplete');
      expect(incomplete.map((f) => f.evidence.kind).sort()).toEqual(['AuthorizationPolicy', 'PeerAuthentication']);
    } finally {
      await double.close();
    }
  });

  it('without the mesh-config Role the ConfigMap kind is forbidden, not silently empty', async () => {
    const noRole: RbacPolicy = { ...policy, namespaceRules: [] };
    const double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'aks-contaminated'), rbac: noRole, userName: SCANNER.name });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'no-role' }, http: FAST_HTTP });
      expect(snapshot.coverage.ConfigMap).toMatchObject({ status: 'forbidden' });
      expect(snapshot.coverage.ConfigMap!.error).toContain('configmaps "istio" is forbidden');
    } finally {
      await double.close();
    }
  });
});
