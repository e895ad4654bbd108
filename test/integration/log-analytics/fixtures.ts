/** Scan results for the sink tests: realistic findings with stable ids (no rule logic involved). */
import { computeFindingId } from '../../../src/rules/finding-id.js';
import type { ClusterScanResult } from '../../../src/report/types.js';
import type { Finding } from '../../../src/rules/types.js';

export const CLUSTER_RESOURCE_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod-1';

/** Finding number `index` of a cluster: a ServiceEntry without exportTo in namespace tenant-<index>. */
export function sampleFinding(index: number, overrides: Partial<Finding> = {}): Finding {
  const namespace = `tenant-${index}`;
  const resource = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: `payments-${index}`, namespace };
  return {
    findingId: computeFindingId({ clusterResourceId: CLUSTER_RESOURCE_ID, ruleId: 'exportto-missing', namespace, resourceKind: resource.kind, resourceName: resource.name, subjectKey: '' }),
    ruleId: 'exportto-missing',
    severity: 'high',
    category: 'exposure',
    title: 'ServiceEntry without exportTo',
    message: `ServiceEntry ${namespace}/${resource.name} has no exportTo and is visible in every namespace.`,
    namespace,
    resource,
    affectedNamespaces: ['tenant-b', 'tenant-c', 'tenant-d'],
    // Realistic weight (~1 KB per row) so 5,000 findings need several 1 MB calls.
    evidence: { effectiveExportTo: ['*'], exportToSource: 'default', hosts: [`payments-${index}.example.com`], note: 'x'.repeat(600) },
    remediation: 'Set exportTo: ["."] on the ServiceEntry.',
    fix: { type: 'merge-patch', target: resource, patch: { spec: { exportTo: ['.'] } } },
    suppressed: false,
    subjectKey: '',
    ...overrides,
  };
}

export function sampleResult(findingCount: number, overrides: Partial<ClusterScanResult['record']> = {}): ClusterScanResult {
  const findings = Array.from({ length: findingCount }, (_unused, index) => sampleFinding(index));
  return {
    record: {
      timeGenerated: '2026-03-01T12:00:00.000Z',
      scanId: 'scan-2026-03-01T12:00Z',
      cluster: { name: 'aks-prod-1', resourceId: CLUSTER_RESOURCE_ID, subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-aks', location: 'westeurope' },
      status: 'succeeded',
      error: '',
      durationMs: 4321,
      apiRequests: 57,
      resourceCounts: { ServiceEntry: findingCount, Namespace: 12 },
      findingCounts: { critical: 0, high: findingCount, medium: 0, low: 0, info: 0 },
      coverage: { ServiceEntry: { status: 'read', objects: findingCount }, Sidecar: { status: 'absent', error: 'CRD not installed' } },
      meshMode: 'Istio',
      meshRevisions: ['asm-1-24', 'asm-1-25'],
      tenantNamespaces: 10,
      exposedTenantNamespaces: 3,
      scannerVersion: '0.1.0',
      ...overrides,
    },
    findings,
    exposureMatrix: {},
  };
}
