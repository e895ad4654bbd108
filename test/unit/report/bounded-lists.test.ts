/**
 * Bounded lists without building them (issue 19): in an open mesh every namespace imports from
 * every other one, so a finding's affectedNamespaces and evidence.foreignOwners name nearly
 * every namespace. The outputs print the first MAX_LISTED_ITEMS names and an exact count from
 * the rules' summaries (src/rules/list-summary.ts). These tests count how many names the full
 * lists hand out while reports are rendered (never time), and pin the summaries, the bounded
 * matrix and the exposure graph to their definitions over the full lists.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/config/types.js';
import { boundedAffected, boundedEvidence, boundedMatrix, matrixOwners, MAX_LISTED_ITEMS } from '../../../src/report/bounded.js';
import { exposureGraphOf, type ExposureEdge, type ExposureEdgeKind } from '../../../src/report/exposure-graph.js';
import { renderJsonChunks } from '../../../src/report/json.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { renderSarif } from '../../../src/report/sarif.js';
import { renderTable } from '../../../src/report/render/table.js';
import { scanSnapshot } from '../../../src/report/scan-result.js';
import { applyTenantScope } from '../../../src/report/scope.js';
import type { ClusterScanResult, ScanReport } from '../../../src/report/types.js';
import { SEVERITY_ORDER } from '../../../src/report/render/common.js';
import { affectedNamespacesColumn, evidenceColumn, toFindingRow } from '../../../src/report/log-analytics/rows.js';
import { limitJsonSize } from '../../../src/report/log-analytics/truncate.js';
import { listSummaryOf } from '../../../src/rules/list-summary.js';
import { applySuppressions } from '../../../src/rules/suppression.js';
import type { Finding } from '../../../src/rules/types.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { obj, snapshot } from '../mesh/fixtures.js';

const ns = (i: number) => `tenant-${String(i).padStart(3, '0')}`;

/**
 * `count` tenant namespaces, each exporting a ServiceEntry of its own host to every namespace,
 * and every other one a ServiceEntry for a host they all define (only creation order decides
 * between them in the other namespaces: a host conflict). `sidecar(i)`
 * gives namespace i's default Sidecar egress hosts (none: it imports everything).
 */
function openMesh(count: number, sidecar: (i: number) => string[] | undefined = () => undefined): K8sObject[] {
  const objects: K8sObject[] = [obj('Namespace', '', 'istio-system')];
  for (let i = 0; i < count; i++) {
    objects.push(obj('Namespace', '', ns(i)));
    objects.push(obj('ServiceEntry', ns(i), 'own', { hosts: [`api.${ns(i)}.example.com`], exportTo: ['*'], resolution: 'DNS', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }));
    if (i % 2 === 0) objects.push(obj('ServiceEntry', ns(i), 'shared', { hosts: ['shared.example.com'], resolution: 'DNS', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }, { created: `2024-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z` }));
    const egress = sidecar(i);
    if (egress) objects.push(obj('Sidecar', ns(i), 'default', { egress: [{ hosts: egress }] }));
  }
  return objects;
}

function scan(objects: K8sObject[]): ClusterScanResult {
  return scanSnapshot(snapshot(objects), defaultConfig(), { scanId: 's', startedAt: 0, now: () => new Date(0) });
}

/**
 * Wraps every lazily built list (affectedNamespaces, evidence.foreignOwners and the matrix rows)
 * so that each read adds the length of the list it builds to the count.
 */
function countListReads(result: ClusterScanResult, { evidence = true }: { evidence?: boolean } = {}): { names: () => number } {
  let names = 0;
  const wrap = (target: object, key: string) => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor?.get) return;
    const get = descriptor.get;
    Object.defineProperty(target, key, {
      ...descriptor,
      get() {
        const list = get.call(this) as unknown[];
        names += list.length;
        return list;
      },
    });
  };
  for (const finding of result.findings) {
    wrap(finding, 'affectedNamespaces');
    if (!evidence) continue;
    wrap(finding.evidence, 'foreignOwners');
    for (const scope of Array.isArray(finding.evidence.scopes) ? (finding.evidence.scopes as object[]) : []) wrap(scope, 'foreignOwners');
  }
  if (evidence) for (const row of Object.keys(result.exposureMatrix)) wrap(result.exposureMatrix, row);
  return { names: () => names };
}

async function text(rendered: string | AsyncIterable<string> | Iterable<string>): Promise<string> {
  if (typeof rendered === 'string') return rendered;
  let out = '';
  for await (const chunk of rendered) out += chunk;
  return out;
}

function reportOf(result: ClusterScanResult): ScanReport {
  return { scanId: 's', scanner: { version: 'test' }, clusters: [result] };
}

describe('bounded lists in the reports of an open mesh', () => {
  it('render JSON, SARIF and JUnit without building any importer or owner list, at any number of namespaces', async () => {
    for (const count of [60, 120]) {
      const result = scan(openMesh(count));
      const exported = result.findings.filter((finding) => finding.ruleId === 'exportto-wildcard');
      expect(exported).toHaveLength(count);
      const reads = countListReads(result);
      const json = JSON.parse(await text(renderJsonChunks(reportOf(result)))) as { clusters: Array<{ findings: Array<{ ruleId: string; affectedNamespaces: string[]; affectedNamespaceCount: number }>; exposureMatrixCounts: Record<string, number> }> };
      await text(renderSarif(reportOf(result), { cwd: '/', srcRoot: '/', anchors: [], warn: () => undefined }));
      renderJunit(reportOf(result), { failOn: 'none' });
      expect(reads.names()).toBe(0);
      // ...and the counts stay exact: each namespace's object is imported by every other one.
      const wildcard = json.clusters[0]!.findings.find((finding) => finding.ruleId === 'exportto-wildcard')!;
      expect(wildcard.affectedNamespaceCount).toBe(count - 1);
      expect(wildcard.affectedNamespaces).toHaveLength(MAX_LISTED_ITEMS);
      expect(Object.values(json.clusters[0]!.exposureMatrixCounts).every((owners) => owners === count - 1)).toBe(true);
    }
  });

  it('render markdown and the table reading a number of names that does not grow with importers x owners', async () => {
    const read: number[] = [];
    for (const count of [350, 700]) {
      const result = scan(openMesh(count));
      const reads = countListReads(result);
      await text(renderMarkdown(reportOf(result), {}));
      await text(renderTable(reportOf(result), { color: false, failOn: 'none' }));
      read.push(reads.names());
    }
    // Past the graph's bounds (5,000 edges, 100,000 omissions counted) findings only add to kept
    // edges, found from the summaries: each output reads at most the bound plus a list or two
    // (the list being walked when the bound is reached), whatever the number of namespaces, not
    // the 700 x 700 pairs of the larger mesh (490,000 imports, 350 x 350 hijack pairs).
    expect(read[0]!).toBeLessThan(2 * (5_000 + 100_000 + 2 * 350));
    expect(read[1]!).toBeLessThan(2 * (5_000 + 100_000 + 2 * 700));
  });
});

/** The AffectedNamespaces column at several budgets (past and within) equals limitJsonSize over the full list. */
function expectColumnsOfFullLists(findings: readonly Finding[]): void {
  for (const finding of findings) {
    const full = finding.affectedNamespaces;
    const summary = listSummaryOf(finding, 'affectedNamespaces');
    if (summary?.jsonBytes) expect(summary.jsonBytes()).toBe(Buffer.byteLength(JSON.stringify(full), 'utf8'));
    for (const budget of [0, 40, 130, 100_000]) expect(affectedNamespacesColumn(finding, budget)).toEqual({ value: limitJsonSize(full, budget), count: full.length });
  }
}

describe('Log Analytics rows and suppressions of an open mesh', () => {
  it('make the AffectedNamespaces and Evidence columns, within and past their budget, without building any importer or owner list; rows equal those of the full lists', () => {
    for (const count of [60, 120]) {
      const result = scan(openMesh(count));
      const plain = JSON.parse(JSON.stringify(result.findings)) as Finding[];
      const reads = countListReads(result);
      const rows = result.findings.map((finding) => toFindingRow(finding, result.record));
      // Past the budget: the marker's size and prefix, from the summary's JSON size and first names.
      const columns = result.findings.map((finding) => affectedNamespacesColumn(finding, 200));
      const evidence = result.findings.map((finding) => evidenceColumn(finding.evidence, 300));
      expect(reads.names()).toBe(0);
      expect(evidence).toEqual(plain.map((finding) => limitJsonSize(finding.evidence, 300)));
      expect(evidence.some((value) => (value as { truncated?: boolean }).truncated === true && result.findings.some((finding) => finding.ruleId === 'namespace-imports-foreign-config'))).toBe(true);
      expect(JSON.stringify(rows)).toBe(JSON.stringify(plain.map((finding) => toFindingRow(finding, result.record))));
      expect(columns).toEqual(plain.map((finding) => ({ value: limitJsonSize(finding.affectedNamespaces, 200), count: finding.affectedNamespaces.length })));
      expect(columns.some(({ value }) => (value as { truncated?: boolean }).truncated === true)).toBe(true);
      expect(rows.filter((row) => row.RuleId === 'exportto-wildcard').every((row) => row.AffectedNamespaceCount === count - 1)).toBe(true);
    }
  });

  it('suppress and annotate findings without building their importer lists, keeping their summaries and the spread copy\'s JSON', () => {
    for (const count of [60, 120]) {
      const objects = openMesh(count);
      const result = scan(objects);
      const config = {
        ...defaultConfig(),
        now: new Date('2025-01-01T00:00:00Z'),
        suppressions: [
          { ruleId: 'exportto-wildcard', reason: 'shared on purpose' },
          { ruleId: 'exportto-missing', reason: 'old waiver', expires: '2024-01-01' },
        ],
      };
      const before = result.findings.map((finding) => JSON.stringify(finding));
      const reads = countListReads(result);
      const after = applySuppressions(result.findings, snapshot(objects), config);
      expect(reads.names()).toBe(0);
      const changed = after.filter((finding, index) => finding !== result.findings[index]);
      expect(changed.some((finding) => finding.suppressed)).toBe(true);
      expect(changed.some((finding) => 'suppressionExpired' in finding.evidence)).toBe(true);
      for (const finding of changed) expect(listSummaryOf(finding, 'affectedNamespaces')).toBe(listSummaryOf(result.findings[after.indexOf(finding)]!, 'affectedNamespaces'));
      // The same JSON, key order included, as the spread copies made.
      after.forEach((finding, index) => {
        const original = JSON.parse(before[index]!) as Finding;
        const expected =
          finding === result.findings[index]
            ? original
            : finding.suppressed
              ? { ...original, suppressed: true, suppressionReason: finding.suppressionReason }
              : { ...original, evidence: { ...original.evidence, suppressionExpired: finding.evidence.suppressionExpired } };
        expect(JSON.stringify(finding)).toBe(JSON.stringify(expected));
      });
    }
  });
});

describe('tenant scope of an open mesh', () => {
  const scoped = (result: ClusterScanResult, tenants: string[]) => applyTenantScope(result, { tenants, rootNamespace: 'istio-system', comparing: false });
  /** What the scope keeps and how it marks it, as plain JSON. */
  const view = (result: ClusterScanResult) => JSON.stringify({ findings: result.findings.map((finding) => [finding.findingId, result.scope!.scopes.get(finding.findingId)]), outOfScope: result.scope!.outOfScope, counts: result.record.findingCounts, matrix: result.exposureMatrix });

  it('scopes findings and matrix rows to named tenants without building owner lists or rows, and its JSON report reads none either', async () => {
    for (const count of [60, 120]) {
      const result = scan(openMesh(count));
      const plain: ClusterScanResult = { ...result, findings: JSON.parse(JSON.stringify(result.findings)) as Finding[], exposureMatrix: JSON.parse(JSON.stringify(result.exposureMatrix)) as Record<string, string[]> };
      const reads = countListReads(result);
      const tenants = [ns(1), ns(count - 2)];
      const narrowed = scoped(result, tenants);
      await text(renderJsonChunks(reportOf(narrowed)));
      expect(reads.names()).toBe(0);
      expect(view(narrowed)).toBe(view(scoped(plain, tenants)));
      // Every row imports from both tenants: all kept.
      expect(Object.keys(narrowed.exposureMatrix)).toHaveLength(count);
    }
  });

  it('scopes to globs as it did over the full lists', () => {
    const result = scan(openMesh(40, (i) => (i % 3 === 0 ? ['./*', `${ns((i + 1) % 40)}/*`] : undefined)));
    const plain: ClusterScanResult = { ...result, findings: JSON.parse(JSON.stringify(result.findings)) as Finding[], exposureMatrix: JSON.parse(JSON.stringify(result.exposureMatrix)) as Record<string, string[]> };
    for (const tenants of [['tenant-00*'], [ns(3), 'tenant-01?'], [ns(4)], ['tenant-03[5-9]'], ['nobody-*']]) expect(view(scoped(result, tenants))).toBe(view(scoped(plain, tenants)));
  });

  it('scopes to globs without building owner lists or rows', () => {
    for (const count of [60, 120]) {
      const result = scan(openMesh(count));
      const plain: ClusterScanResult = { ...result, findings: JSON.parse(JSON.stringify(result.findings)) as Finding[], exposureMatrix: JSON.parse(JSON.stringify(result.exposureMatrix)) as Record<string, string[]> };
      const reads = countListReads(result);
      for (const tenants of [['tenant-00*'], ['tenant-1?9', 'nobody'], ['nobody-*']]) {
        const before = reads.names();
        const narrowed = scoped(result, tenants);
        expect(reads.names() - before).toBe(0);
        // (view reads the kept rows.)
        expect(view(narrowed)).toBe(view(scoped(plain, tenants)));
      }
    }
  });
});

/** The exposure graph as defined before the kept-edge finders: every pair of every finding walked. */
function referenceGraph(findings: readonly Finding[], maxEdges: number, maxOmissions: number): { edges: ExposureEdge[]; omitted: number; capped: boolean } {
  const edges = new Map<string, ExposureEdge>();
  const omitted = new Set<string>();
  let capped = false;
  const relevant = findings.filter((finding) => !finding.suppressed && ['namespace-imports-foreign-config', 'host-conflict-cross-namespace'].includes(finding.ruleId));
  relevant.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const add = (finding: Finding, from: string, to: string, kind: ExposureEdgeKind) => {
    if (from === to) return;
    const key = `${kind}\u0000${from}\u0000${to}`;
    const edge = edges.get(key);
    if (edge) {
      edge.findingCount += 1;
      if (edge.findingIds.length < 10 && !edge.findingIds.includes(finding.findingId)) edge.findingIds.push(finding.findingId);
      return;
    }
    if (edges.size >= maxEdges) {
      if (omitted.size < maxOmissions) omitted.add(key);
      else if (!omitted.has(key)) capped = true;
      return;
    }
    edges.set(key, { from, to, kind, severity: finding.severity, findingCount: 1, findingIds: [finding.findingId] });
  };
  for (const finding of relevant) {
    if (finding.ruleId === 'namespace-imports-foreign-config') for (const owner of finding.evidence.foreignOwners as string[]) add(finding, owner, finding.namespace, 'imports');
    else for (const affected of finding.affectedNamespaces) for (const owner of finding.evidence.conflictingOwners as string[]) add(finding, owner, affected, 'hijack');
  }
  const sorted = [...edges.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) || (a.to < b.to ? -1 : a.to > b.to ? 1 : 0) || (a.kind < b.kind ? -1 : 1));
  return { edges: sorted, omitted: omitted.size, capped };
}

describe('matrix owners with rows that leave out owners hidden by their own DestinationRules', () => {
  it('an owner every row leaves out (its own row, and a row whose own rule hides its only import) is not an owner of the matrix', () => {
    const objects = [
      obj('Namespace', '', 'istio-system'),
      ...['tenant-b', 'tenant-c', 'tenant-d'].map((name) => obj('Namespace', '', name)),
      obj('Service', 'tenant-b', 'payments'),
      obj('DestinationRule', 'tenant-b', 'payments', { host: 'payments', exportTo: ['*'] }),
      obj('ServiceEntry', 'tenant-d', 'api', { hosts: ['api.example.com'], exportTo: ['*'], resolution: 'DNS', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }),
      // Rules of their own for the host: Istio never consults tenant-b's there (PushContext.destinationRule step 1).
      obj('DestinationRule', 'tenant-c', 'own', { host: 'payments.tenant-b.svc.cluster.local', exportTo: ['.'] }),
      obj('DestinationRule', 'tenant-d', 'own', { host: '*.tenant-b.svc.cluster.local', exportTo: ['.'] }),
    ];
    const result = scan(objects);
    const plainMatrix = JSON.parse(JSON.stringify(result.exposureMatrix)) as Record<string, string[]>;
    expect(plainMatrix).toEqual({ 'tenant-b': ['tenant-d'], 'tenant-c': ['tenant-d'] });
    expect([...matrixOwners(result.exposureMatrix)]).toEqual(['tenant-d']);
    // Importers hidden by their own rules are left out of the JSON size as of the list.
    expect(result.findings.some((finding) => finding.ruleId === 'exportto-wildcard' && finding.resource?.name === 'payments')).toBe(true);
    expectColumnsOfFullLists(result.findings);
  });
});

describe('summaries agree with the lists they stand for (property)', () => {
  // Namespace i's Sidecar: none (imports everything), only its own namespace and the root, or
  // its own namespace plus some others by name.
  const meshes = fc.record({
    count: fc.integer({ min: 3, max: 24 }),
    sidecars: fc.array(fc.option(fc.array(fc.integer({ min: 0, max: 23 }), { maxLength: 4 }), { nil: undefined }), { minLength: 24, maxLength: 24 }),
    maxEdges: fc.integer({ min: 1, max: 60 }),
    maxOmissions: fc.integer({ min: 0, max: 120 }),
  });

  it('affected namespaces, evidence, the matrix and its owners equal their definitions over the full lists; the graph equals the all-pairs walk', () => {
    fc.assert(
      fc.property(meshes, ({ count, sidecars, maxEdges, maxOmissions }) => {
        const result = scan(openMesh(count, (i) => (sidecars[i] === undefined ? undefined : ['./*', 'istio-system/*', ...sidecars[i]!.filter((j) => j < count).map((j) => `${ns(j)}/*`)])));
        for (const finding of result.findings) {
          const full = finding.affectedNamespaces;
          expect(boundedAffected(finding, 5)).toEqual({ listed: full.slice(0, 5), count: full.length });
          const summary = listSummaryOf(finding, 'affectedNamespaces');
          if (summary) for (let i = 0; i < count; i++) expect(summary.has(ns(i))).toBe(full.includes(ns(i)));
          const plainEvidence = JSON.parse(JSON.stringify(finding.evidence)) as Record<string, unknown>;
          expect(boundedEvidence(finding.evidence)).toEqual(boundedEvidence(plainEvidence));
          for (const budget of [40, 120, 400]) expect(evidenceColumn(finding.evidence, budget)).toEqual(limitJsonSize(plainEvidence, budget));
        }
        expectColumnsOfFullLists(result.findings);
        const plainMatrix = JSON.parse(JSON.stringify(result.exposureMatrix)) as Record<string, string[]>;
        expect(boundedMatrix(result.exposureMatrix)).toEqual(boundedMatrix(plainMatrix));
        expect([...matrixOwners(result.exposureMatrix)].sort()).toEqual([...new Set(Object.values(plainMatrix).flat())].sort());
        const graph = exposureGraphOf(result.findings, result.tenantNamespaceNames!, { maxEdges, maxCountedOmissions: maxOmissions });
        const reference = referenceGraph(result.findings, maxEdges, maxOmissions);
        expect(graph.edges).toEqual(reference.edges);
        expect([graph.omittedEdges, graph.omittedEdgesCapped]).toEqual([reference.omitted, reference.capped]);
      }),
      { numRuns: 60 },
    );
  });
});
