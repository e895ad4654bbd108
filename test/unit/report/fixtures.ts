/** A small, hand-made scan report shared by the renderer tests (no rule logic involved). */
import type { Finding, Rule } from '../../../src/rules/types.js';
import type { ClusterScanResult, ScanReport } from '../../../src/report/types.js';

export function finding(overrides: Partial<Finding>): Finding {
  return {
    findingId: '0123456789abcdef0123456789abcdef',
    ruleId: 'exportto-missing',
    severity: 'high',
    category: 'exposure',
    title: 'ServiceEntry without exportTo',
    message: 'ServiceEntry tenant-a/payments has no exportTo and is visible in every namespace.',
    namespace: 'tenant-a',
    resource: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'payments', namespace: 'tenant-a' },
    affectedNamespaces: ['tenant-b', 'tenant-c'],
    evidence: { effectiveExportTo: ['*'], exportToSource: 'default' },
    remediation: 'Set exportTo: ["."]',
    fix: { type: 'merge-patch', target: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'payments', namespace: 'tenant-a' }, patch: { spec: { exportTo: ['.'] } } },
    suppressed: false,
    subjectKey: '',
    source: { file: 'demo/contaminated/tenant-a.yaml', line: 12 },
    ...overrides,
  };
}

export function clusterResult(findings: Finding[], name = 'aks-prod-1'): ClusterScanResult {
  return {
    record: {
      timeGenerated: '2026-01-01T00:00:00.000Z',
      scanId: 'scan-1',
      cluster: { name, resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${name}` },
      status: 'succeeded',
      error: '',
      durationMs: 12,
      apiRequests: 0,
      resourceCounts: { ServiceEntry: 3, Namespace: 4 },
      findingCounts: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      coverage: { ServiceEntry: { status: 'read', objects: 3 } },
      meshMode: 'Istio',
      meshRevisions: ['asm-1-25'],
      tenantNamespaces: 3,
      exposedTenantNamespaces: 1,
      scannerVersion: '0.1.0',
    },
    findings,
    exposureMatrix: { 'tenant-b': ['tenant-a', 'tenant-c'] },
  };
}

export const sampleFindings: Finding[] = [
  finding({}),
  finding({
    findingId: 'fedcba9876543210fedcba9876543210',
    ruleId: 'host-conflict-cross-namespace',
    severity: 'critical',
    message: 'Host api.example.com | pipes <b>and</b> markup are declared by tenant-a and tenant-c.',
    namespace: 'tenant-b',
    resource: undefined,
    fix: undefined,
    source: undefined,
    subjectKey: 'api.example.com',
  }),
  finding({
    findingId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    ruleId: 'quota-serviceentry-missing',
    severity: 'low',
    category: 'admission',
    namespace: 'tenant-c',
    suppressed: true,
    suppressionReason: 'quota managed by platform team (TICKET-42)',
    source: undefined,
  }),
];

export const sampleReport: ScanReport = { scanId: 'scan-1', scanner: { version: '0.1.0' }, clusters: [clusterResult(sampleFindings)] };

/** A catalogue matching the sample findings, so SARIF ruleIndex can be checked without other owners' rules. */
export const sampleCatalogue: Rule[] = ['exportto-missing', 'host-conflict-cross-namespace', 'quota-serviceentry-missing'].map((id) => ({
  meta: { id, title: `Title of ${id}`, category: 'exposure', defaultSeverity: 'high', rationale: 'Because.', remediation: 'Fix it.', references: ['https://istio.io/latest/docs/'], requires: [] },
  evaluate: () => [],
}));
