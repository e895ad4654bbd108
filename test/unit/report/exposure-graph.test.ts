/** The tenant exposure graph: edges from the rules that prove a reach, merged, bounded, most severe first. */
import { describe, expect, it } from '@jest/globals';
import { ALL_RULES } from '../../../src/rules/registry.js';
import { exposureGraphOf } from '../../../src/report/exposure-graph.js';
import { MAX_MERMAID_EDGES, mermaidExposure, renderMarkdown } from '../../../src/report/markdown.js';
import { scanSnapshot } from '../../../src/report/scan-result.js';
import { loadScannerConfig } from '../../../src/config/load.js';
import { demoFleetDir, loadDemoFleet } from '../../../src/snapshot/offline.js';
import { join } from 'node:path';
import { clusterResult, finding } from './fixtures.js';

function demoCluster(name: string) {
  const config = loadScannerConfig(join(demoFleetDir(), 'scanner-config.yaml'), { knownRuleIds: ALL_RULES.map((rule) => rule.meta.id) });
  const demo = loadDemoFleet().find(({ snapshot }) => snapshot.cluster.name === name)!;
  return scanSnapshot(demo.snapshot, config, { scanId: 's', startedAt: Date.now() });
}

describe('exposure graph of the demo', () => {
  it('draws imports, hijack windows and shadowed Services of aks-contaminated, with every tenant namespace as a node', () => {
    const result = demoCluster('aks-contaminated');
    const graph = exposureGraphOf(result.findings, result.tenantNamespaceNames!);
    expect(graph.tenantNamespaces).toEqual(['team-analytics', 'team-orders', 'team-payments']);
    const edges = graph.edges.map((edge) => `${edge.kind} ${edge.from}->${edge.to} ${edge.severity}`);
    // namespace-imports-foreign-config: team-orders imports from team-analytics and team-payments...
    expect(edges).toEqual(expect.arrayContaining(['imports team-analytics->team-orders high', 'imports team-payments->team-orders high', 'imports team-payments->team-analytics high', 'imports team-analytics->team-payments high']));
    // ...serviceentry-shadows-service: orders-mirror in team-analytics declares team-orders' Service host...
    expect(edges).toContain('shadow team-analytics->team-orders critical');
    // ...host-conflict-cross-namespace: api.stripe.com in team-analytics and team-payments, decided by age.
    expect(edges).toEqual(expect.arrayContaining(['hijack team-analytics->team-orders critical', 'hijack team-payments->team-orders critical']));
    // Most severe first.
    expect(graph.edges[0]!.severity).toBe('critical');
    expect(graph.omittedEdges).toBe(0);
  });

  it('has nodes and no edges for a compliant cluster', () => {
    const result = demoCluster('aks-compliant');
    const graph = exposureGraphOf(result.findings, result.tenantNamespaceNames!);
    expect(graph.tenantNamespaces.length).toBe(result.record.tenantNamespaces);
    expect(graph.edges).toEqual([]);
  });
});

describe('exposure graph rules', () => {
  const imports = (namespace: string, owners: string[], overrides = {}) =>
    finding({ ruleId: 'namespace-imports-foreign-config', namespace, evidence: { foreignOwners: owners, foreignOwnerCount: owners.length }, findingId: `${namespace}`.padEnd(32, '0').slice(0, 32), ...overrides });

  it('ignores suppressed findings and self edges, and merges parallel edges keeping the highest severity', () => {
    const graph = exposureGraphOf(
      [
        imports('b', ['a', 'b']),
        imports('c', ['a'], { suppressed: true }),
        finding({ ruleId: 'host-conflict-cross-namespace', severity: 'critical', namespace: 'a', affectedNamespaces: ['b', 'c'], evidence: { conflictingOwners: ['a', 'x'] } }),
        finding({ ruleId: 'host-conflict-cross-namespace', severity: 'critical', namespace: 'a', affectedNamespaces: ['b'], evidence: { conflictingOwners: ['a'] }, findingId: 'f'.repeat(32) }),
      ],
      ['a', 'b', 'c'],
    );
    expect(graph.edges.map((e) => `${e.kind} ${e.from}->${e.to} ${e.findingCount}`)).toEqual(['hijack a->b 2', 'hijack a->c 1', 'hijack x->b 1', 'hijack x->c 1', 'imports a->b 1']);
    expect(graph.otherNamespaces).toEqual(['x']);
  });

  it('keeps the most severe edges under the bound and counts the rest exactly', () => {
    const owners = Array.from({ length: 30 }, (_, i) => `o${i}`);
    const findings = [imports('t1', owners), imports('t2', owners), finding({ ruleId: 'serviceentry-shadows-service', severity: 'critical', namespace: 'o5', evidence: { shadowedService: 'Service t9/orders' } })];
    const graph = exposureGraphOf(findings, ['t1', 't2', 't9'], { maxEdges: 10 });
    expect(graph.edges).toHaveLength(10);
    expect(graph.edges[0]).toMatchObject({ kind: 'shadow', from: 'o5', to: 't9', severity: 'critical' });
    expect(graph.omittedEdges).toBe(51);
    expect(graph.omittedEdgesCapped).toBe(false);
  });
});

describe('Mermaid graph in the markdown', () => {
  it('is bounded with an "and N more" note', () => {
    const owners = Array.from({ length: 60 }, (_, i) => `owner-${i}`);
    const cluster = { ...clusterResult([finding({ ruleId: 'namespace-imports-foreign-config', namespace: 'victim', evidence: { foreignOwners: owners } })]), tenantNamespaceNames: ['victim', ...owners] };
    const lines = mermaidExposure(cluster);
    expect(lines.filter((line) => line.includes('-->'))).toHaveLength(MAX_MERMAID_EDGES);
    expect(lines.join('\n')).toContain(`_and ${60 - MAX_MERMAID_EDGES} more exposure edge(s) not drawn`);
  });

  it('appears in the demo markdown for the contaminated cluster only', () => {
    const results = ['aks-compliant', 'aks-contaminated'].map(demoCluster);
    const text = renderMarkdown({ scanId: 's', scanner: { version: '0' }, clusters: results });
    expect(text.match(/```mermaid/g)).toHaveLength(1);
    expect(text).toMatch(/```mermaid\nflowchart LR\n {2}n0\["team-analytics"\]/);
  });
});

describe('markdown at scale', () => {
  it('renders 200,000 findings without exhausting the stack, within the length limit, counting what it left out', () => {
    const base = finding({});
    const findings = Array.from({ length: 200_000 }, (_, i) => ({ ...base, findingId: i.toString(16).padStart(32, '0'), namespace: `tenant-${i}`, suppressed: i % 10 === 0 }));
    const cluster = { ...clusterResult(findings), exposureMatrix: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`tenant-${i}`, ['tenant-a']])) };
    const text = renderMarkdown({ scanId: 's', scanner: { version: '0' }, clusters: [cluster] });
    expect(text.length).toBeLessThanOrEqual(60_000);
    const shown = text.split('\n').filter((line) => line.startsWith('| high |')).length;
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`_${180_000 - shown} more finding(s) not shown`);
    expect(text).toMatch(/_\d+ more suppressed finding\(s\) not shown/);
    expect(text).toMatch(/_\d+ more importing namespace\(s\) not shown/);
  });
});

describe('ingress edges', () => {
  it("come from the ingress rules' evidence.exposureEdges ({ from, to, kind: 'ingress' })", () => {
    const exposureEdges = [{ from: 'b', to: 'a', kind: 'ingress' }, { from: 'c', to: 'c', kind: 'ingress' }, { from: 7, to: 'a' }, 'junk'];
    const graph = exposureGraphOf([finding({ ruleId: 'route-hostname-conflict-cross-namespace', severity: 'critical', namespace: 'b', evidence: { exposureEdges } })], ['a', 'b']);
    expect(graph.edges.map((e) => `${e.kind} ${e.from}->${e.to} ${e.severity}`)).toEqual(['ingress b->a critical']);
  });
});
