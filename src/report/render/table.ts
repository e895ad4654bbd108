/**
 * The terminal report (default format): per cluster, findings grouped by severity, the
 * suppressed ones listed apart, then the tenant exposure matrix (importing namespace x
 * foreign owner namespaces) and a one-line summary. Colours only when asked (the CLI asks
 * on a TTY), through node:util styleText.
 */
import { styleText } from 'node:util';
import { countBySeverity } from '../scan-result.js';
import { SEVERITIES, type Severity } from '../../rules/types.js';
import { gatingFindings, type FailOn } from '../gate.js';
import type { ClusterScanResult, ScanReport } from '../types.js';
import { comparisonSummary, findingMarks, groupBySeverity, matrixColumns, resourceLabel, scopeSummary, sortFindings } from './common.js';

export interface TableOptions {
  color: boolean;
  /** When given, each cluster ends with how many findings fail this gate. */
  failOn?: FailOn;
}

type Style = Parameters<typeof styleText>[0];
const SEVERITY_STYLE: Record<Severity, Style> = { critical: ['bold', 'red'], high: 'red', medium: 'yellow', low: 'cyan', info: 'gray' };

function painter(color: boolean) {
  return (style: Style, text: string): string => (color ? styleText(style, text, { validateStream: false }) : text);
}

export function renderExposureMatrix(matrix: Record<string, string[]>, paint: (style: Style, text: string) => string = (_s, t) => t): string[] {
  const rows = Object.keys(matrix).sort();
  if (rows.length === 0) return ['  No tenant namespace imports configuration owned by another tenant.'];
  const columns = matrixColumns(matrix);
  const rowWidth = Math.max('importing namespace'.length, ...rows.map((r) => r.length));
  const lines = [`  ${'importing namespace'.padEnd(rowWidth)} | ${columns.join(' | ')}`, `  ${'-'.repeat(rowWidth)}-+-${columns.map((c) => '-'.repeat(c.length)).join('-+-')}`];
  for (const row of rows) {
    const owners = new Set(matrix[row]);
    // Pad outside the colour codes, and never leave trailing blanks after the last column.
    const cells = columns.map((column) => `${owners.has(column) ? paint('red', 'X') : '.'}${' '.repeat(column.length - 1)}`);
    lines.push(`  ${row.padEnd(rowWidth)} | ${cells.join(' | ')}`.trimEnd());
  }
  return lines;
}

function renderCluster(result: ClusterScanResult, paint: ReturnType<typeof painter>, failOn: FailOn | undefined): string[] {
  const { record, findings } = result;
  const lines: string[] = [];
  const revisions = record.meshRevisions.length ? ` ${record.meshRevisions.join(', ')}` : '';
  lines.push(paint('bold', `Cluster ${record.cluster.name}`) + `  status: ${record.status}, mesh: ${record.meshMode}${revisions}, tenant namespaces: ${record.tenantNamespaces}`);
  if (record.error) lines.push(paint('yellow', `  ${record.error}`));
  for (const line of [scopeSummary(result), comparisonSummary(result)]) if (line) lines.push(`  ${line}`);
  const groups = groupBySeverity(findings);
  if (groups.length === 0) lines.push(paint('green', '  No unsuppressed findings.'));
  for (const [severity, group] of groups) {
    lines.push('', paint(SEVERITY_STYLE[severity], `  ${severity.toUpperCase()} (${group.length})`));
    for (const finding of group) {
      const where = [finding.namespace || '(cluster)', resourceLabel(finding)].filter(Boolean).join('  ');
      const location = finding.source ? `  ${finding.source.file}:${finding.source.line}` : '';
      const marks = findingMarks(result, finding).map((mark) => `[${mark}] `).join('');
      lines.push(`    ${marks}${paint('bold', finding.ruleId)}  ${where}${paint('gray', location)}`);
      lines.push(`      ${finding.message}`);
    }
  }
  const suppressed = sortFindings(findings.filter((f) => f.suppressed));
  if (suppressed.length > 0) {
    lines.push('', paint('gray', `  SUPPRESSED (${suppressed.length})`));
    for (const finding of suppressed) {
      const where = [finding.namespace || '(cluster)', resourceLabel(finding), finding.source ? `${finding.source.file}:${finding.source.line}` : ''].filter(Boolean).join('  ');
      lines.push(paint('gray', `    ${finding.ruleId}  ${where}`));
      lines.push(paint('gray', `      suppressed: ${finding.suppressionReason || 'no reason given'}`));
    }
  }
  const resolved = sortFindings(result.comparison?.resolved ?? []);
  if (resolved.length > 0) {
    lines.push('', paint('green', `  RESOLVED (${resolved.length})`));
    for (const finding of resolved) {
      lines.push(`    ${finding.severity}  ${finding.ruleId}  ${[finding.namespace || '(cluster)', resourceLabel(finding)].filter(Boolean).join('  ')}`);
      lines.push(paint('gray', `      ${finding.message}`));
    }
  }
  lines.push('', paint('bold', '  Tenant exposure matrix (X = imports configuration owned by that namespace)'));
  lines.push(...renderExposureMatrix(result.exposureMatrix, paint));
  const counts = countBySeverity(findings);
  lines.push('', `  Summary: ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}${suppressed.length ? `, ${suppressed.length} suppressed` : ''}`);
  if (failOn && failOn !== 'none') lines.push(`  Gate (--fail-on ${failOn}): ${gatingFindings(result, failOn).length} finding(s) fail it.`);
  return lines;
}

export function renderTable(report: ScanReport, options: TableOptions): string {
  const paint = painter(options.color);
  const sections = report.clusters.map((cluster) => renderCluster(cluster, paint, options.failOn).join('\n'));
  const header = `istio-isolation-scanner ${report.scanner.version}  scan ${report.scanId}  ${report.clusters.length} cluster(s)`;
  return `${[paint('bold', header), ...sections].join('\n\n')}\n`;
}
