/**
 * Scope shapes (src/mesh/sidecars.ts ScopeShape, answersByShape): namespaces whose Sidecar
 * scopes import the same foreign objects are asked once per shape. These tests pin the
 * equivalence with the per-namespace definition and guard against an all-pairs regression
 * by counting calls, never by timing.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import { buildMeshModel } from '../../../src/mesh/model.js';
import { createRuleContext } from '../../../src/rules/engine.js';
import { answeredNamespaces, answersByShape, scopeImportsHosts, shapeImportsHosts, SidecarIndex } from '../../../src/mesh/sidecars.js';
import { hostConflictCrossNamespaceRule } from '../../../src/rules/exposure/host-conflict-cross-namespace.js';
import { serviceEntryShadowsServiceRule } from '../../../src/rules/exposure/serviceentry-shadows-service.js';
import { virtualServiceForeignHostRule } from '../../../src/rules/exposure/virtualservice-foreign-host.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { obj, snapshot } from './fixtures.js';

const ns = (i: number) => `tenant-${String(i).padStart(3, '0')}`;

/** The three shapes most fleets have: no Sidecar, `./*` + root, and `*` + `/` + `*`. */
const SHAPE_EGRESS: Array<string[] | undefined> = [undefined, ['./*', 'istio-system/*'], ['*/*']];

function fleet(namespaceCount: number, extra: (i: number) => K8sObject[] = () => []): K8sObject[] {
  const objects: K8sObject[] = [obj('Namespace', '', 'istio-system')];
  for (let i = 0; i < namespaceCount; i++) {
    objects.push(obj('Namespace', '', ns(i)));
    const egress = SHAPE_EGRESS[i % 3];
    if (egress) objects.push(obj('Sidecar', ns(i), 'default', { egress: [{ hosts: egress }] }));
    objects.push(...extra(i));
  }
  return objects;
}

describe('groupByShape', () => {
  it('makes one group per distinct scope shape, whatever the number of namespaces', () => {
    const snap = snapshot(fleet(300));
    const index = new SidecarIndex(snap.objects.Sidecar, snap.namespaces, 'istio-system');
    const tenants = [...snap.namespaces.keys()].filter((name) => name.startsWith('tenant-'));
    const { shapes, shapeOf } = index.groupByShape(tenants);
    expect(shapes).toHaveLength(SHAPE_EGRESS.length);
    expect(shapes.map((shape) => shape.namespaces.length).sort()).toEqual([100, 100, 100]);
    expect(shapeOf.get(ns(1))!.namespaces).toContain(ns(298));
    for (const shape of shapes) expect([...shape.namespaces]).toEqual([...shape.namespaces].sort());
  });

  it('separates shapes that differ only in whether a Sidecar is declared (precedence before 1.24 depends on it)', () => {
    const snap = snapshot([obj('Namespace', '', 'a'), obj('Namespace', '', 'b'), obj('Sidecar', 'b', 'default', { egress: [{ hosts: ['*/*'] }] })]);
    const index = new SidecarIndex(snap.objects.Sidecar, snap.namespaces, 'istio-system');
    const { shapes } = index.groupByShape(['a', 'b']);
    expect(shapes.map((shape) => [shape.sidecarDeclared, shape.foreignEgress.map((egress) => egress.raw)])).toEqual([
      [false, ['*/*']],
      [true, ['*/*']],
    ]);
  });

  it('ignores `.`-relative egress hosts and merges the workload scopes into the shape', () => {
    const snap = snapshot([
      obj('Namespace', '', 'a'),
      obj('Namespace', '', 'b'),
      obj('Sidecar', 'a', 'default', { egress: [{ hosts: ['./*', 'shared/*'] }] }),
      obj('Sidecar', 'b', 'default', { egress: [{ hosts: ['shared/*', './other.example.com'] }] }),
      obj('Sidecar', 'b', 'wide', { workloadSelector: { labels: { app: 'x' } }, egress: [{ hosts: ['*/api.example.com'] }] }),
    ]);
    const index = new SidecarIndex(snap.objects.Sidecar, snap.namespaces, 'istio-system');
    expect(index.shapeKeyOf('a').foreignEgress.map((egress) => egress.raw)).toEqual(['shared/*']);
    expect(index.shapeKeyOf('b').foreignEgress.map((egress) => egress.raw)).toEqual(['*/api.example.com', 'shared/*']);
    expect(index.groupByShape(['a', 'b']).shapes).toHaveLength(2);
  });
});

describe('answersByShape', () => {
  it('asks once per shape plus once per singled-out namespace, and answers for every member', () => {
    const snap = snapshot(fleet(300));
    const index = new SidecarIndex(snap.objects.Sidecar, snap.namespaces, 'istio-system');
    const shapes = index.groupByShape([...snap.namespaces.keys()].filter((name) => name.startsWith('tenant-')));
    let questions = 0;
    const answers = answersByShape(shapes, new Set([ns(0), ns(2), 'not-in-the-set']), (namespace, shape, singledOut) => {
      questions += 1;
      if (singledOut) return namespace === ns(2) ? 'own' : undefined;
      return shape.foreignEgress.some((egress) => egress.namespace === '*') ? 'imports' : undefined;
    });
    expect(questions).toBe(3 + 2);
    const importing = answeredNamespaces(answers.filter((answer) => answer.answer === 'imports'));
    // Shapes without Sidecar (i % 3 == 0) and with */* (i % 3 == 2), minus the two singled out.
    expect(importing).toHaveLength(200 - 2);
    expect(importing).not.toContain(ns(0));
    expect(importing).not.toContain(ns(1));
    expect(answers.find((answer) => answer.answer === 'own')!.namespaces).toEqual([ns(2)]);
    expect(answeredNamespaces(answers)).toEqual([...answeredNamespaces(answers)].sort());
  });
});

describe('shapeImportsHosts', () => {
  const egressHost = fc.constantFrom('./*', '*/*', 'istio-system/*', 'a/*', 'b/api.example.com', '*/*.example.com', '~/*', 'bad', './api.example.com');
  const host = fc.constantFrom('api.example.com', 'x.example.com', '*.example.com', 'svc.a.svc.cluster.local', 'other.io');
  const namespaceName = fc.constantFrom('a', 'b', 'c', 'istio-system');

  it('equals the per-scope definition for every namespace other than the owner (random Sidecars)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ namespace: namespaceName, selector: fc.boolean(), hosts: fc.option(fc.array(egressHost, { maxLength: 3 })) }), { maxLength: 6 }),
        namespaceName,
        fc.array(host, { minLength: 1, maxLength: 2 }),
        (sidecars, owner, hosts) => {
          const objects = sidecars.map((sidecar, i) =>
            obj('Sidecar', sidecar.namespace, `s${i}`, {
              ...(sidecar.selector ? { workloadSelector: { labels: { app: `s${i}` } } } : {}),
              ...(sidecar.hosts ? { egress: [{ hosts: sidecar.hosts }] } : {}),
            }),
          );
          const snap = snapshot([...['a', 'b', 'c', 'istio-system'].map((name) => obj('Namespace', '', name)), ...objects]);
          const index = new SidecarIndex(snap.objects.Sidecar, snap.namespaces, 'istio-system');
          const { shapeOf } = index.groupByShape(['a', 'b', 'c', 'istio-system']);
          for (const namespace of ['a', 'b', 'c', 'istio-system']) {
            if (namespace === owner) continue;
            for (const match of ['covered', 'overlapping'] as const) {
              const perScope = index.scopesOf(namespace).some((scope) => scopeImportsHosts(scope, owner, hosts, match));
              expect(shapeImportsHosts(shapeOf.get(namespace)!, owner, hosts, match)).toBe(perScope);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('exposure rules over many namespaces (all-pairs guard)', () => {
  /**
   * 300 namespaces; the first 100 each define the same public host (a conflict), 50 shadow
   * the next namespace's Service and 50 route it with a public VirtualService. Asking every
   * namespace about every object would read scopes ~300 x 200 times; grouping by shape
   * reads them once per namespace for the grouping plus once per singled-out namespace.
   */
  it('reads Sidecar scopes a number of times proportional to namespaces, not namespaces x objects', () => {
    const objects = fleet(300, (i) => [
      obj('Service', ns(i), 'svc'),
      ...(i < 100 ? [obj('ServiceEntry', ns(i), 'shared', { hosts: ['api.shared.example'], exportTo: ['*'] }, { created: `2024-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z` })] : []),
      ...(i < 50 ? [obj('ServiceEntry', ns(i), 'shadow', { hosts: [`svc.${ns(i + 1)}.svc.cluster.local`], exportTo: ['*'] })] : []),
      ...(i < 50 ? [obj('VirtualService', ns(i), 'route', { hosts: [`svc.${ns(i + 1)}.svc.cluster.local`], exportTo: ['*'], http: [{ route: [{ destination: { host: 'svc' } }] }] })] : []),
    ]);
    const model = buildMeshModel(snapshot(objects), defaultConfig());
    const sidecars = model.sidecars();
    const scopesOf = sidecars.scopesOf.bind(sidecars);
    let scopeReads = 0;
    sidecars.scopesOf = (namespace: string) => {
      scopeReads += 1;
      return scopesOf(namespace);
    };
    const ctx = createRuleContext(model.snapshot, model.config, model);
    const conflicts = hostConflictCrossNamespaceRule.evaluate(ctx);
    const shadows = serviceEntryShadowsServiceRule.evaluate(ctx);
    const routes = virtualServiceForeignHostRule.evaluate(ctx);

    // The rules did their work: namespaces without a strict Sidecar use the oldest definition...
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.affectedNamespaces).toContain(ns(299));
    expect(conflicts[0]!.affectedNamespaces).not.toContain(ns(298)); // `./*` + root: imports none of them
    expect(conflicts[0]!.affectedNamespaces).not.toContain(ns(0)); // an owner: its own definition wins (1.24+)
    expect(shadows).toHaveLength(50);
    expect(routes).toHaveLength(50);
    expect(routes[0]!.affectedNamespaces).toContain(ns(299));
    // ...and read scopes about once per namespace per grouping, plus once per owner or named namespace.
    const singledOut = 100 + 50 * 2 + 50;
    expect(scopeReads).toBeLessThanOrEqual(2 * 300 + singledOut);
  });
});

describe('per-namespace Sidecars naming their own dependencies (issue 19)', () => {
  /**
   * Every namespace has a Sidecar of its own: `./*`, the root, two other tenants by name, and
   * in every fourth one a shared `*` + `/` + host. Grouping by the whole egress list would make
   * one shape per namespace; grouping by `*` egress hosts makes two (plus the singled-out).
   */
  const dependencies = (i: number) => [ns((i + 1) % 300), ns((i + 7) % 300)];
  const perNamespaceFleet = (extra: (i: number) => K8sObject[] = () => []) => {
    const objects: K8sObject[] = [obj('Namespace', '', 'istio-system')];
    for (let i = 0; i < 300; i++) {
      const egress = ['./*', 'istio-system/*', ...dependencies(i).map((dependency) => `${dependency}/*`), ...(i % 4 === 0 ? ['*/api.shared.example'] : [])];
      objects.push(obj('Namespace', '', ns(i)), obj('Sidecar', ns(i), 'default', { egress: [{ hosts: egress }] }), ...extra(i));
    }
    return objects;
  };

  it('groups namespaces by their `*` egress hosts and records who names whom', () => {
    const snap = snapshot(perNamespaceFleet());
    const index = new SidecarIndex(snap.objects.Sidecar, snap.namespaces, 'istio-system');
    const shapes = index.groupByShape([...snap.namespaces.keys()].filter((name) => name.startsWith('tenant-')));
    expect(shapes.shapes).toHaveLength(2);
    expect(shapes.shapeOf.size).toBe(300);
    expect(shapes.namedBy.get(ns(8))).toEqual([ns(1), ns(7)]);
  });

  it('answers for a namespace naming a public owner on its own, and for the others by group', () => {
    const objects = perNamespaceFleet((i) => (i < 100 ? [obj('ServiceEntry', ns(i), 'shared', { hosts: ['api.shared.example'], exportTo: ['*'] }, { created: `2024-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z` })] : []));
    const model = buildMeshModel(snapshot(objects), defaultConfig());
    const sidecars = model.sidecars();
    const scopesOf = sidecars.scopesOf.bind(sidecars);
    let scopeReads = 0;
    sidecars.scopesOf = (namespace: string) => {
      scopeReads += 1;
      return scopesOf(namespace);
    };
    const [conflict] = hostConflictCrossNamespaceRule.evaluate(createRuleContext(model.snapshot, model.config, model));

    // Per-namespace definition: N (not an owner) sees the definitions of the owners it names and, with `*` egress, all of them.
    const expected: string[] = [];
    for (let i = 100; i < 300; i++) {
      const seen = i % 4 === 0 ? 100 : dependencies(i).filter((dependency) => Number(dependency.slice(-3)) < 100).length;
      if (seen >= 2) expected.push(ns(i));
    }
    expect(conflict!.affectedNamespaces).toEqual(expected);
    // Grouping reads each namespace once; then the 100 owners and the namespaces naming them.
    const namingOwners = new Set<number>();
    for (let i = 0; i < 300; i++) if (dependencies(i).some((dependency) => Number(dependency.slice(-3)) < 100)) namingOwners.add(i);
    expect(scopeReads).toBeLessThanOrEqual(300 + 100 + namingOwners.size);
  });
});
