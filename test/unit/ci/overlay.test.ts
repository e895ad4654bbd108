/** A change applied on top of a base cluster: replace and add by identity, delete by file or reference, keep time right. */
import { describe, expect, it } from '@jest/globals';
import { normalizeObject } from '../../../src/snapshot/build.js';
import { assembleSnapshot } from '../../../src/snapshot/assemble.js';
import { objectIdentity, overlaySnapshot, parseObjectReference } from '../../../src/snapshot/overlay.js';
import type { K8sObject } from '../../../src/snapshot/types.js';

function object(raw: Record<string, unknown>): K8sObject {
  const result = normalizeObject(raw);
  if (!('object' in result)) throw new Error('not an object');
  return result.object;
}

const se = (namespace: string, name: string, extra: Record<string, unknown> = {}, apiVersion = 'networking.istio.io/v1') =>
  object({ apiVersion, kind: 'ServiceEntry', metadata: { name, namespace, ...extra }, spec: { hosts: [`${name}.example.com`] } });

const base = assembleSnapshot({
  cluster: { name: 'prod' },
  source: 'live',
  objects: [se('team-a', 'one', { creationTimestamp: '2024-01-01T00:00:00Z', uid: 'u1' }), se('team-a', 'two'), se('team-b', 'three'), object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } })],
  coverage: { ServiceEntry: { status: 'read' }, Namespace: { status: 'read' }, Sidecar: { status: 'forbidden', error: '403' } },
});

const names = (snapshot: typeof base) => snapshot.objects.ServiceEntry.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();

describe('objectIdentity', () => {
  it('is group, kind, namespace and name, not the version', () => {
    expect(objectIdentity(se('a', 'x'))).toBe(objectIdentity(se('a', 'x', {}, 'networking.istio.io/v1beta1')));
    expect(objectIdentity(se('a', 'x'))).not.toBe(objectIdentity(se('b', 'x')));
  });
});

describe('overlaySnapshot', () => {
  const appliedAt = new Date('2026-05-05T00:00:00Z');

  it('replaces changed objects (keeping creationTimestamp and uid), adds new ones (stamped now), keeps the rest', () => {
    const changed = se('team-a', 'one', {}, 'networking.istio.io/v1beta1');
    changed.spec = { hosts: ['changed.example.com'] };
    const result = overlaySnapshot(base, { objects: [changed, se('team-a', 'four')], problems: [], removedObjects: [], removedReferences: [], appliedAt });
    expect([result.added, result.replaced, result.removed]).toEqual([1, 1, 0]);
    expect(names(result.snapshot)).toEqual(['team-a/four', 'team-a/one', 'team-a/two', 'team-b/three']);
    const one = result.snapshot.objects.ServiceEntry.find((o) => o.metadata.name === 'one')!;
    expect(one.spec.hosts).toEqual(['changed.example.com']);
    expect(one.metadata).toMatchObject({ creationTimestamp: '2024-01-01T00:00:00Z', uid: 'u1' });
    expect(result.snapshot.objects.ServiceEntry.find((o) => o.metadata.name === 'four')!.metadata.creationTimestamp).toBe('2026-05-05T00:00:00.000Z');
    expect(names(base)).toEqual(['team-a/one', 'team-a/two', 'team-b/three']);
  });

  it('deletes the objects of removed files and named references, and reports removals that match nothing', () => {
    const result = overlaySnapshot(base, { objects: [], problems: [], removedObjects: [se('team-a', 'two'), se('team-a', 'ghost')], removedReferences: [parseObjectReference('ServiceEntry.networking.istio.io/team-b/three')!, parseObjectReference('Sidecar/team-a/none')!], appliedAt });
    expect(names(result.snapshot)).toEqual(['team-a/one']);
    expect(result.removed).toBe(2);
    expect(result.notFound).toEqual(['ServiceEntry team-a/ghost', 'Sidecar/team-a/none']);
  });

  it('keeps the base coverage (an unread kind stays unread) and the base cluster identity', () => {
    const result = overlaySnapshot(base, { objects: [object({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace: 'team-a' }, spec: {} })], problems: [], removedObjects: [], removedReferences: [], appliedAt });
    expect(result.snapshot.coverage.Sidecar).toEqual({ status: 'forbidden', error: '403' });
    expect(result.snapshot.cluster).toEqual({ name: 'prod' });
  });
});

describe('parseObjectReference', () => {
  it('reads Kind[.group]/namespace/name and Kind/name for cluster-scoped kinds', () => {
    expect(parseObjectReference('ServiceEntry/team-a/stripe')).toMatchObject({ kind: 'ServiceEntry', group: undefined, namespace: 'team-a', name: 'stripe' });
    expect(parseObjectReference('ServiceEntry.networking.istio.io/team-a/stripe')).toMatchObject({ group: 'networking.istio.io' });
    expect(parseObjectReference('ClusterRoleBinding/admins')).toMatchObject({ kind: 'ClusterRoleBinding', namespace: '', name: 'admins' });
    expect(parseObjectReference('K8sRequiredExportTo/must-have')).toMatchObject({ namespace: '', name: 'must-have' });
  });

  it('refuses a namespaced kind without namespace, empty parts and odd kinds', () => {
    for (const text of ['ServiceEntry/stripe', 'ServiceEntry//x', '/a/b', 'Service Entry/a/b', 'a/b/c/d']) expect(parseObjectReference(text)).toBeUndefined();
  });
});
