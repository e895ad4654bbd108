import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { buildJsonReport, indentedJson, JSON_REPORT_SCHEMA, renderJson } from '../../../src/report/json.js';
import { sampleReport } from './fixtures.js';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(JSON_REPORT_SCHEMA);

describe('JSON report', () => {
  it('matches the findings.md shape and its own schema', () => {
    const document = JSON.parse(renderJson(sampleReport)) as ReturnType<typeof buildJsonReport>;
    expect(validate(document)).toBe(true);
    expect(Object.keys(document)).toEqual(['scanId', 'scanner', 'clusters']);
    const cluster = document.clusters[0]!;
    expect(cluster).toMatchObject({ cluster: { name: 'aks-prod-1' }, status: 'succeeded', resourceCounts: { ServiceEntry: 3 } });
    expect(cluster.coverage.ServiceEntry).toEqual({ status: 'read', objects: 3 });
    const first = cluster.findings[0]!;
    expect(first.resource).toEqual({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'payments', namespace: 'tenant-a' });
    expect(first.affectedNamespaceCount).toBe(2);
    expect(first.source).toEqual({ file: 'demo/contaminated/tenant-a.yaml', line: 12 });
  });

  it('keeps suppressed findings, marked with their reason', () => {
    const document = buildJsonReport(sampleReport);
    const suppressed = document.clusters[0]!.findings.filter((f) => f.suppressed);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressionReason).toContain('TICKET-42');
  });

  it('the schema rejects a flattened resource and an unknown severity', () => {
    const document = buildJsonReport(sampleReport) as unknown as { clusters: Array<{ findings: Array<Record<string, unknown>> }> };
    const broken = structuredClone(document);
    broken.clusters[0]!.findings[0]!.resource = 'ServiceEntry/payments';
    expect(validate(broken)).toBe(false);
    const broken2 = structuredClone(document);
    broken2.clusters[0]!.findings[0]!.severity = 'urgent';
    expect(validate(broken2)).toBe(false);
  });

  it('streams byte for byte JSON.stringify of the whole document, with no, one and several clusters and findings', () => {
    const cluster = sampleReport.clusters[0]!;
    const variants = [
      sampleReport,
      { ...sampleReport, clusters: [] },
      { ...sampleReport, clusters: [{ ...cluster, findings: [] }] },
      { ...sampleReport, clusters: [cluster, { ...cluster, findings: cluster.findings.slice(0, 1) }, cluster], failOn: 'high' as const },
    ];
    for (const report of variants) expect(renderJson(report)).toBe(`${JSON.stringify(buildJsonReport(report), null, 2)}\n`);
  });

  it('indents a value as JSON.stringify does at any depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 5 }), (value, levels) => {
        expect(indentedJson(value, levels)).toBe(JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(levels)}`));
      }),
      { numRuns: 500 },
    );
  });
});
