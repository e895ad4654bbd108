import type { Finding, Severity } from '../rules/types.js';
import type { ClusterIdentity, CoverageEntry, SnapshotKind } from '../snapshot/types.js';

export type ScanStatus = 'succeeded' | 'partial' | 'failed';

/** One row of IstioIsolationScans_CL, camelCase (findings.md). */
export interface ScanRecord {
  timeGenerated: string;
  scanId: string;
  cluster: ClusterIdentity;
  status: ScanStatus;
  error: string;
  durationMs: number;
  apiRequests: number;
  resourceCounts: Partial<Record<SnapshotKind, number>>;
  findingCounts: Record<Severity, number>;
  coverage: Partial<Record<SnapshotKind, CoverageEntry>>;
  meshMode: string;
  meshRevisions: string[];
  tenantNamespaces: number;
  exposedTenantNamespaces: number;
  scannerVersion: string;
}

/** Everything one cluster scan produced. */
export interface ClusterScanResult {
  record: ScanRecord;
  findings: Finding[];
  /** Importing tenant namespace -> foreign owner namespaces (for the exposure matrix). */
  exposureMatrix: Record<string, string[]>;
}

/** The CLI's JSON document (findings.md "CLI output"). */
export interface ScanReport {
  scanId: string;
  scanner: { version: string };
  clusters: ClusterScanResult[];
}
