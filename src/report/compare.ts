/**
 * Findings now against findings before: the base cluster before a change (`--against`) or a
 * previous report (`--baseline`). Findings are matched by their stable id (findings.md
 * FindingId: cluster, rule, namespace, object and subject), so the same problem is the same
 * finding whatever its message says today.
 *
 * A matched finding that got more severe, or lost its suppression, is `updated` and can
 * fail the gate like a `new` one: a change that turns a high into a critical hijack is not
 * "unchanged". Base findings without a match are `resolved`.
 */
import { SEVERITIES, type Finding } from '../rules/types.js';
import type { BaselineState, ClusterComparison, ClusterScanResult } from './types.js';

export interface ComparableFinding {
  findingId: string;
  severity: Finding['severity'];
  suppressed: boolean;
}

function isWorse(now: ComparableFinding, before: ComparableFinding): boolean {
  return SEVERITIES.indexOf(now.severity) < SEVERITIES.indexOf(before.severity) || (before.suppressed && !now.suppressed);
}

export function compareFindings<T extends ComparableFinding>(current: Finding[], base: T[]): { states: Map<string, BaselineState>; resolved: T[] } {
  const before = new Map(base.map((finding) => [finding.findingId, finding]));
  const states = new Map<string, BaselineState>();
  for (const finding of current) {
    const previous = before.get(finding.findingId);
    states.set(finding.findingId, previous === undefined ? 'new' : isWorse(finding, previous) ? 'updated' : 'unchanged');
  }
  const resolved = base.filter((finding) => !states.has(finding.findingId));
  return { states, resolved };
}

/** The result with its comparison against `base` attached. */
export function withComparison(result: ClusterScanResult, base: Finding[], against: string, kind: ClusterComparison['kind']): ClusterScanResult {
  const { states, resolved } = compareFindings(result.findings, base);
  return { ...result, comparison: { against, kind, states, resolved } };
}
