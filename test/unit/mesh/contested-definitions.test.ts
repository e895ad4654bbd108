import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import type { ConfigObject } from '../../../src/mesh/config-objects.js';
import { isExportedTo } from '../../../src/mesh/exportto.js';
import { hostMatches } from '../../../src/mesh/hosts.js';
import { buildMeshModel, type MeshModel } from '../../../src/mesh/model.js';
import { chooseServiceDefinition } from '../../../src/mesh/precedence.js';
import { scopeImportsHosts, type SidecarScope } from '../../../src/mesh/sidecars.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { namespaces, obj, snapshot, version } from './fixtures.js';

/**
 * A hostname several namespaces define (issue 19): each scope's choice of definition, and with
 * it which namespaces' DestinationRules its proxies use, is decided once per scope shape and
 * hostname (ImportGraph.definitionNamespace) and, for the public importer index, once per dead
 * class of importers. Both must equal the per-scope definition: PushContext.destinationRule
 * after sidecar.go selectServices (precedence.ts chooseServiceDefinition).
 */

/** The per-scope definition: every definition of `host` the scope sees, then Istio's choice. */
function chosenNamespace(m: MeshModel, scope: SidecarScope, host: string): string | undefined {
  const candidates = m
    .configObjects()
    .filter((config) => (config.kind === 'Service' || config.kind === 'ServiceEntry') && config.hosts.includes(host))
    .filter((config) => isExportedTo(config.exportTo.scope, config.namespace, scope.namespace) && scopeImportsHosts(scope, config.namespace, [host], 'covered'));
  return chooseServiceDefinition(scope.namespace, candidates, m.snapshot.istioVersion, { sidecarDeclared: scope.kind !== 'default', unified: m.hostPrecedence.unified })?.winner.namespace;
}

function contestedHosts(m: MeshModel): string[] {
  const owners = new Map<string, Set<string>>();
  for (const config of m.configObjects()) {
    if (config.kind !== 'Service' && config.kind !== 'ServiceEntry') continue;
    for (const host of config.hosts) owners.set(host, (owners.get(host) ?? new Set()).add(config.namespace));
  }
  return [...owners].filter(([, set]) => set.size > 1).map(([host]) => host);
}

/** Does some own rule of `namespace` cover `host` (step 1 of the lookup hides every other namespace's rule)? */
function ownRuleCovers(m: MeshModel, namespace: string, host: string): boolean {
  return [...m.destinationRules().ownHosts(namespace)].some((pattern) => hostMatches(pattern, host));
}

describe('contested hostnames: one choice per scope shape', () => {
  const names = ['t1', 't2', 't3', 't4', 't5'];
  const host = fc.constantFrom('a.example.com', 'b.example.com', 'svc.t1.svc.cluster.local');
  const exportTo = fc.constantFrom<string[] | undefined>(undefined, ['*'], ['.'], ['t3'], ['*', 't4'], ['t2', 't5']);
  const egressHost = fc.constantFrom('./*', '*/*', 't1/*', 't2/a.example.com', '*/a.example.com', '*/svc.t1.svc.cluster.local', 'istio-system/*', '~/*', 't3/*');
  const created = fc.constantFrom('2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z', '2022-01-01T00:00:00Z');

  it('equals the per-scope definition, and the importers of each public rule follow it (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ namespace: fc.constantFrom(...names), host, exportTo, created }), { minLength: 1, maxLength: 7 }),
        fc.array(fc.record({ namespace: fc.constantFrom(...names, 'istio-system'), selector: fc.boolean(), hosts: fc.option(fc.array(egressHost, { minLength: 1, maxLength: 3 })) }), { maxLength: 6 }),
        fc.array(fc.record({ namespace: fc.constantFrom(...names), host, exportTo: fc.constantFrom(['*'], ['.']) }), { maxLength: 6 }),
        fc.constantFrom('1.22', '1.25'),
        (definitions, sidecars, rules, istio) => {
          const objects: K8sObject[] = [
            ...namespaces(...names, 'istio-system'),
            obj('Service', 't1', 'svc', {}, { created: '2021-06-01T00:00:00Z' }),
            ...definitions.map((d, i) => obj('ServiceEntry', d.namespace, `se${i}`, { hosts: [d.host], ...(d.exportTo ? { exportTo: d.exportTo } : {}) }, { created: d.created })),
            ...sidecars.map((sidecar, i) =>
              obj('Sidecar', sidecar.namespace, `s${i}`, { ...(sidecar.selector ? { workloadSelector: { labels: { app: `s${i}` } } } : {}), ...(sidecar.hosts ? { egress: [{ hosts: sidecar.hosts }] } : {}) }),
            ),
            // One rule per namespace and host: a rule's entry is imported through its own host.
            ...[...new Map(rules.map((rule) => [`${rule.namespace}/${rule.host}`, rule])).values()].map((rule, i) => obj('DestinationRule', rule.namespace, `r${i}`, { host: rule.host, exportTo: rule.exportTo })),
          ];
          const m = buildMeshModel(snapshot(objects, {}, version(`${istio}.0`)), defaultConfig());
          const graph = m.importGraph();
          const contested = contestedHosts(m);
          for (const namespace of m.tenantNamespaces()) {
            for (const scope of m.sidecars().scopesOf(namespace)) {
              for (const contestedHost of contested) expect(graph.definitionNamespace(scope, contestedHost)).toBe(chosenNamespace(m, scope, contestedHost));
            }
          }
          const index = m.publicImporters();
          for (const rule of m.configObjects().filter((config) => config.kind === 'DestinationRule' && config.exportTo.scope.all)) {
            const owner = rule.namespace;
            const ruleHost = rule.hosts[0]!;
            const definedPublicly = m.configObjects().some((config) => config.kind !== 'DestinationRule' && config.namespace === owner && config.hosts.includes(ruleHost) && config.exportTo.scope.all);
            // A scope uses the rule when it imports the owner's definition, has no rule of its own
            // for the host, and (for a contested host) picks the owner's definition.
            const imports = (scope: SidecarScope) => scopeImportsHosts(scope, owner, [ruleHost], 'covered');
            const dead = (scope: SidecarScope) => ownRuleCovers(m, scope.namespace, ruleHost) || (contested.includes(ruleHost) && chosenNamespace(m, scope, ruleHost) !== owner);
            const expected = !definedPublicly
              ? []
              : m.tenantNamespaces().filter((namespace) => {
                  const scopes = m.sidecars().scopesOf(namespace);
                  return namespace !== owner && scopes.some(imports) && !scopes.every(dead);
                });
            expect(index.allImportersOf(rule)).toEqual(expected);
            const summary = index.importerSummary(rule);
            expect(summary.size).toBe(expected.length);
            expect(summary.first(2)).toEqual(expected.slice(0, 2));
            expect(summary.jsonBytes()).toBe(Buffer.byteLength(JSON.stringify(expected)));
            for (const namespace of [...names, 'istio-system']) expect(summary.has(namespace)).toBe(expected.includes(namespace));
            // The import graph, scope by scope.
            for (const namespace of m.tenantNamespaces()) {
              if (namespace === owner) continue;
              for (const [i, scope] of m.sidecars().scopesOf(namespace).entries()) {
                const listed = graph.importsOf(namespace).scopes[i]!.listPublicObjects().includes(rule);
                expect(listed).toBe(definedPublicly && imports(scope) && !dead(scope));
              }
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  /**
   * Guard without timing: a shared external domain that every tenth namespace defines, each with
   * a public DestinationRule (TLS origination), half the namespaces without a Sidecar. Every such
   * rule is imported by every namespace without a Sidecar; the per-importer check asked about
   * each rule x importer (2,000 questions at 200 namespaces) and filtered the definitions once
   * per scope and hostname.
   */
  it('decides each rule once per dead class, and each hostname once per scope shape (guard)', () => {
    const questionsAt = (count: number) => {
      const names = Array.from({ length: count }, (_, i) => `t${String(i).padStart(4, '0')}`);
      const objects: K8sObject[] = [...namespaces(...names, 'istio-system')];
      names.forEach((namespace, i) => {
        if (i % 2 === 1) objects.push(obj('Sidecar', namespace, 'default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] }));
        if (i % 10 === 0) {
          objects.push(obj('ServiceEntry', namespace, 'partner', { hosts: ['api.partner.example.com'], exportTo: ['*'] }, { created: `2020-01-01T00:${String(i % 60).padStart(2, '0')}:00Z` }));
          objects.push(obj('DestinationRule', namespace, 'partner', { host: 'api.partner.example.com', exportTo: ['*'], trafficPolicy: { tls: { mode: 'SIMPLE' } } }));
        }
      });
      const m = buildMeshModel(snapshot(objects), defaultConfig());
      const graph = m.importGraph();
      const index = m.publicImporters();
      const rules = m.configObjects().filter((config: ConfigObject) => config.kind === 'DestinationRule');
      const importers = rules.map((rule) => index.importerSummary(rule).size);
      for (const namespace of names) graph.importsOf(namespace);
      return { rules: rules.length, importers, deadFor: index.deadForQuestions, filters: graph.definitionFilters };
    };
    const small = questionsAt(200);
    const large = questionsAt(400);
    // Only the oldest definer's rule is used elsewhere: by the namespaces without a Sidecar that
    // define nothing (each definer has a rule of its own for the host).
    expect(small.importers.filter((size) => size > 0)).toEqual([100 - 20]);
    expect(large.importers.filter((size) => size > 0)).toEqual([200 - 40]);
    // Two dead classes import every rule (definers and the rest of the namespaces without a Sidecar).
    expect(small.deadFor).toBeLessThanOrEqual(2 * small.rules);
    expect(large.deadFor).toBeLessThanOrEqual(2 * large.rules);
    // One filter per definer's scope (it is singled out) and per ordinary shape.
    expect(small.filters).toBeLessThanOrEqual(small.rules + 2);
    expect(large.filters).toBeLessThanOrEqual(large.rules + 2);
  });
});
