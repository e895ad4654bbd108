/**
 * The ingress rules ship through the same Log Analytics rows: new RuleId and Category values,
 * no new column (infra/schema/tables.json unchanged), evidence within the dynamic-column
 * budget, and the exposure edges the workbook can read from Evidence.exposureEdges.
 */
import { describe, expect, it } from '@jest/globals';
import { loadDemoFleet } from '../../../src/snapshot/offline.js';
import { defaultConfig } from '../../../src/config/types.js';
import { scanSnapshot } from '../../../src/report/scan-result.js';
import { DYNAMIC_COLUMN_BUDGET_BYTES, toFindingRow } from '../../../src/report/log-analytics/rows.js';
import { jsonByteLength } from '../../../src/report/log-analytics/truncate.js';
import { loadTableSchemas, schemaProblems } from './table-schema.js';

const INGRESS_RULES = ['gateway-hosts-unrestricted', 'gateway-host-claimed-cross-namespace', 'gateway-selects-foreign-workload', 'gateway-allowedroutes-broad', 'route-hostname-conflict-cross-namespace', 'referencegrant-broad'];

describe('ingress findings as Log Analytics rows', () => {
  const demo = loadDemoFleet().find(({ snapshot }) => snapshot.cluster.name === 'aks-shared-ingress')!;
  const result = scanSnapshot(demo.snapshot, defaultConfig({ sharedNamespaces: ['shared-egress'] }), { scanId: 'rows', startedAt: Date.now() });
  const rows = result.findings.filter((finding) => finding.category === 'ingress').map((finding) => toFindingRow(finding, result.record));
  const tables = loadTableSchemas();

  it('has a row for every ingress rule, in the ingress category', () => {
    expect([...new Set(rows.map((row) => row.RuleId))].sort()).toEqual([...INGRESS_RULES].sort());
    expect(new Set(rows.map((row) => row.Category))).toEqual(new Set(['ingress']));
  });

  it('fits the declared columns exactly, and the evidence budget', () => {
    for (const row of rows) {
      expect(schemaProblems(row, tables.findings)).toEqual([]);
      expect(jsonByteLength(row.Evidence)).toBeLessThanOrEqual(DYNAMIC_COLUMN_BUDGET_BYTES);
    }
  });

  it('carries the ingress edges in Evidence.exposureEdges', () => {
    const claimed = rows.find((row) => row.RuleId === 'gateway-host-claimed-cross-namespace')!;
    expect((claimed.Evidence as { exposureEdges: unknown }).exposureEdges).toEqual([{ from: 'team-promo', to: 'team-shop', kind: 'ingress' }]);
    expect(claimed.AffectedNamespaces).toEqual(['team-shop']);
  });
});
