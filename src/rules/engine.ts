import type { ScannerConfig } from '../config/types.js';
import { buildMeshModel, type MeshModel } from '../mesh/model.js';
import { computeFindingId } from '../report/finding-id.js';
import type { ClusterScanResult, ScanRecord, ScanStatus } from '../report/types.js';
import { isUnreadable } from '../snapshot/coverage.js';
import type { ClusterSnapshot, CoverageEntry, SnapshotKind } from '../snapshot/types.js';
import { SCANNER_VERSION } from '../version.js';
import { ALL_RULES } from './registry.js';
import { applySuppressions, indexObjects, objectOf } from './suppression.js';
import { SEVERITIES, type Finding, type Rule, type RuleContext, type RuleResult, type Severity } from './types.js';

/** Kinds whose coverage leaves every rule that requires them unknown. */
export function unreadableKinds(snapshot: ClusterSnapshot): SnapshotKind[] {
  return (Object.entries(snapshot.coverage) as Array<[SnapshotKind, CoverageEntry]>)
    .filter(([, entry]) => isUnreadable(entry.status))
    .map(([kind]) => kind);
}

/** A rule is skipped when data it requires was not read: it must never report "compliant" on missing data. */
export function ruleIsBlind(rule: Rule, snapshot: ClusterSnapshot): boolean {
  const unreadable = new Set(unreadableKinds(snapshot));
  if (rule.meta.requires.some((kind) => unreadable.has(kind))) return true;
  return Boolean(rule.meta.requiresAks) && !snapshot.aksCluster;
}

export interface EvaluateOptions {
  rules?: readonly Rule[];
  /** A model already built for this snapshot and config (its indexes are expensive on big clusters). */
  model?: MeshModel;
}

/** Runs every enabled rule over one snapshot and returns finished findings (ids, titles, suppression). */
export function evaluateSnapshot(snapshot: ClusterSnapshot, config: ScannerConfig, options: EvaluateOptions = {}): Finding[] {
  const rules = (options.rules ?? ALL_RULES).filter((rule) => !config.disabledRules.includes(rule.meta.id));
  const ctx: RuleContext = { snapshot, config, model: options.model ?? buildMeshModel(snapshot, config) };
  const findings: Finding[] = [];
  // One index of the snapshot's objects serves both finding locations and annotation suppressions.
  const objects = indexObjects(snapshot);
  for (const rule of rules) {
    if (rule.meta.id !== 'scan-incomplete' && ruleIsBlind(rule, snapshot)) continue;
    for (const result of rule.evaluate(ctx)) {
      const subjectKey = result.subjectKey ?? '';
      const finding: Finding = {
        findingId: computeFindingId({
          clusterResourceId: snapshot.cluster.resourceId ?? snapshot.cluster.name,
          ruleId: rule.meta.id,
          namespace: result.namespace,
          resourceKind: result.resource?.kind ?? '',
          resourceName: result.resource?.name ?? '',
          subjectKey,
        }),
        ruleId: rule.meta.id,
        severity: config.severityOverrides[rule.meta.id] ?? result.severity ?? rule.meta.defaultSeverity,
        category: rule.meta.category,
        title: rule.meta.title,
        message: result.message,
        namespace: result.namespace,
        resource: result.resource,
        affectedNamespaces: [],
        evidence: result.evidence,
        remediation: result.remediation ?? rule.meta.remediation,
        fix: result.fix,
        suppressed: false,
        subjectKey,
        // Offline scans know where each object was written; SARIF and fixes need it.
        source: result.source ?? objectOf(objects, result.resource)?.source,
      };
      keepLazyAffectedNamespaces(result, finding);
      findings.push(finding);
    }
  }
  return applySuppressions(findings, snapshot, config, objects);
}

/**
 * A rule may give affectedNamespaces as a getter when the list is large and shared (every
 * namespace importing a public object): it is then built when an output reads it, one finding
 * at a time, instead of for every finding during evaluation. Plain values are copied.
 */
function keepLazyAffectedNamespaces(result: RuleResult, finding: Finding): void {
  const descriptor = Object.getOwnPropertyDescriptor(result, 'affectedNamespaces');
  if (descriptor?.get) Object.defineProperty(finding, 'affectedNamespaces', { get: descriptor.get, enumerable: true, configurable: true });
  else finding.affectedNamespaces = result.affectedNamespaces ?? [];
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of findings) if (!finding.suppressed) counts[finding.severity] += 1;
  return counts;
}

export interface ScanClusterOptions {
  scanId: string;
  startedAt: number;
  /** Set when the scan could not complete (unreachable cluster). */
  failure?: string;
  now?: () => Date;
}

/** Evaluates a snapshot and builds the scan record (findings.md IstioIsolationScans_CL). */
export function scanSnapshot(snapshot: ClusterSnapshot, config: ScannerConfig, options: ScanClusterOptions): ClusterScanResult {
  const model = buildMeshModel(snapshot, config);
  const findings = evaluateSnapshot(snapshot, config, { model });
  const exposureMatrix = exposureMatrixOf(findings);
  const unreadable = unreadableKinds(snapshot);
  const status: ScanStatus = options.failure ? 'failed' : unreadable.length > 0 ? 'partial' : 'succeeded';
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
    error: options.failure ?? (unreadable.length > 0 ? `Could not read: ${unreadable.map((k) => `${k} (${snapshot.coverage[k]?.status})`).join(', ')}` : ''),
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
  return { record, findings, exposureMatrix };
}

/** Importing namespace -> foreign owners, from the headline exposure findings (evidence.foreignOwners). */
export function exposureMatrixOf(findings: Finding[]): Record<string, string[]> {
  const matrix: Record<string, string[]> = {};
  for (const finding of findings) {
    if (finding.ruleId !== 'namespace-imports-foreign-config' || finding.suppressed) continue;
    const owners = finding.evidence.foreignOwners;
    if (Array.isArray(owners)) matrix[finding.namespace] = owners.map(String).sort();
  }
  return matrix;
}
