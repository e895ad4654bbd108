/**
 * All-pairs guards for rules that look one object up per other object (issue 19): a
 * RoleBinding finds its Role, a DestinationRule asks whether its host is in the mesh. They
 * count reads of the snapshot's object lists, never time, and pin the indexes to the
 * definitions they replace.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import { createRuleContext } from '../../../src/rules/engine.js';
import { rbacServiceEntryWriteBroad } from '../../../src/rules/admission/rbac-serviceentry-write-broad.js';
import { destinationRuleTlsDisabled, MeshInternalHosts } from '../../../src/rules/transport/destinationrule-tls-disabled.js';
import { hostsOverlap } from '../../../src/mesh/hosts.js';
import { buildSnapshot, normalizeObject } from '../../../src/snapshot/build.js';
import type { ClusterSnapshot, K8sObject } from '../../../src/snapshot/types.js';

function object(raw: Record<string, unknown>): K8sObject {
  const result = normalizeObject(raw);
  if (!('object' in result)) throw new Error(`bad fixture ${JSON.stringify(raw)}`);
  return result.object;
}

const ns = (i: number) => `tenant-${String(i).padStart(3, '0')}`;

/** Replaces a list of the snapshot with a view that counts element reads. */
function countReads(snapshot: ClusterSnapshot, kind: 'Role' | 'ServiceEntry'): { reads: () => number } {
  let reads = 0;
  snapshot.objects[kind] = new Proxy(snapshot.objects[kind], {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) reads += 1;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { reads: () => reads };
}

describe('rbac-serviceentry-write-broad over many namespaces', () => {
  it('finds each RoleBinding\'s Role by name: Role reads proportional to Roles, not Roles x RoleBindings', () => {
    const objects: K8sObject[] = [];
    for (let i = 0; i < 200; i++) {
      objects.push(object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(i) } }));
      for (let r = 0; r < 10; r++) {
        const writes = r === 0;
        objects.push(object({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `role-${r}`, namespace: ns(i) }, rules: [{ apiGroups: [writes ? 'networking.istio.io' : ''], resources: [writes ? 'serviceentries' : 'configmaps'], verbs: ['create'] }] }));
        objects.push(object({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `binding-${r}`, namespace: ns(i) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role-${r}` }, subjects: [{ kind: 'Group', name: `${ns(i)}-team` }] }));
      }
    }
    // A binding naming a Role of another namespace grants nothing.
    objects.push(object({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'cross', namespace: ns(1) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role-missing' }, subjects: [{ kind: 'Group', name: 'x' }] }));
    const snapshot = buildSnapshot({ cluster: { name: 'unit' }, source: 'manifests', objects });
    const counter = countReads(snapshot, 'Role');
    const results = rbacServiceEntryWriteBroad.evaluate(createRuleContext(snapshot, defaultConfig()));

    expect(results).toHaveLength(200);
    expect(results.every((result) => result.evidence.role === `Role ${result.namespace}/role-0`)).toBe(true);
    // One pass to index 2,000 Roles; a search per binding would read ~2,000,000 times.
    expect(counter.reads()).toBeLessThanOrEqual(2 * 2_000);
  });
});

describe('destinationrule-tls-disabled over many external hosts', () => {
  /** The definition the index replaces: some MESH_INTERNAL host overlaps `host`. */
  function overlapsByScan(entries: string[], host: string): boolean {
    return entries.some((candidate) => hostsOverlap(candidate, host));
  }

  const serviceEntry = (hosts: string[], location = 'MESH_INTERNAL') =>
    object({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'e', namespace: 'a' }, spec: { hosts, location } });

  it('MeshInternalHosts.overlaps equals the scan over every MESH_INTERNAL host (property)', () => {
    const host = fc.constantFrom('*', 'api.example.com', 'x.api.example.com', '*.example.com', '*.api.example.com', 'example.com', '*foo.com', 'barfoo.com', 'vm.internal', '*.internal', 'API.example.com', '.example.com');
    fc.assert(
      fc.property(fc.array(fc.array(host, { maxLength: 3 }), { maxLength: 4 }), fc.array(fc.boolean(), { maxLength: 4 }), host, (entryHosts, external, query) => {
        const entries = entryHosts.map((hosts, i) => serviceEntry(hosts, external[i] ? 'MESH_EXTERNAL' : 'MESH_INTERNAL'));
        const internalHosts = entryHosts.filter((_, i) => !external[i]).flat();
        expect(new MeshInternalHosts(entries).overlaps(query)).toBe(overlapsByScan(internalHosts, query));
      }),
      { numRuns: 500 },
    );
  });

  it('reads each ServiceEntry a bounded number of times, however many DestinationRules disable TLS', () => {
    const objects: K8sObject[] = [object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } })];
    for (let i = 0; i < 1_000; i++) {
      objects.push(object({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: `se-${i}`, namespace: 'a' }, spec: { hosts: [`vm-${i}.internal`], location: i % 2 ? 'MESH_INTERNAL' : 'MESH_EXTERNAL' } }));
      objects.push(object({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: `dr-${i}`, namespace: 'a' }, spec: { host: `vm-${i}.internal`, trafficPolicy: { tls: { mode: 'DISABLE' } } } }));
    }
    const snapshot = buildSnapshot({ cluster: { name: 'unit' }, source: 'manifests', objects });
    const counter = countReads(snapshot, 'ServiceEntry');
    const results = destinationRuleTlsDisabled.evaluate(createRuleContext(snapshot, defaultConfig()));

    expect(results).toHaveLength(500); // the MESH_INTERNAL ones
    expect(counter.reads()).toBeLessThanOrEqual(2 * 1_000);
  });
});
