/**
 * Exit codes (findings.md "CLI output"): 0 when no unsuppressed finding reaches --fail-on,
 * 1 when one does, 2 on usage or input errors (nothing could be read, bad option values) and
 * when the scan cannot vouch for its result: a cluster that could not be read, one read only
 * in part (unless --allow-incomplete), results not delivered to Log Analytics.
 */
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** The gate could not see (or deliver) everything: never a pass. Same code as usage errors. */
export const EXIT_INCOMPLETE = 2;

export type FailOn = Severity | 'none';

/** A usage or input error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}

export function parseFailOn(value: string): FailOn {
  const normalized = value.toLowerCase();
  if (normalized === 'none' || (SEVERITIES as readonly string[]).includes(normalized)) return normalized as FailOn;
  throw new UsageError(`--fail-on must be one of ${[...SEVERITIES, 'none'].join(', ')} (got "${value}")`);
}

/** Unsuppressed findings at or above the threshold (critical is the highest). */
export function findingsAtOrAbove(findings: Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'none') return [];
  const threshold = SEVERITIES.indexOf(failOn);
  return findings.filter((finding) => !finding.suppressed && SEVERITIES.indexOf(finding.severity) <= threshold);
}

export function exitCodeFor(findings: Finding[], failOn: FailOn): number {
  return findingsAtOrAbove(findings, failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
