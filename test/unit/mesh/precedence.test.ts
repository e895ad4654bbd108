import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import { chooseServiceDefinition, chooseVirtualService } from '../../../src/mesh/precedence.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { obj, snapshot, version } from './fixtures.js';

function configs(objects: K8sObject[]) {
  const m = buildMeshModel(snapshot(objects), defaultConfig());
  return objects.map((o) => m.configOf(o)!);
}
const se = (ns: string, name: string, created: string, exportTo?: string[]) =>
  obj('ServiceEntry', ns, name, { hosts: ['payments.tenant-b.svc.cluster.local'], ...(exportTo ? { exportTo } : {}) }, { created });
const svc = obj('Service', 'tenant-b', 'payments', {}, { created: '2024-06-01T00:00:00Z' });
const SIDECAR = { sidecarDeclared: true };
const NO_SIDECAR = { sidecarDeclared: false };

describe('host precedence', () => {
  it('the proxy namespace wins', () => {
    const [own, other] = configs([se('tenant-a', 'own', '2024-05-01T00:00:00Z'), se('tenant-c', 'other', '2020-01-01T00:00:00Z')]);
    expect(chooseServiceDefinition('tenant-a', [own!, other!], version('1.24'), NO_SIDECAR)).toMatchObject({ winner: own, decidedBy: 'own-namespace' });
  });
  it('from 1.24 a Kubernetes Service beats a ServiceEntry; before 1.24 only without a Sidecar (istio/istio#51776)', () => {
    const [entry, service] = configs([se('tenant-c', 'evil', '2020-01-01T00:00:00Z'), svc]);
    expect(chooseServiceDefinition('tenant-a', [entry!, service!], version('1.24'), SIDECAR)).toMatchObject({ winner: service, decidedBy: 'kubernetes-service' });
    expect(chooseServiceDefinition('tenant-a', [entry!, service!], version('1.24'), NO_SIDECAR)).toMatchObject({ winner: service, decidedBy: 'kubernetes-service' });
    // 1.23 without Sidecar: DefaultSidecarScopeForNamespace lets a Kubernetes Service replace a ServiceEntry.
    expect(chooseServiceDefinition('tenant-a', [entry!, service!], version('1.23'), NO_SIDECAR)).toMatchObject({ winner: service, decidedBy: 'kubernetes-service' });
    // 1.23 with a Sidecar: selectServices has no Kubernetes preference; both are public, the older wins.
    expect(chooseServiceDefinition('tenant-a', [entry!, service!], version('1.23'), SIDECAR)).toMatchObject({ winner: entry, decidedBy: 'age' });
  });
  it("before 1.24 without a Sidecar the proxy's own public definition competes by age", () => {
    const [ownPublic, olderForeign] = configs([se('tenant-a', 'own', '2024-05-01T00:00:00Z', ['*']), se('tenant-c', 'other', '2020-01-01T00:00:00Z')]);
    expect(chooseServiceDefinition('tenant-a', [ownPublic!, olderForeign!], version('1.23'), NO_SIDECAR)).toMatchObject({ winner: olderForeign, decidedBy: 'age' });
    expect(chooseServiceDefinition('tenant-a', [ownPublic!, olderForeign!], version('1.23'), SIDECAR)).toMatchObject({ winner: ownPublic, decidedBy: 'own-namespace' });
    expect(chooseServiceDefinition('tenant-a', [ownPublic!, olderForeign!], version('1.24'), NO_SIDECAR)).toMatchObject({ winner: ownPublic, decidedBy: 'own-namespace' });
    // A private own definition comes first in servicesExportedToNamespace, so it wins in every version.
    const [ownPrivate, older] = configs([se('tenant-a', 'own', '2024-05-01T00:00:00Z', ['.']), se('tenant-c', 'other', '2020-01-01T00:00:00Z')]);
    expect(chooseServiceDefinition('tenant-a', [ownPrivate!, older!], version('1.23'), NO_SIDECAR)).toMatchObject({ winner: ownPrivate, decidedBy: 'own-namespace' });
  });
  it('"*" anywhere in exportTo makes a definition public, even for a namespace it names', () => {
    const [olderPublic, namedAndPublic] = configs([se('tenant-c', 'older', '2020-01-01T00:00:00Z'), se('tenant-d', 'newer', '2024-01-01T00:00:00Z', ['tenant-a', '*'])]);
    expect(chooseServiceDefinition('tenant-a', [olderPublic!, namedAndPublic!], version('1.30'), SIDECAR)).toMatchObject({ winner: olderPublic, decidedBy: 'age' });
  });
  it('named exports come before public ones', () => {
    const [pub, named] = configs([se('tenant-c', 'public', '2020-01-01T00:00:00Z'), se('tenant-d', 'named', '2024-01-01T00:00:00Z', ['tenant-a'])]);
    expect(chooseVirtualService('tenant-a', [pub!, named!])).toMatchObject({ winner: named, decidedBy: 'export-group' });
  });
  it('within a group the oldest wins: a hijack window', () => {
    const [newer, older] = configs([se('tenant-c', 'newer', '2024-01-01T00:00:00Z'), se('tenant-d', 'older', '2023-01-01T00:00:00Z')]);
    const choice = chooseServiceDefinition('tenant-a', [newer!, older!], version('1.30'), SIDECAR);
    expect(choice?.winner).toBe(older);
    expect(choice?.decidedBy).toBe('age');
    expect(choice?.tiedByAge.map((c) => c.object.metadata.name)).toEqual(['older', 'newer']);
  });
  it('orders by name when timestamps are missing', () => {
    const [b, a] = configs([obj('ServiceEntry', 'tenant-c', 'b', { hosts: ['x'] }), obj('ServiceEntry', 'tenant-d', 'a', { hosts: ['x'] })]);
    expect(chooseVirtualService('tenant-a', [b!, a!])?.winner).toBe(a);
  });
});

describe('VirtualService precedence on sidecars (virtualservice.go SelectVirtualServices)', () => {
  const vs = (ns: string, name: string, created: string | undefined, exportTo?: string[]) =>
    obj('VirtualService', ns, name, { hosts: ['api.example.com'], ...(exportTo ? { exportTo } : {}) }, created ? { created } : {});
  it('an own public VirtualService has no preference over an older public one of another namespace', () => {
    const [theirs, mine] = configs([vs('bar', 'theirs', '2024-01-01T00:00:00Z'), vs('foo', 'mine', '2025-01-01T00:00:00Z')]);
    const choice = chooseVirtualService('foo', [mine!, theirs!]);
    expect(choice).toMatchObject({ winner: theirs, decidedBy: 'age' });
    expect(choice?.tiedByAge.map((c) => c.object.metadata.name)).toEqual(['theirs', 'mine']);
  });
  it('a VirtualService exported by name comes before every public one, own included, whatever the age', () => {
    const [theirs, mine] = configs([vs('bar', 'theirs', undefined, ['foo']), vs('foo', 'mine', undefined)]);
    expect(chooseVirtualService('foo', [mine!, theirs!])).toMatchObject({ winner: theirs, decidedBy: 'export-group' });
  });
  it('a VirtualService private to the proxy namespace comes first ("." or its own name)', () => {
    for (const exportTo of [['.'], ['foo'], ['.', 'baz']]) {
      const [theirs, mine] = configs([vs('bar', 'theirs', '2020-01-01T00:00:00Z', ['foo']), vs('foo', 'mine', '2025-01-01T00:00:00Z', exportTo)]);
      expect(chooseVirtualService('foo', [theirs!, mine!])).toMatchObject({ winner: mine, decidedBy: 'own-namespace' });
    }
  });
  it('"*" makes an own VirtualService public even when it also names its namespace', () => {
    const [theirs, mine] = configs([vs('bar', 'theirs', '2020-01-01T00:00:00Z'), vs('foo', 'mine', '2025-01-01T00:00:00Z', ['.', '*'])]);
    expect(chooseVirtualService('foo', [theirs!, mine!])).toMatchObject({ winner: theirs, decidedBy: 'age' });
  });
  it('breaks equal timestamps by name, then namespace, byte by byte like Go', () => {
    const [dash, plain] = configs([vs('b', 'a-b', '2024-01-01T00:00:00Z'), vs('a', 'ab', '2024-01-01T00:00:00Z')]);
    // '-' (0x2d) sorts before 'b' (0x62); a locale comparison ignores the dash and says otherwise.
    expect(chooseVirtualService('c', [plain!, dash!])?.winner).toBe(dash);
  });
});
