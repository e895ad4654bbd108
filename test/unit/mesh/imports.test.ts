import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { describe as describeObject } from '../../../src/mesh/accessors.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { namespaces, obj, snapshot } from './fixtures.js';

function model(objects: K8sObject[], meshConfig = {}, shared: string[] = []) {
  return buildMeshModel(snapshot(objects, meshConfig), defaultConfig({ sharedNamespaces: shared }));
}
const se = (ns: string, name: string, hosts: string[], exportTo?: string[]) => obj('ServiceEntry', ns, name, { hosts, ...(exportTo ? { exportTo } : {}) });
const rootSidecar = (hosts: string[]) => obj('Sidecar', 'istio-system', 'default', { egress: [{ hosts }] });

describe('import graph', () => {
  it('without scoping, every public foreign object is imported', () => {
    const m = model([...namespaces('tenant-a', 'tenant-b', 'tenant-c'), se('tenant-b', 'b', ['b.example.com']), se('tenant-c', 'c', ['c.example.com'], ['tenant-a'])]);
    const imports = m.importGraph().importsOf('tenant-a');
    expect(imports.owners).toEqual(['tenant-b', 'tenant-c']);
    expect(imports.scopes[0]!.listObjects().map((c) => describeObject(c.object))).toEqual(['ServiceEntry tenant-b/b', 'ServiceEntry tenant-c/c']);
    expect(m.importGraph().importsOf('tenant-b').owners).toEqual([]); // c is exported to tenant-a only
  });

  it('a "./*" root Sidecar neutralises a foreign exportTo ["*"]', () => {
    const m = model([...namespaces('tenant-a', 'tenant-b'), rootSidecar(['./*', 'istio-system/*']), se('tenant-b', 'b', ['b.example.com'], ['*'])]);
    expect(m.importGraph().importsOf('tenant-a').owners).toEqual([]);
  });

  it('egress hosts select owners and hosts', () => {
    const m = model([
      ...namespaces('tenant-a', 'tenant-b', 'tenant-c'),
      obj('Sidecar', 'tenant-a', 'default', { egress: [{ hosts: ['./*', 'tenant-b/api.example.com'] }] }),
      se('tenant-b', 'api', ['api.example.com']),
      se('tenant-b', 'other', ['other.example.com']),
      se('tenant-c', 'api', ['api.example.com']),
    ]);
    const imports = m.importGraph().importsOf('tenant-a');
    expect(imports.owners).toEqual(['tenant-b']);
    expect(imports.scopes[0]!.objectCount).toBe(1);
  });

  it('workload-selected Sidecars are scopes of their own', () => {
    const m = model([
      ...namespaces('tenant-a', 'tenant-b'),
      obj('Sidecar', 'tenant-a', 'default', { egress: [{ hosts: ['./*'] }] }),
      obj('Sidecar', 'tenant-a', 'legacy', { workloadSelector: { labels: { app: 'legacy' } } }),
      se('tenant-b', 'b', ['b.example.com']),
    ]);
    const imports = m.importGraph().importsOf('tenant-a');
    expect(imports.scopes.map((s) => s.owners)).toEqual([[], ['tenant-b']]);
    expect(imports.owners).toEqual(['tenant-b']);
  });

  it('ignores system owners and shared objects with explicit exportTo, counts shared ones without', () => {
    const m = model(
      [...namespaces('tenant-a', 'shared-ext', 'kube-system'), se('kube-system', 'k', ['k.example.com']), se('shared-ext', 'explicit', ['x.example.com'], ['*']), se('shared-ext', 'implicit', ['y.example.com'])],
      {},
      ['shared-ext'],
    );
    const imports = m.importGraph().importsOf('tenant-a');
    expect(imports.owners).toEqual(['shared-ext']);
    expect(imports.scopes[0]!.listObjects().map((c) => c.object.metadata.name)).toEqual(['implicit']);
  });

  it('restrictive mesh defaults keep objects without exportTo at home', () => {
    const m = model([...namespaces('tenant-a', 'tenant-b'), se('tenant-b', 'b', ['b.example.com']), obj('VirtualService', 'tenant-b', 'vs', { hosts: ['b.example.com'] })], {
      defaultServiceExportTo: ['.'],
      defaultVirtualServiceExportTo: ['.'],
      defaultDestinationRuleExportTo: ['.'],
    });
    expect(m.importGraph().importsOf('tenant-a').owners).toEqual([]);
  });

  it('gateway-only VirtualServices are not imported by sidecars', () => {
    const m = model([...namespaces('tenant-a', 'tenant-b'), obj('VirtualService', 'tenant-b', 'gw', { hosts: ['b.example.com'], gateways: ['istio-ingress/gw'] })]);
    expect(m.importGraph().importsOf('tenant-a').owners).toEqual([]);
  });

  it('shares the public part between namespaces using the same scope', () => {
    const objects = [...namespaces('t1', 't2', 't3'), se('t1', 'a', ['a.example.com']), se('t2', 'b', ['b.example.com']), se('t3', 'c', ['c.example.com'])];
    const graph = model(objects).importGraph();
    expect(graph.importsOf('t1').owners).toEqual(['t2', 't3']);
    expect(graph.importsOf('t2').owners).toEqual(['t1', 't3']);
    expect(graph.importsOf('t3').scopes[0]!.objectCount).toBe(2);
  });
});
