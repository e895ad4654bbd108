import type { Finding, Severity } from '../rules/types.js';
import type { ClusterIdentity, CoverageEntry, SnapshotKind } from '../snapshot/types.js';

/**
 * succeeded: every kind read; partial: some kinds, or offline some manifest files, unreadable; failed: the cluster could not be
 * read (unreachable, crashed after retries); skipped: not scanned by policy (no Entra ID:
 * its only credential is an admin-equivalent local account; docs/fleet-scanning.md).
 */
export type ScanStatus = 'succeeded' | 'partial' | 'failed' | 'skipped';

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

/**
 * With `--tenant`: how a finding relates to the tenant. `tenant` findings are the tenant's
 * to fix (its objects, its namespaces, what its objects do to others) and can fail the
 * gate; `context` findings (mesh defaults, admission, AKS settings, namespace posture the
 * platform provides) are shown and never fail it. Findings of other tenants are left out.
 */
export type FindingScope = 'tenant' | 'context';

/** The scope a `--tenant` scan judged, per cluster (src/report/scope.ts). */
export interface ClusterScope {
  /** Tenant namespace names or globs, as given. */
  tenants: string[];
  /** findingId -> scope, for every finding kept in `findings`. */
  scopes: Map<string, FindingScope>;
  /** Findings of other namespaces left out of the report (counted, never listed). */
  outOfScope: number;
}

/**
 * Against a base (`--against`, `--baseline`): `new` findings are introduced by the change,
 * `updated` ones existed but got more severe or lost their suppression, `unchanged` ones
 * were there before. Names follow SARIF's result.baselineState.
 */
export type BaselineState = 'new' | 'updated' | 'unchanged';

export interface ClusterComparison {
  /** What the findings were compared with, for people: "snapshot cluster.json", "baseline previous.json". */
  against: string;
  /** `change`: --manifests on top of a base (--against); `baseline`: a previous report (--baseline). */
  kind: 'change' | 'baseline';
  /** findingId -> state, for every finding in `findings`. */
  states: Map<string, BaselineState>;
  /** Base findings the change (or the time since the baseline) resolved. */
  resolved: Finding[];
}

/** Everything one cluster scan produced. */
export interface ClusterScanResult {
  record: ScanRecord;
  findings: Finding[];
  /** Importing tenant namespace -> foreign owner namespaces (for the exposure matrix). */
  exposureMatrix: Record<string, string[]>;
  /** Set by `--tenant` (or configured tenant patterns). */
  scope?: ClusterScope;
  /** Set by `--against` or `--baseline`. */
  comparison?: ClusterComparison;
  /** Every tenant namespace of the cluster, sorted (the nodes of the exposure graph). */
  tenantNamespaceNames?: readonly string[];
}

/** The CLI's JSON document (findings.md "CLI output"). */
export interface ScanReport {
  scanId: string;
  scanner: { version: string };
  clusters: ClusterScanResult[];
  /** The threshold the run gates on (`--fail-on`); outputs that mark failing findings read it. */
  failOn?: Severity | 'none';
  /** `--allow-incomplete`: a partial scan does not stop the gate from passing. */
  allowIncomplete?: boolean;
}
