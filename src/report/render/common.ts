/** Small helpers shared by the human-readable renderers (table, markdown). */
import type { Finding, Severity } from '../../rules/types.js';
import { SEVERITIES } from '../../rules/types.js';

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

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.namespace.localeCompare(b.namespace) ||
      resourceLabel(a).localeCompare(resourceLabel(b)) ||
      a.subjectKey.localeCompare(b.subjectKey),
  );
}

/** Columns of the exposure matrix: every foreign owner namespace, sorted. */
export function matrixColumns(matrix: Record<string, string[]>): string[] {
  return [...new Set(Object.values(matrix).flat())].sort();
}
