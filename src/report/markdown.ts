/**
 * Markdown report for a pull-request comment: a summary table per cluster, the findings
 * by severity (suppressed ones in a collapsed section, still listed), and the tenant
 * exposure matrix. Table cells are escaped so object names and messages cannot break the
 * layout or turn `*.com ... "*"` into italics. GitHub refuses comments over 65,536
 * characters, so a large scan lists its most severe findings and says how many it left out.
 */
import { countBySeverity } from './scan-result.js';
import { SEVERITIES, type Finding } from '../rules/types.js';
import { comparisonSummary, findingMarks, groupBySeverity, matrixColumns, resourceLabel, scopeSummary, sortFindings } from './render/common.js';
import { failingFindings, type FailOn } from './gate.js';
import { ruleDocUrl } from './links.js';
import type { ClusterScanResult, ScanReport } from './types.js';

/** GitHub's limit on a comment body is 65,536 characters; keep a margin for wrappers. */
export const DEFAULT_MAX_MARKDOWN_LENGTH = 60_000;

export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/[|*_`~[\]]/g, (char) => `\\${char}`)
    .replace(/\r?\n/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Keeps the first `limit` rows and adds a line naming how many were left out. */
function capped<T>(rows: T[], limit: number, render: (row: T) => string, what: string): string[] {
  const lines = rows.slice(0, limit).map(render);
  if (rows.length > limit) lines.push('', `_${rows.length - limit} more ${what} not shown to keep this comment under GitHub's size limit; see the JSON or SARIF report._`);
  return lines;
}

function findingRow(finding: Finding, docsBaseUrl: string | undefined, marks: string[] = []): string {
  const rule = docsBaseUrl ? `[\`${finding.ruleId}\`](${ruleDocUrl(finding.ruleId, docsBaseUrl)})` : `\`${finding.ruleId}\``;
  const location = finding.source ? ` (${escapeCell(finding.source.file)}:${finding.source.line})` : '';
  const severity = marks.length > 0 ? `${finding.severity} (${marks.join(', ')})` : finding.severity;
  return `| ${severity} | ${rule} | ${escapeCell(finding.namespace || '(cluster)')} | ${escapeCell(resourceLabel(finding))}${location} | ${escapeCell(finding.message)} |`;
}

function clusterSection(result: ClusterScanResult, docsBaseUrl: string | undefined, rowLimit: number): string[] {
  const { record, findings } = result;
  const counts = countBySeverity(findings);
  const lines = [`### Cluster \`${escapeCell(record.cluster.name)}\``, ''];
  lines.push(`Status **${record.status}**, mesh ${record.meshMode}${record.meshRevisions.length ? ` (${record.meshRevisions.join(', ')})` : ''}, ${record.tenantNamespaces} tenant namespace(s), ${record.exposedTenantNamespaces} importing foreign configuration.`);
  if (record.error) lines.push('', `> ${escapeCell(record.error)}`);
  for (const line of [scopeSummary(result), comparisonSummary(result)]) if (line) lines.push('', escapeCell(line));
  lines.push('', `| ${SEVERITIES.join(' | ')} |`, `|${SEVERITIES.map(() => '---').join('|')}|`, `| ${SEVERITIES.map((s) => counts[s]).join(' | ')} |`, '');
  const groups = groupBySeverity(findings);
  if (groups.length === 0) lines.push('No unsuppressed findings.', '');
  else {
    lines.push('| severity | rule | namespace | resource | finding |', '|---|---|---|---|---|');
    lines.push(...capped(groups.flatMap(([, group]) => group), rowLimit, (finding) => findingRow(finding, docsBaseUrl, findingMarks(result, finding)), 'finding(s)'));
    lines.push('');
  }
  const resolved = sortFindings(result.comparison?.resolved ?? []);
  if (resolved.length > 0) {
    lines.push(`<details><summary>${resolved.length} resolved finding(s)</summary>`, '', '| severity | rule | namespace | resource | finding |', '|---|---|---|---|---|');
    lines.push(...capped(resolved, rowLimit, (finding) => findingRow(finding, docsBaseUrl), 'resolved finding(s)'));
    lines.push('', '</details>', '');
  }
  const suppressed = sortFindings(findings.filter((f) => f.suppressed));
  if (suppressed.length > 0) {
    lines.push(`<details><summary>${suppressed.length} suppressed finding(s)</summary>`, '', '| rule | namespace | resource | reason |', '|---|---|---|---|');
    lines.push(...capped(suppressed, rowLimit, (finding) => `| \`${finding.ruleId}\` | ${escapeCell(finding.namespace || '(cluster)')} | ${escapeCell(resourceLabel(finding))} | ${escapeCell(finding.suppressionReason || '')} |`, 'suppressed finding(s)'));
    lines.push('', '</details>', '');
  }
  const columns = matrixColumns(result.exposureMatrix);
  if (columns.length > 0) {
    lines.push('**Tenant exposure matrix** (rows import configuration owned by the columns)', '', `| importing namespace | ${columns.map(escapeCell).join(' | ')} |`, `|---|${columns.map(() => ':---:').join('|')}|`);
    const rows = Object.keys(result.exposureMatrix).sort();
    lines.push(
      ...capped(rows, rowLimit, (row) => {
        const owners = new Set(result.exposureMatrix[row]);
        return `| ${escapeCell(row)} | ${columns.map((c) => (owners.has(c) ? 'X' : '')).join(' | ')} |`;
      }, 'importing namespace(s)'),
    );
    lines.push('');
  }
  return lines;
}

export interface MarkdownOptions {
  docsBaseUrl?: string;
  /** When given, the report opens with whether the run passes this gate. */
  failOn?: FailOn;
  /** Longest text to produce (default DEFAULT_MAX_MARKDOWN_LENGTH); Infinity for no limit. */
  maxLength?: number;
}

function gateLine(report: ScanReport, failOn: FailOn | undefined): string[] {
  if (!failOn) return [];
  if (failOn === 'none') return ['The gate is off (`--fail-on none`).', ''];
  const failing = failingFindings(report, failOn).length;
  return [failing > 0 ? `**Gate failed:** ${failing} finding(s) at or above ${failOn} fail it.` : `**Gate passed:** no finding at or above ${failOn} fails it.`, ''];
}

function renderWithRowLimit(report: ScanReport, options: MarkdownOptions, rowLimit: number): string {
  const docsBaseUrl = options.docsBaseUrl;
  const lines = ['## Istio isolation scan', '', `Scanner ${report.scanner.version}, scan \`${report.scanId}\`, ${report.clusters.length} cluster(s).`, '', ...gateLine(report, options.failOn)];
  for (const cluster of report.clusters) lines.push(...clusterSection(cluster, docsBaseUrl, rowLimit));
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderMarkdown(report: ScanReport, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_MARKDOWN_LENGTH;
  const mostRows = Math.max(0, ...report.clusters.map((c) => Math.max(c.findings.length, Object.keys(c.exposureMatrix).length, c.comparison?.resolved.length ?? 0)));
  const full = renderWithRowLimit(report, options, mostRows);
  if (full.length <= maxLength) return full;
  // Largest per-cluster row limit that fits (binary search: the text grows with the limit).
  let low = 0;
  let high = mostRows;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (renderWithRowLimit(report, options, middle).length <= maxLength) low = middle;
    else high = middle - 1;
  }
  return renderWithRowLimit(report, options, low);
}
