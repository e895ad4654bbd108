/**
 * Which findings decide a run's exit code. One place, so the exit code, the JUnit failures,
 * the GitHub annotations and every report's "fails the gate" mark agree.
 *
 * A finding counts when it is unsuppressed, at or above `--fail-on`, not context of a
 * `--tenant` scan, and, in a comparison (`--against`, `--baseline`), new or worse than in
 * the base (scan-incomplete always counts: data that could not be read is unknown now,
 * whatever it was before). Everything else is still reported, with the reason it does not
 * count.
 */
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';
import type { ClusterScanResult, ScanReport } from './types.js';

export type FailOn = Severity | 'none';

export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn);
}

/** Why `finding` does not count towards the gate, or undefined when it does. */
export function gateExemption(result: ClusterScanResult, finding: Finding, failOn: FailOn): string | undefined {
  if (finding.suppressed) return `suppressed: ${finding.suppressionReason || 'no reason given'}`;
  if (result.scope?.scopes.get(finding.findingId) === 'context') return 'context: a cluster-level setting the tenant does not own';
  const state = result.comparison?.states.get(finding.findingId);
  // What could not be read is unknown now, whatever it was before: never waved through as unchanged.
  if (state === 'unchanged' && finding.ruleId !== 'scan-incomplete') return `unchanged: already in ${result.comparison!.against}`;
  if (!atOrAbove(finding.severity, failOn)) return failOn === 'none' ? 'the gate is off (--fail-on none)' : `below --fail-on ${failOn}`;
  return undefined;
}

/**
 * Why the gate cannot vouch for a cluster's result, whatever its findings: it could not be
 * scanned, was not scanned by policy, or was read only in part (unless --allow-incomplete).
 * Undefined when it can. The exit code and every report's gate verdict read this.
 */
export function coverageBlock(result: ClusterScanResult, allowIncomplete: boolean): string | undefined {
  const { status, error } = result.record;
  if (status === 'failed') return `could not be scanned: ${error}`;
  if (status === 'skipped') return `was not scanned: ${error}`;
  if (status === 'partial' && !allowIncomplete) return `was read only in part (${error})`;
  return undefined;
}

/** Clusters of the report the gate cannot vouch for, with why ("cluster b was read only in part (...)"). */
export function blockedClusters(report: ScanReport): Array<{ cluster: string; reason: string }> {
  return report.clusters.flatMap((result) => {
    const reason = coverageBlock(result, Boolean(report.allowIncomplete));
    return reason ? [{ cluster: result.record.cluster.name, reason }] : [];
  });
}

export function gatingFindings(result: ClusterScanResult, failOn: FailOn): Finding[] {
  return result.findings.filter((finding) => gateExemption(result, finding, failOn) === undefined);
}

/** Every finding of the report that fails the gate. */
export function failingFindings(report: ScanReport, failOn: FailOn): Finding[] {
  return report.clusters.flatMap((result) => gatingFindings(result, failOn));
}
