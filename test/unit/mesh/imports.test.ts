import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import { describe as describeObject } from '../../../src/mesh/accessors.js';
import { OwnerList, scopeImports } from '../../../src/mesh/imports.js';
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

  it('the owner list shares storage but reads like a sorted array', () => {
    const objects = [...namespaces('t1', 't2', 't3'), se('t1', 'a', ['a.example.com']), se('t2', 'b', ['b.example.com']), se('t3', 'c', ['c.example.com'], ['t2'])];
    const owners = model(objects).importGraph().importsOf('t2').ownerList;
    expect(owners.size).toBe(2);
    expect([...owners]).toEqual(['t1', 't3']);
    expect(owners.first(1)).toEqual(['t1']);
    expect(owners.has('t2')).toBe(false);
    expect(owners.has('t3')).toBe(true);
  });
});

/**
 * A namespace's owners are the union of its scopes' lists (issue 19): built on the storage of the
 * largest shared part, not copied, since a namespace without a Sidecar of its own but with
 * workload-selector Sidecars imports from nearly every other namespace.
 */
describe('owner list union', () => {
  const owner = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x');
  const sortedSet = (items: string[]) => [...new Set(items)].sort();

  it('equals the union of the lists, sharing the largest part (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(owner, { maxLength: 5 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ part: fc.nat(3), extra: fc.array(owner, { maxLength: 3 }), hidden: fc.array(owner, { maxLength: 3 }) }), { minLength: 1, maxLength: 4 }),
        (partItems, specs) => {
          // Part 0 holds every owner (as the `*` + `/` + `*` part does), the others are subsets or not.
          const universe = Object.freeze(sortedSet(['a', 'b', 'c', 'd', 'e', 'f', 'x']));
          const parts = [universe, ...partItems.map((items) => Object.freeze(sortedSet(items)))];
          const lists = specs.map(({ part, extra, hidden }) => {
            const shared = parts[part % parts.length]!;
            return new OwnerList(shared, 'x', sortedSet(extra.filter((name) => name !== 'x' && !shared.includes(name))), hidden);
          });
          const union = OwnerList.union(lists, (base) => base === universe);
          const expected = sortedSet(lists.flatMap((list) => list.toArray()));
          expect(union.toArray()).toEqual(expected);
          expect(union.size).toBe(expected.length);
          expect(union.first(2)).toEqual(expected.slice(0, 2));
          expect(union.jsonBytes()).toBe(Buffer.byteLength(JSON.stringify(expected)));
          const glob = (name: string) => name === 'b' || name === 'x' || name === 'e';
          expect(union.some(glob)).toBe(expected.some(glob));
          for (const list of lists) {
            expect(list.jsonBytes()).toBe(Buffer.byteLength(JSON.stringify(list.toArray())));
            expect(list.some(glob)).toBe(list.toArray().some(glob));
          }
          for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'x', 'y']) expect(union.has(name)).toBe(expected.includes(name));
          const largest = lists.reduce((best, list) => ((list.parts()?.shared.length ?? -1) > (best.parts()?.shared.length ?? -1) ? list : best));
          const unionParts = union.parts();
          if (unionParts && lists.every((list) => list.parts())) expect(unionParts.shared).toBe(largest.parts()!.shared);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a namespace without a Sidecar of its own keeps its default scope's shared owners (guard)", () => {
    const names = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const objects = [
      ...namespaces(...names),
      ...names.map((name) => se(name, 'api', [`${name}.example.com`])),
      obj('Sidecar', 't00', 'payments', { workloadSelector: { labels: { app: 'payments' } }, egress: [{ hosts: ['./*', 't01/*'] }] }),
      obj('Sidecar', 't00', 'batch', { workloadSelector: { labels: { app: 'batch' } }, egress: [{ hosts: ['./*', '*/t02.example.com'] }] }),
    ];
    const imports = model(objects).importGraph().importsOf('t00');
    expect(imports.scopes.map((scope) => scope.scope.kind)).toEqual(['default', 'workload', 'workload']);
    expect(imports.ownerList.toArray()).toEqual(names.slice(1));
    // The namespace's list is stored as its default scope's: no copy of the 39 owners.
    expect(imports.ownerList.parts()!.shared).toBe(imports.scopes[0]!.ownerList.parts()!.shared);
  });
});

/**
 * DestinationRules reach a proxy only through the services it imports, looked up in the proxy's
 * namespace, then the service's namespace, then the root namespace (Istio
 * push_context.go destinationRule). A rule living anywhere else never applies.
 */
describe('import graph: DestinationRules follow the services they configure', () => {
  const service = (ns: string, name: string, annotations?: Record<string, string>) => obj('Service', ns, name, {}, { annotations });
  const dr = (ns: string, name: string, host: string, exportTo?: string[]) => obj('DestinationRule', ns, name, { host, ...(exportTo ? { exportTo } : {}) });
  const tenants = namespaces('tenant-a', 'tenant-b', 'tenant-c', 'tenant-d');
  const drOwners = (objects: K8sObject[], namespace: string) => model([...tenants, ...objects]).importGraph().importsOf(namespace).owners;

  it.each<[string, K8sObject[], string, string[]]>([
    ['a rule in a third namespace never reaches other clients', [service('tenant-b', 'payments'), dr('tenant-a', 'plaintext', 'payments.tenant-b.svc.cluster.local')], 'tenant-c', []],
    ["nor the service's own namespace", [service('tenant-b', 'payments'), dr('tenant-a', 'plaintext', 'payments.tenant-b.svc.cluster.local', ['*'])], 'tenant-b', []],
    ["the service owner's exported rule reaches every client", [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments')], 'tenant-c', ['tenant-b']],
    ['a rule exported by name reaches that namespace', [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments', ['tenant-c'])], 'tenant-c', ['tenant-b']],
    ['... and no other', [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments', ['tenant-c'])], 'tenant-d', []],
    ['a rule for a Service hidden by its exportTo annotation reaches nobody', [service('tenant-b', 'payments', { 'networking.istio.io/exportTo': '.' }), dr('tenant-b', 'payments', 'payments')], 'tenant-c', []],
    ['a Service exported by name carries its rule there', [service('tenant-b', 'payments', { 'networking.istio.io/exportTo': 'tenant-c' }), dr('tenant-b', 'payments', 'payments')], 'tenant-c', ['tenant-b']],
    ['a wildcard rule attaches to a ServiceEntry of its namespace', [se('tenant-b', 'api', ['api.example.com']), dr('tenant-b', 'all', '*.example.com')], 'tenant-c', ['tenant-b']],
    ['a rule whose host no service of its namespace declares applies nowhere else', [se('tenant-a', 'api', ['api.example.com'], ['.']), dr('tenant-b', 'api', 'api.example.com')], 'tenant-c', []],
  ])('%s', (_name, objects, namespace, expected) => {
    expect(drOwners(objects, namespace)).toEqual(expected);
  });

  // PushContext.destinationRule stops at the first place with a match (destination-rules.ts).
  const drObjects = (objects: K8sObject[], namespace: string) =>
    model([...tenants, ...objects])
      .importGraph()
      .importsOf(namespace)
      .scopes.flatMap((scope) => scope.listObjects())
      .map((config) => describeObject(config.object));
  it.each<[string, K8sObject[], string, string[]]>([
    ["the client's own rule for the host hides the service owner's", [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments'), dr('tenant-c', 'mine', 'payments.tenant-b.svc.cluster.local', ['.'])], 'tenant-c', []],
    ["the client's own wildcard rule hides it too", [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments'), dr('tenant-c', 'mine', '*.cluster.local', ['.'])], 'tenant-c', []],
    ["a workload-selected rule of the client's namespace hides it for the whole namespace", [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments'), obj('DestinationRule', 'tenant-c', 'mine', { host: 'payments.tenant-b.svc.cluster.local', workloadSelector: { matchLabels: { app: 'x' } } })], 'tenant-c', []],
    ["the client's rule for another host hides nothing", [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments'), dr('tenant-c', 'mine', 'other.tenant-b.svc.cluster.local', ['.'])], 'tenant-c', ['DestinationRule tenant-b/payments']],
    ["a client rule exported only elsewhere is not the client's own", [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments'), dr('tenant-c', 'mine', 'payments.tenant-b.svc.cluster.local', ['tenant-d'])], 'tenant-c', ['DestinationRule tenant-b/payments']],
    ['only the most specific of the owner\'s rules: exact beats wildcard', [service('tenant-b', 'payments'), dr('tenant-b', 'exact', 'payments'), dr('tenant-b', 'wide', '*.tenant-b.svc.cluster.local')], 'tenant-c', ['DestinationRule tenant-b/exact']],
    ['the wildcard still configures the services the exact rule does not name', [service('tenant-b', 'payments'), service('tenant-b', 'orders'), dr('tenant-b', 'exact', 'payments'), dr('tenant-b', 'wide', '*.tenant-b.svc.cluster.local')], 'tenant-c', ['DestinationRule tenant-b/exact', 'DestinationRule tenant-b/wide']],
    ['a most specific rule not exported to the client hides the less specific ones (the lookup falls through to root)', [service('tenant-b', 'payments'), dr('tenant-b', 'exact', 'payments', ['.', 'tenant-d']), dr('tenant-b', 'wide', '*.tenant-b.svc.cluster.local')], 'tenant-c', []],
    ['... while the namespace it is exported to gets it', [service('tenant-b', 'payments'), dr('tenant-b', 'exact', 'payments', ['.', 'tenant-d']), dr('tenant-b', 'wide', '*.tenant-b.svc.cluster.local')], 'tenant-d', ['DestinationRule tenant-b/exact']],
    ['several rules of the owner for the same host are all used (merged)', [service('tenant-b', 'payments'), dr('tenant-b', 'one', 'payments'), dr('tenant-b', 'two', 'payments.tenant-b.svc.cluster.local')], 'tenant-c', ['DestinationRule tenant-b/one', 'DestinationRule tenant-b/two']],
  ])('%s', (_name, objects, namespace, expected) => {
    expect(drObjects(objects, namespace).sort()).toEqual(expected);
  });

  it('the hiding is per namespace: a client without a rule of its own still imports the owner\'s', () => {
    const objects = [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments'), dr('tenant-c', 'mine', '*.local', ['.'])];
    const graph = model([...tenants, ...objects]).importGraph();
    expect(graph.importsOf('tenant-c').owners).toEqual([]);
    expect(graph.importsOf('tenant-c').scopes[0]!.objectCount).toBe(0);
    expect(graph.importsOf('tenant-a').owners).toEqual(['tenant-b']);
    expect(graph.importsOf('tenant-d').scopes[0]!.objectCount).toBe(1);
  });

  it('an owner stays listed when only some of its imported objects are hidden', () => {
    const objects = [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments'), se('tenant-b', 'api', ['api.example.com']), dr('tenant-c', 'mine', 'payments.tenant-b.svc.cluster.local', ['.'])];
    const imports = model([...tenants, ...objects]).importGraph().importsOf('tenant-c');
    expect(imports.owners).toEqual(['tenant-b']);
    expect(imports.scopes[0]!.listObjects().map((config) => describeObject(config.object))).toEqual(['ServiceEntry tenant-b/api']);
    expect(imports.scopes[0]!.objectCount).toBe(1);
  });

  /**
   * sidecar.go selectServices keeps one definition per hostname (precedence.ts); the rules are
   * then looked up in that definition's namespace (PushContext.destinationRule step 2).
   */
  describe('a hostname several namespaces define: only the chosen definition brings its rules', () => {
    const apiSe = (ns: string, created: string) => obj('ServiceEntry', ns, 'api', { hosts: ['api.example.com'] }, { created });
    const apiRule = dr('tenant-b', 'api', 'api.example.com');

    it("a namespace defining the host itself uses its own definition, not the other's rules", () => {
      const objects = [apiSe('tenant-b', '2020-01-01T00:00:00Z'), apiSe('tenant-c', '2021-01-01T00:00:00Z'), apiRule];
      expect(drObjects(objects, 'tenant-c')).toEqual(['ServiceEntry tenant-b/api']);
    });

    it('elsewhere the older definition wins, and with it its rules', () => {
      expect(drObjects([apiSe('tenant-b', '2020-01-01T00:00:00Z'), apiSe('tenant-c', '2021-01-01T00:00:00Z'), apiRule], 'tenant-a').sort()).toEqual(['DestinationRule tenant-b/api', 'ServiceEntry tenant-b/api', 'ServiceEntry tenant-c/api']);
      expect(drObjects([apiSe('tenant-b', '2021-01-01T00:00:00Z'), apiSe('tenant-c', '2020-01-01T00:00:00Z'), apiRule], 'tenant-a').sort()).toEqual(['ServiceEntry tenant-b/api', 'ServiceEntry tenant-c/api']);
    });

    it("a Kubernetes Service beats a ServiceEntry of its host (1.24+): the entry's namespace's rules do not apply", () => {
      const objects = [service('tenant-c', 'payments'), se('tenant-b', 'shadow', ['payments.tenant-c.svc.cluster.local']), dr('tenant-b', 'shadow', 'payments.tenant-c.svc.cluster.local')];
      expect(drObjects(objects, 'tenant-a')).toEqual(['ServiceEntry tenant-b/shadow']);
      // The public importer index agrees.
      const m = model([...tenants, ...objects]);
      const rule = m.configObjects().find((config) => config.kind === 'DestinationRule')!;
      expect(m.publicImporters().allImportersOf(rule)).toEqual([]);
    });
  });

  it("is imported when the client's Sidecar imports the service, not the rule's host", () => {
    const objects = [service('tenant-b', 'payments'), dr('tenant-b', 'payments', 'payments')];
    const sidecar = (hosts: string[]) => obj('Sidecar', 'tenant-c', 'default', { egress: [{ hosts }] });
    expect(drOwners([...objects, sidecar(['./*', 'tenant-b/payments.tenant-b.svc.cluster.local'])], 'tenant-c')).toEqual(['tenant-b']);
    expect(drOwners([...objects, sidecar(['./*', '*/payments.tenant-b.svc.cluster.local'])], 'tenant-c')).toEqual(['tenant-b']);
    expect(drOwners([...objects, sidecar(['./*', 'tenant-b/other.example.com'])], 'tenant-c')).toEqual([]);
  });
});

/**
 * PublicImporterIndex answers "who imports this public object" from groups of `*` egress
 * hosts and the namespaces naming the owner (issue 19). It must equal the per-namespace
 * definition: some scope of N, N not the owner, imports the object.
 */
describe('public importer index', () => {
  const names = ['t1', 't2', 't3', 't4', 'istio-system'];
  const egressHost = fc.constantFrom('./*', '*/*', 'istio-system/*', 't1/*', 't2/a.example.com', '*/*.example.com', '*/b.example.com', '~/*', 't3/*');
  const host = fc.constantFrom('a.example.com', 'b.example.com', '*.example.com', 'c.other.io');

  it('equals the per-namespace definition on random Sidecars and public objects (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ namespace: fc.constantFrom(...names), selector: fc.boolean(), hosts: fc.option(fc.array(egressHost, { maxLength: 3 })) }), { maxLength: 6 }),
        fc.array(fc.record({ namespace: fc.constantFrom('t1', 't2', 't3', 't4'), hosts: fc.array(host, { minLength: 1, maxLength: 2 }), kind: fc.constantFrom('ServiceEntry', 'VirtualService') }), { minLength: 1, maxLength: 4 }),
        (sidecars, publics) => {
          const objects = [
            ...namespaces(...names),
            ...sidecars.map((sidecar, i) =>
              obj('Sidecar', sidecar.namespace, `s${i}`, { ...(sidecar.selector ? { workloadSelector: { labels: { app: `s${i}` } } } : {}), ...(sidecar.hosts ? { egress: [{ hosts: sidecar.hosts }] } : {}) }),
            ),
            ...publics.map((object, i) => obj(object.kind, object.namespace, `p${i}`, { hosts: object.hosts, exportTo: ['*'] })),
          ];
          const m = model(objects);
          const index = m.publicImporters();
          for (const config of m.configObjects().filter((c) => c.kind !== 'Service')) {
            const expected = m.tenantNamespaces().filter((namespace) => namespace !== config.namespace && m.sidecars().scopesOf(namespace).some((scope) => scopeImports(scope, config)));
            expect(index.allImportersOf(config)).toEqual(expected);
            expect(index.importersOf(config, 2)).toEqual({ count: expected.length, sample: expected.slice(0, 2) });
            // The import graph seen from the importing side agrees.
            for (const namespace of m.tenantNamespaces()) {
              if (namespace === config.namespace) continue;
              const imported = m.importGraph().importsOf(namespace).scopes.some((scope) => scope.listObjects().includes(config));
              expect(imported).toBe(expected.includes(namespace));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("agrees with the import graph on public DestinationRules hidden by the importers' own rules (property)", () => {
    const ruleHost = fc.constantFrom('svc', '*.t1.svc.cluster.local', 'svc.t1.svc.cluster.local', 'svc.t2.svc.cluster.local', '*.cluster.local', '*.local', 'a.example.com', '*.example.com');
    const sidecarHosts = fc.option(fc.constantFrom(['./*'], ['*/*'], ['./*', 't1/*'], ['./*', '*/svc.t1.svc.cluster.local'], ['./*', 't2/*.example.com']));
    fc.assert(
      fc.property(
        fc.array(fc.record({ namespace: fc.constantFrom('t1', 't2', 't3', 't4'), host: ruleHost, exportTo: fc.constantFrom(['*'], ['.'], ['t3'], ['.', 't4']) }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ namespace: fc.constantFrom('t1', 't2', 't3', 't4'), hosts: sidecarHosts }), { maxLength: 3 }),
        (rules, sidecars) => {
          const objects = [
            ...namespaces(...names),
            obj('Service', 't1', 'svc'),
            obj('Service', 't2', 'svc'),
            se('t2', 'api', ['a.example.com', 'b.example.com']),
            // a.example.com is defined twice: each importer uses one definition, and only its namespace's rules.
            obj('ServiceEntry', 't3', 'api', { hosts: ['a.example.com'] }, { created: '2020-01-01T00:00:00Z' }),
            ...sidecars.map((sidecar, i) => obj('Sidecar', sidecar.namespace, `s${i}`, sidecar.hosts ? { egress: [{ hosts: sidecar.hosts }] } : {})),
            ...rules.map((rule, i) => obj('DestinationRule', rule.namespace, `r${i}`, { host: rule.host, exportTo: rule.exportTo })),
          ];
          const m = model(objects);
          const index = m.publicImporters();
          for (const config of m.configObjects().filter((c) => c.kind === 'DestinationRule' && c.exportTo.scope.all)) {
            const fromGraph = m.tenantNamespaces().filter((namespace) => namespace !== config.namespace && m.importGraph().importsOf(namespace).scopes.some((scope) => scope.listPublicObjects().includes(config)));
            expect(index.allImportersOf(config)).toEqual(fromGraph);
            expect(index.importersOf(config, 2)).toEqual({ count: fromGraph.length, sample: fromGraph.slice(0, 2) });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
