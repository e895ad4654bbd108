import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DYNAMIC_COLUMN_BUDGET_BYTES, toFindingRow, toScanRow } from '../../../src/report/log-analytics/rows.js';
import { jsonByteLength, limitJsonSize, type TruncatedValue } from '../../../src/report/log-analytics/truncate.js';
import { SCANNER_VERSION } from '../../../src/version.js';
import { sampleFinding, sampleResult } from './fixtures.js';
import { loadTableSchemas, schemaProblems } from './table-schema.js';

const tables = loadTableSchemas();

describe('row mapping against infra/schema/tables.json', () => {
  const result = sampleResult(3);
  const record = result.record;

  it('maps a finding to exactly the declared findings columns with their types', () => {
    const row = toFindingRow(result.findings[0]!, record);
    expect(schemaProblems(row, tables.findings)).toEqual([]);
  });

  it('maps a scan record to exactly the declared scans columns with their types', () => {
    expect(schemaProblems(toScanRow(record), tables.scans)).toEqual([]);
  });

  it('the schema check fails on a missing column, an extra column and a wrong type', () => {
    const row: Record<string, unknown> = { ...toFindingRow(result.findings[0]!, record) };
    delete row.Evidence;
    row.Extra = 'x';
    row.AffectedNamespaceCount = '3';
    expect(schemaProblems(row, tables.findings)).toEqual([
      'IstioIsolationFindings_CL: column AffectedNamespaceCount should be int, got "3"',
      'IstioIsolationFindings_CL: missing column Evidence',
      'IstioIsolationFindings_CL: column Extra is not declared',
    ]);
  });

  it('fills the finding columns from the finding and its scan record', () => {
    const finding = result.findings[1]!;
    const row = toFindingRow(finding, record);
    expect(row).toMatchObject({
      TimeGenerated: '2026-03-01T12:00:00.000Z',
      ScanId: record.scanId,
      FindingId: finding.findingId,
      RuleId: 'exportto-missing',
      Severity: 'high',
      Category: 'exposure',
      ClusterName: 'aks-prod-1',
      ClusterResourceId: record.cluster.resourceId,
      SubscriptionId: record.cluster.subscriptionId,
      ResourceGroup: 'rg-aks',
      ClusterLocation: 'westeurope',
      MeshRevisions: 'asm-1-24,asm-1-25',
      Namespace: 'tenant-1',
      ResourceKind: 'ServiceEntry',
      ResourceName: 'payments-1',
      ResourceNamespace: 'tenant-1',
      ResourceApiVersion: 'networking.istio.io/v1',
      AffectedNamespaces: ['tenant-b', 'tenant-c', 'tenant-d'],
      AffectedNamespaceCount: 3,
      Suppressed: false,
      SuppressionReason: '',
      ScannerVersion: '0.1.0',
    });
    expect(row.Evidence).toEqual(finding.evidence);
    expect(row.Fix).toEqual(finding.fix);
  });

  it('keeps cluster-level findings valid: no resource, no fix, suppressed with a reason', () => {
    const finding = sampleFinding(7, { resource: undefined, fix: undefined, namespace: '', suppressed: true, suppressionReason: 'accepted risk (TICKET-9)' });
    const row = toFindingRow(finding, { ...record, scannerVersion: '' });
    expect(schemaProblems(row, tables.findings)).toEqual([]);
    expect(row).toMatchObject({ Namespace: '', ResourceKind: '', ResourceName: '', Fix: null, Suppressed: true, SuppressionReason: 'accepted risk (TICKET-9)', ScannerVersion: SCANNER_VERSION });
  });

  it('computes the stable FindingId when a finding arrives without one', () => {
    const withId = sampleFinding(4);
    const row = toFindingRow({ ...withId, findingId: '' }, record);
    expect(row.FindingId).toBe(withId.findingId);
  });

  it('turns odd record values into valid columns instead of failing', () => {
    const odd = { ...record, timeGenerated: 'not a time', durationMs: Number.NaN, apiRequests: 12.7, meshRevisions: [] as string[], error: undefined as unknown as string };
    const row = toScanRow(odd);
    expect(schemaProblems(row, tables.scans)).toEqual([]);
    expect(row).toMatchObject({ DurationMs: 0, ApiRequests: 13, MeshRevisions: '', Error: '' });
  });

  it('fills the scan columns from the record', () => {
    expect(toScanRow(record)).toMatchObject({
      Status: 'succeeded',
      DurationMs: 4321,
      ApiRequests: 57,
      ResourceCounts: { ServiceEntry: 3, Namespace: 12 },
      FindingCounts: { critical: 0, high: 3, medium: 0, low: 0, info: 0 },
      Coverage: record.coverage,
      MeshMode: 'Istio',
      MeshRevisions: 'asm-1-24,asm-1-25',
      TenantNamespaces: 10,
      ExposedTenantNamespaces: 3,
    });
  });
});

describe('oversized Evidence', () => {
  it('is truncated with a marker that keeps its beginning, never dropped', () => {
    const evidence = { hosts: Array.from({ length: 5000 }, (_unused, index) => `host-${index}.tenant.svc.cluster.local`) };
    const row = toFindingRow(sampleFinding(1, { evidence }), sampleResult(1).record);
    const marker = row.Evidence as TruncatedValue;
    expect(marker.truncated).toBe(true);
    expect(marker.originalBytes).toBe(jsonByteLength(evidence));
    expect(JSON.stringify(evidence).startsWith(marker.partialJson)).toBe(true);
    expect(marker.partialJson.length).toBeGreaterThan(DYNAMIC_COLUMN_BUDGET_BYTES / 2);
    expect(jsonByteLength(marker)).toBeLessThanOrEqual(DYNAMIC_COLUMN_BUDGET_BYTES);
    expect(schemaProblems(row, loadTableSchemas().findings)).toEqual([]);
  });

  it('records evidence that cannot be serialized instead of crashing', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const row = toFindingRow(sampleFinding(1, { evidence: circular }), sampleResult(1).record);
    expect(row.Evidence).toMatchObject({ unserializable: true, error: expect.stringMatching(/circular/i) });
  });

  it('limitJsonSize: any value comes back unchanged when it fits, else as a marker within budget', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 80, max: 400 }), (value, budget) => {
        const limited = limitJsonSize(value, budget);
        if (jsonByteLength(value) <= budget) {
          expect(limited).toEqual(value === undefined ? null : value);
        } else {
          const marker = limited as TruncatedValue;
          expect(marker.truncated).toBe(true);
          expect(jsonByteLength(marker)).toBeLessThanOrEqual(budget);
          expect(JSON.stringify(value).startsWith(marker.partialJson)).toBe(true);
        }
      }),
    );
  });

  it('never splits a multi-byte character', () => {
    const evidence = { text: '€'.repeat(50_000) };
    const marker = limitJsonSize(evidence, 1001) as TruncatedValue;
    expect(marker.partialJson).not.toContain('\uFFFD');
    expect(jsonByteLength(marker)).toBeLessThanOrEqual(1001);
  });
});
