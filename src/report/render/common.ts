/** Small helpers shared by the human-readable renderers (table, markdown). */
import type { Finding, Severity } from '../../rules/types.js';
import { SEVERITIES } from '../../rules/types.js';
import type { ClusterScanResult } from '../types.js';

export const SEVERITY_ORDER: Record<Severity, number> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** `Kind ns/name`, `Kind name` (cluster-scoped) or '' when the finding has no object. */
export function resourceLabel(finding: Finding): string {
  const resource = finding.resource;
  if (!resource) return '';
  return `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
}

/** Findings by severity (unsuppressed), most severe first, then rule and namespace for a stable order. */
export function groupBySeverity(findings: Finding[]): Array<[Severity, Finding[]]> {
  const groups = new Map<Severity, Finding[]>();
  for (const finding of findings) {
    if (finding.suppressed) continue;
    const list = groups.get(finding.severity) ?? [];
    list.push(finding);
    groups.set(finding.severity, list);
  }
  return SEVERITIES.filter((s) => groups.has(s)).map((s) => [s, sortFindings(groups.get(s)!)]);
}

/** Code-unit order: the same on every machine and locale, and fast on 200,000 findings (localeCompare is not). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compareText(a.ruleId, b.ruleId) ||
      compareText(a.namespace, b.namespace) ||
      compareText(resourceLabel(a), resourceLabel(b)) ||
      compareText(a.subjectKey, b.subjectKey),
  );
}

/** Columns of the exposure matrix: every foreign owner namespace, sorted. */
export function matrixColumns(matrix: Record<string, string[]>): string[] {
  return [...new Set(Object.values(matrix).flat())].sort();
}

/** Short marks of a finding in a `--tenant` or comparison run: `new`, `unchanged`, `context`. */
export function findingMarks(result: ClusterScanResult, finding: Finding): string[] {
  const marks: string[] = [];
  const state = result.comparison?.states.get(finding.findingId);
  if (state) marks.push(state);
  if (result.scope?.scopes.get(finding.findingId) === 'context') marks.push('context');
  return marks;
}

/** One line on what a `--tenant` scan judged, or undefined. */
export function scopeSummary(result: ClusterScanResult): string | undefined {
  const scope = result.scope;
  if (!scope) return undefined;
  const context = [...scope.scopes.values()].filter((value) => value === 'context').length;
  return `Tenant scope ${scope.tenants.join(', ')}: ${result.findings.length - context} tenant finding(s), ${context} cluster-level finding(s) shown as context (never failing the gate), ${scope.outOfScope} finding(s) of other namespaces left out.`;
}

/** One line on what a comparison found, or undefined. */
export function comparisonSummary(result: ClusterScanResult): string | undefined {
  const comparison = result.comparison;
  if (!comparison) return undefined;
  const count = (state: string) => [...comparison.states.values()].filter((value) => value === state).length;
  const subject = comparison.kind === 'change' ? 'the change' : 'now';
  return `Compared with ${comparison.against}: ${count('new')} introduced by ${subject}, ${count('updated')} made worse, ${count('unchanged')} unchanged, ${comparison.resolved.length} resolved. Only introduced and worse findings can fail the gate.`;
}
