/**
 * Outputs CI reads: SARIF ready for GitHub code scanning (a file for every result,
 * percent-encoded relative URIs that resolve to the scanned file, GitHub's upload limits),
 * JUnit XML, the gate marks of tenant and comparison runs, and the format registry.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { formatOfFileName, REPORT_FORMATS, reportFormat } from '../../../src/report/formats.js';
import { failingFindings, gateExemption } from '../../../src/report/gate.js';
import { buildJsonReport, JSON_REPORT_SCHEMA } from '../../../src/report/json.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { renderTable } from '../../../src/report/render/table.js';
import { artifactLocationOf, buildSarif, GITHUB_SARIF_LIMITS, renderSarif } from '../../../src/report/sarif.js';
import type { ClusterScanResult, ScanReport } from '../../../src/report/types.js';
import { clusterResult, finding, sampleCatalogue, sampleReport } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(here, '../../fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object);
const validateJson = new Ajv({ allErrors: true, strict: true, formats: { 'date-time': true } }).compile(JSON_REPORT_SCHEMA);

const id = (n: number) => n.toString(16).padStart(32, '0');

/** A tenant comparison run: one new high, one unchanged high, one context high, one resolved. */
function comparedResult(): ClusterScanResult {
  const fresh = finding({ findingId: id(1), message: 'new one' });
  const old = finding({ findingId: id(2), message: 'old one', resource: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'legacy', namespace: 'tenant-a' } });
  const context = finding({ findingId: id(3), ruleId: 'admission-exportto-policy-missing', category: 'admission', namespace: '', resource: undefined, source: undefined, message: 'no admission' });
  const result = clusterResult([fresh, old, context]);
  result.scope = { tenants: ['tenant-a'], scopes: new Map([[id(1), 'tenant'], [id(2), 'tenant'], [id(3), 'context']]), outOfScope: 4 };
  result.comparison = { against: 'snapshot cluster.json', kind: 'change', states: new Map([[id(1), 'new'], [id(2), 'unchanged'], [id(3), 'new']]), resolved: [finding({ findingId: id(9), message: 'fixed one' })] };
  return result;
}

describe('the gate', () => {
  it('counts only unsuppressed, in-scope, new findings at or above --fail-on, and says why the others do not count', () => {
    const result = comparedResult();
    const report: ScanReport = { ...sampleReport, clusters: [result], failOn: 'high' };
    expect(failingFindings(report, 'high').map((f) => f.findingId)).toEqual([id(1)]);
    expect(gateExemption(result, result.findings[1]!, 'high')).toBe('unchanged: already in snapshot cluster.json');
    expect(gateExemption(result, result.findings[2]!, 'high')).toMatch(/^context/);
    expect(gateExemption(result, result.findings[0]!, 'critical')).toBe('below --fail-on critical');
    expect(gateExemption(result, finding({ suppressed: true, suppressionReason: 'ok' }), 'high')).toBe('suppressed: ok');
  });
});

describe('JSON report of tenant and comparison runs', () => {
  it('marks scope, baseline state and the gate, lists resolved findings, and still validates', () => {
    const json = buildJsonReport({ ...sampleReport, clusters: [comparedResult()], failOn: 'high' });
    if (!validateJson(json)) throw new Error(JSON.stringify(validateJson.errors, null, 2));
    expect(json.gate).toEqual({ failOn: 'high', failingFindings: 1 });
    const cluster = json.clusters[0]!;
    expect(cluster.scope).toEqual({ tenants: ['tenant-a'], outOfScope: 4 });
    expect(cluster.comparison).toMatchObject({ against: 'snapshot cluster.json', kind: 'change', introduced: 2, updated: 0, unchanged: 1 });
    expect(cluster.comparison!.resolved.map((f) => f.message)).toEqual(['fixed one']);
    expect(cluster.findings.map((f) => [f.scope, f.baselineState, f.failsGate])).toEqual([['tenant', 'new', true], ['tenant', 'unchanged', false], ['context', 'new', false]]);
  });

  it('the schema rejects an unknown baseline state (the validation can fail)', () => {
    const json = buildJsonReport({ ...sampleReport, clusters: [comparedResult()], failOn: 'high' }) as unknown as { clusters: Array<{ findings: Array<Record<string, unknown>> }> };
    json.clusters[0]!.findings[0]!.baselineState = 'absent';
    expect(validateJson(json)).toBe(false);
  });
});

describe('SARIF for GitHub code scanning', () => {
  it('percent-encodes #, ?, %, spaces and non-ASCII in relative URIs, which resolve back to the scanned file', () => {
    const root = '/work/repo';
    for (const name of ['k8s/a b.yaml', 'k8s/#1?.yaml', 'k8s/100%.yaml', 'k8s/tenant-é/ü.yaml', "k8s/[x](y)!'*.yaml"]) {
      const location = artifactLocationOf(name, root);
      expect(location.uriBaseId).toBe('%SRCROOT%');
      expect(location.uri).not.toMatch(/[ #?\u0080-\uffff]/);
      expect(fileURLToPath(new URL(location.uri, 'file:///work/repo/'))).toBe(join(root, name));
    }
    expect(artifactLocationOf('k8s/#1.yaml', root).uri).toBe('k8s/%231.yaml');
  });

  it('makes paths relative to %SRCROOT% (the repository root), also for files named relative to a subfolder', () => {
    expect(artifactLocationOf('se.yaml', '/repo', '/repo/k8s')).toEqual({ uri: 'k8s/se.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocationOf('/elsewhere/x y.yaml', '/repo')).toEqual({ uri: 'file:///elsewhere/x%20y.yaml' });
  });

  it('gives every result a physical location: cluster-level ones at the best anchor, and says so', () => {
    const log = buildSarif({ ...sampleReport, failOn: 'high' }, { rules: sampleCatalogue, srcRoot: '/repo', anchors: [{ path: '/outside/cfg.yaml', role: 'the outside file' }, { path: '/repo/.istio-isolation-scanner.yaml', role: 'the scanner configuration' }] });
    if (!validateSarif(log)) throw new Error(JSON.stringify(validateSarif.errors, null, 2));
    const results = log.runs[0]!.results!;
    for (const result of results) expect(result.locations![0]!.physicalLocation!.artifactLocation!.uri).toBeTruthy();
    const clusterLevel = results.find((r) => r.ruleId === 'host-conflict-cross-namespace')!;
    // Anchors inside the repository come first: GitHub can show them.
    expect(clusterLevel.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: '.istio-isolation-scanner.yaml', uriBaseId: '%SRCROOT%' });
    expect(clusterLevel.locations![0]!.message!.text).toBe('This finding is cluster-level; no manifest line holds it, so it is shown at the scanner configuration.');
    expect(log.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri).toBe('file:///repo/');
  });

  it('anchors findings read from standard input, since "-" is no file', () => {
    const report = { ...sampleReport, clusters: [clusterResult([finding({ source: { file: '-', line: 4 } })])] };
    const log = buildSarif(report, { rules: sampleCatalogue, srcRoot: '/repo', anchors: [] });
    expect(log.runs[0]!.results![0]!.locations![0]!.message!.text).toMatch(/read from standard input/);
  });

  it('carries baselineState, the finding id as partial fingerprint, and context as notes', () => {
    const log = buildSarif({ ...sampleReport, clusters: [comparedResult()], failOn: 'high' }, { rules: sampleCatalogue, srcRoot: '/repo' });
    if (!validateSarif(log)) throw new Error(JSON.stringify(validateSarif.errors, null, 2));
    const [fresh, old, context] = log.runs[0]!.results!;
    expect([fresh!.baselineState, old!.baselineState]).toEqual(['new', 'unchanged']);
    expect(fresh!.partialFingerprints).toEqual({ 'findingId/v1': id(1) });
    expect(fresh!.properties).toMatchObject({ failsGate: true, scope: 'tenant' });
    expect(context!.level).toBe('note');
    expect(context!.properties).toMatchObject({ failsGate: false, scope: 'context' });
  });

  it('keeps at most 25,000 results (failing ones first) and says so in the log and to the user', () => {
    expect(GITHUB_SARIF_LIMITS).toEqual({ resultsPerRun: 25_000, displayedResultsPerRun: 5_000, gzipBytes: 10 * 1024 * 1024 });
    const many = Array.from({ length: 30 }, (_, i) => finding({ findingId: id(i), severity: i === 29 ? 'critical' : 'low', namespace: `t-${i}` }));
    const warnings: string[] = [];
    const log = buildSarif({ ...sampleReport, clusters: [clusterResult(many)], failOn: 'high' }, { rules: sampleCatalogue, srcRoot: '/repo', warn: (m) => warnings.push(m), limits: { resultsPerRun: 10, displayedResultsPerRun: 5, gzipBytes: 10 * 1024 * 1024 } });
    if (!validateSarif(log)) throw new Error(JSON.stringify(validateSarif.errors, null, 2));
    const results = log.runs[0]!.results!;
    expect(results).toHaveLength(10);
    expect(results[0]!.properties!.findingId).toBe(id(29));
    expect(warnings.join('\n')).toMatch(/30 findings exceed GitHub code scanning's limit of 10 results per run/);
    expect(warnings.join('\n')).toMatch(/displays only the top 5/);
    expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications!.map((n) => n.message.text).join('\n')).toMatch(/limit of 10 results/);
  });

  it('trims a log whose gzip would exceed the upload limit until it fits, and says how many it kept', () => {
    const many = Array.from({ length: 400 }, (_, i) => finding({ findingId: id(i), namespace: `t-${i}`, message: `m${i} ${'x'.repeat(50)}` }));
    const report = { ...sampleReport, clusters: [clusterResult(many)], failOn: 'high' as const };
    const full = renderSarif(report, { rules: sampleCatalogue, srcRoot: '/repo' });
    const limit = Math.floor(gzipSync(full).length / 2);
    const warnings: string[] = [];
    const text = renderSarif(report, { rules: sampleCatalogue, srcRoot: '/repo', warn: (m) => warnings.push(m), limits: { ...GITHUB_SARIF_LIMITS, gzipBytes: limit } });
    expect(gzipSync(text).length).toBeLessThanOrEqual(limit);
    const log = JSON.parse(text) as ReturnType<typeof buildSarif>;
    if (!validateSarif(log)) throw new Error(JSON.stringify(validateSarif.errors, null, 2));
    const kept = log.runs[0]!.results!.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(400);
    expect(warnings).toEqual([`SARIF: Trimmed to ${kept} of 400 results: GitHub code scanning accepts at most ${limit} bytes of gzip-compressed SARIF per upload; the JSON report has every finding.`]);
  });
});

describe('JUnit XML', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });
  const junit = (report: ScanReport) => [...renderJunit(report, { failOn: report.failOn ?? 'high' })].join('');

  it('fails one testcase per finding that fails the gate, skips the others with the reason, and has a gate testcase', () => {
    const xml = junit({ ...sampleReport, clusters: [comparedResult()], failOn: 'high' });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml) as { testsuites: { tests: string; failures: string; skipped: string; testsuite: Array<{ testcase: Array<{ classname: string; name: string; failure?: unknown; skipped?: { message: string } }> }> } };
    expect([doc.testsuites.tests, doc.testsuites.failures, doc.testsuites.skipped]).toEqual(['4', '2', '2']);
    const cases = doc.testsuites.testsuite[0]!.testcase;
    expect(cases[0]!.classname).toBe('istio-isolation-scanner.aks-prod-1.gate');
    expect(cases[0]!.failure).toBeDefined();
    const skippedReasons = cases.filter((c) => c.skipped).map((c) => c.skipped!.message);
    expect(skippedReasons.some((m) => m.includes('unchanged: already in snapshot cluster.json'))).toBe(true);
    expect(skippedReasons.some((m) => m.includes('context'))).toBe(true);
  });

  it('passes the gate testcase of a clean scan', () => {
    const xml = junit({ ...sampleReport, clusters: [clusterResult([])], failOn: 'high' });
    const doc = parser.parse(xml) as { testsuites: { tests: string; failures: string } };
    expect([doc.testsuites.tests, doc.testsuites.failures]).toEqual(['1', '0']);
  });

  it('escapes markup and drops characters XML cannot carry, so hostile names cannot break the document', () => {
    const hostile = finding({ message: 'evil <x> & "q" \u001b[31m\u0000 ]]> </testcase>', resource: { apiVersion: 'v1', kind: 'ServiceEntry', name: 'a"b<c>', namespace: 'tenant-a' }, source: { file: 'k8s/&<>".yaml', line: 2 } });
    const xml = junit({ ...sampleReport, clusters: [clusterResult([hostile])], failOn: 'high' });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain('\u001b');
    const doc = parser.parse(xml) as { testsuites: { testsuite: Array<{ testcase: Array<{ name: string; file?: string }> }> } };
    expect(doc.testsuites.testsuite[0]!.testcase[1]!.file).toBe('k8s/&<>".yaml');
  });
});

describe('a cluster the gate cannot vouch for never looks green', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });
  const junit = (report: ScanReport) => [...renderJunit(report, { failOn: report.failOn ?? 'high' })].join('');
  const partial = (allowIncomplete?: boolean): ScanReport => {
    const result = clusterResult([]);
    result.record.status = 'partial';
    result.record.error = 'Could not read 1 input file(s) or document(s): k8s/broken.yaml:4';
    return { ...sampleReport, clusters: [result, clusterResult([], 'aks-prod-2')], failOn: 'high', ...(allowIncomplete === undefined ? {} : { allowIncomplete }) };
  };
  const failedToRead = (): ScanReport => {
    const result = clusterResult([]);
    result.record.status = 'failed';
    result.record.error = 'nothing could be read from the API server (connect ECONNREFUSED)';
    return { ...sampleReport, clusters: [result], failOn: 'none' };
  };

  it('markdown, table, JSON and JUnit fail the gate for a partial scan without a failing finding', () => {
    const report = partial();
    const markdown = renderMarkdown(report, { failOn: 'high' });
    expect(markdown).toContain('**Gate failed:** cluster aks-prod-1 was read only in part \\(Could not read 1 input file\\(s\\) or document\\(s\\)\\: k8s/broken.yaml\\:4\\); what was not read is unknown, not passed. No finding at or above high fails it.');
    expect(markdown).not.toContain('Gate passed');
    const table = renderTable(report, { color: false, failOn: 'high' }).replace(/\s+/g, ' ');
    expect(table).toContain('Gate cannot pass: the cluster was read only in part (Could not read 1 input file(s) or document(s): k8s/broken.yaml:4); what was not read is unknown, not passed.');
    expect(table.match(/Gate cannot pass/g)).toHaveLength(1);
    const json = buildJsonReport(report);
    expect(validateJson(json)).toBe(true);
    expect(json.gate).toEqual({ failOn: 'high', failingFindings: 0, incompleteClusters: ['aks-prod-1'] });
    const xml = junit(report);
    const doc = parser.parse(xml) as { testsuites: { failures: string; testsuite: Array<{ failures: string; testcase: Array<{ failure?: { message: string } }> }> } };
    expect(doc.testsuites.failures).toBe('1');
    expect(doc.testsuites.testsuite.map((suite) => suite.failures)).toEqual(['1', '0']);
    expect(doc.testsuites.testsuite[0]!.testcase[0]!.failure?.message).toBe('the cluster was read only in part (Could not read 1 input file(s) or document(s): k8s/broken.yaml:4); what was not read is unknown, not passed');
  });

  it('--allow-incomplete lets the findings decide again; a cluster that could not be read fails even with --fail-on none', () => {
    const accepted = partial(true);
    expect(renderMarkdown(accepted, { failOn: 'high' })).toContain('**Gate passed:**');
    expect(renderTable(accepted, { color: false, failOn: 'high' })).not.toContain('Gate cannot pass');
    expect(buildJsonReport(accepted).gate).toEqual({ failOn: 'high', failingFindings: 0 });
    expect((parser.parse(junit(accepted)) as { testsuites: { failures: string } }).testsuites.failures).toBe('0');

    const failed = failedToRead();
    expect(renderMarkdown(failed, { failOn: 'none' })).toContain('**Gate failed:** cluster aks-prod-1 could not be scanned\\: nothing could be read from the API server \\(connect ECONNREFUSED\\); what was not read is unknown, not passed. The findings gate is off');
    expect(buildJsonReport(failed).gate).toEqual({ failOn: 'none', failingFindings: 0, incompleteClusters: ['aks-prod-1'] });
  });
});

describe('readable reports of tenant and comparison runs', () => {
  it('mark new, unchanged and context findings, list resolved ones and state the gate', () => {
    const report: ScanReport = { ...sampleReport, clusters: [comparedResult()], failOn: 'high' };
    const table = renderTable(report, { color: false, failOn: 'high' });
    expect(table).toContain('[new] exportto-missing');
    expect(table).toContain('[unchanged] exportto-missing');
    expect(table).toContain('[new] [context] admission-exportto-policy-missing');
    expect(table).toContain('RESOLVED (1)');
    expect(table).toContain('Gate (--fail-on high): 1 finding(s) fail it.');
    expect(table.replace(/\s+/g, ' ')).toContain('Compared with snapshot cluster.json: 2 introduced by the change, 0 made worse, 1 unchanged, 1 resolved.');
    const markdown = renderMarkdown(report, { failOn: 'high' });
    expect(markdown).toContain('**Gate failed:** 1 finding(s) at or above high fail it.');
    expect(markdown).toContain('| high (new, context) |');
    expect(markdown).toContain('1 resolved finding(s)');
    expect(renderMarkdown({ ...report, clusters: [clusterResult([])] }, { failOn: 'high' })).toContain('**Gate passed:**');
  });
});

describe('format registry', () => {
  it('names every format once, guesses formats from file names, and loads renderers lazily', async () => {
    const names = REPORT_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(['table', 'json', 'sarif', 'markdown', 'junit'].every((n) => names.includes(n))).toBe(true);
    expect([formatOfFileName('r.sarif'), formatOfFileName('R.JSON'), formatOfFileName('c.md'), formatOfFileName('j.xml'), formatOfFileName('x.bin')]).toEqual(['sarif', 'json', 'markdown', 'junit', undefined]);
    const render = await reportFormat('json')!.load();
    // The JSON renderer streams (chunks, one finding at a time).
    const rendered = await render(sampleReport, { failOn: 'high', color: false, docsBaseUrl: 'https://x', cwd: '/', warn: () => undefined });
    const text = typeof rendered === 'string' ? rendered : [...(rendered as Iterable<string>)].join('');
    expect(JSON.parse(text)).toMatchObject({ scanId: 'scan-1' });
  });
});
