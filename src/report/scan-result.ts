/**
 * One cluster scan's result: the findings of the rule engine plus the scan record
 * (findings.md IstioIsolationScans_CL) and the exposure matrix every output shows.
 */
import type { ScannerConfig } from '../config/types.js';
import { buildMeshModel } from '../mesh/model.js';
import { evaluateSnapshot, unreadableKinds } from '../rules/engine.js';
import { listSummaryOf, summaryOfList, withListSummary } from '../rules/list-summary.js';
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';
import { clusterReadFailure, describeUnreadInput, unreadInput } from '../snapshot/coverage.js';
import type { ClusterSnapshot, SnapshotKind } from '../snapshot/types.js';
import { SCANNER_VERSION } from '../version.js';
import type { ClusterScanResult, ScanRecord, ScanStatus } from './types.js';

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of findings) if (!finding.suppressed) counts[finding.severity] += 1;
  return counts;
}

export interface ScanClusterOptions {
  scanId: string;
  startedAt: number;
  /** Set when the scan could not complete (unreachable cluster). A snapshot from which nothing could be read fails too. */
  failure?: string;
  /** Set (to why) when the cluster was not scanned by policy: status `skipped`, whatever else is set. */
  skipped?: string;
  now?: () => Date;
}

/** Evaluates a snapshot and builds the scan record (findings.md IstioIsolationScans_CL). */
export function scanSnapshot(snapshot: ClusterSnapshot, config: ScannerConfig, options: ScanClusterOptions): ClusterScanResult {
  const model = buildMeshModel(snapshot, config);
  const findings = evaluateSnapshot(snapshot, config, { model });
  const exposureMatrix = exposureMatrixOf(findings);
  const unreadable = unreadableKinds(snapshot);
  const skipped = options.skipped ?? snapshot.skipped;
  // Nothing read at all (refused TLS, 401, every kind failed) is a failed scan, not a partial one.
  const failure = skipped ? undefined : (options.failure ?? clusterReadFailure(snapshot)?.cause);
  // Manifest files that could not be read leave the scan incomplete like a kind that could not be listed.
  const unreadFiles = unreadInput(snapshot);
  const gaps = [
    ...(unreadable.length > 0 ? [`Could not read: ${unreadable.map((k) => `${k} (${snapshot.coverage[k]?.status})`).join(', ')}`] : []),
    ...(unreadFiles.length > 0 ? [describeUnreadInput(unreadFiles)] : []),
  ];
  const status: ScanStatus = skipped ? 'skipped' : failure ? 'failed' : gaps.length > 0 ? 'partial' : 'succeeded';
  const resourceCounts: Partial<Record<SnapshotKind, number>> = {};
  for (const [kind, objects] of Object.entries(snapshot.objects) as Array<[SnapshotKind, unknown[]]>) {
    if (objects.length > 0 || snapshot.coverage[kind]?.status === 'read') resourceCounts[kind] = objects.length;
  }
  const now = options.now ?? (() => new Date());
  const record: ScanRecord = {
    timeGenerated: now().toISOString(),
    scanId: options.scanId,
    cluster: snapshot.cluster,
    status,
    error: skipped ?? failure ?? gaps.join('; '),
    durationMs: Date.now() - options.startedAt,
    apiRequests: snapshot.apiRequests,
    resourceCounts,
    findingCounts: countBySeverity(findings),
    coverage: snapshot.coverage,
    meshMode: snapshot.meshMode,
    meshRevisions: snapshot.meshRevisions,
    tenantNamespaces: model.tenantNamespaces().length,
    exposedTenantNamespaces: Object.keys(exposureMatrix).length,
    scannerVersion: SCANNER_VERSION,
  };
  return { record, findings, exposureMatrix, tenantNamespaceNames: model.tenantNamespaces() };
}

/**
 * Importing namespace -> foreign owners, from the headline exposure findings
 * (evidence.foreignOwners). In an open mesh every namespace imports from nearly every other
 * one, so a row the rule summarises (list-summary.ts) is a getter that builds it when read,
 * with the summary recorded beside it: the outputs bound rows from the summaries
 * (bounded.ts boundedMatrix, matrixOwners) and never build namespaces x owners names.
 */
export function exposureMatrixOf(findings: Finding[]): Record<string, string[]> {
  const matrix: Record<string, string[]> = {};
  for (const finding of findings) {
    if (finding.ruleId !== 'namespace-imports-foreign-config' || finding.suppressed) continue;
    const evidence = finding.evidence;
    const summary = listSummaryOf(evidence, 'foreignOwners');
    if (summary) {
      delete matrix[finding.namespace];
      Object.defineProperty(matrix, finding.namespace, { get: () => (evidence.foreignOwners as unknown[]).map(String).sort(), enumerable: true, configurable: true });
      withListSummary(matrix, finding.namespace, summary);
      continue;
    }
    const owners = evidence.foreignOwners;
    if (!Array.isArray(owners)) continue;
    const row = owners.map(String).sort();
    delete matrix[finding.namespace];
    matrix[finding.namespace] = row;
    withListSummary(matrix, finding.namespace, summaryOfList(row));
  }
  return matrix;
}
