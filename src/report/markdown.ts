/**
 * Markdown report for a pull-request comment: a summary table per cluster, the findings
 * by severity (suppressed ones in a collapsed section, still listed), and the tenant
 * exposure matrix. Table cells are escaped so object names cannot break the layout.
 */
import { countBySeverity } from '../rules/engine.js';
import { SEVERITIES, type Finding } from '../rules/types.js';
import { groupBySeverity, matrixColumns, resourceLabel, sortFindings } from './render/common.js';
import { ruleDocUrl } from './sarif.js';
import type { ClusterScanResult, ScanReport } from './types.js';

export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function findingRow(finding: Finding, docsBaseUrl: string | undefined): string {
  const rule = docsBaseUrl ? `[\`${finding.ruleId}\`](${ruleDocUrl(finding.ruleId, docsBaseUrl)})` : `\`${finding.ruleId}\``;
  const location = finding.source ? ` (${escapeCell(finding.source.file)}:${finding.source.line})` : '';
  return `| ${finding.severity} | ${rule} | ${escapeCell(finding.namespace || '(cluster)')} | ${escapeCell(resourceLabel(finding))}${location} | ${escapeCell(finding.message)} |`;
}

function clusterSection(result: ClusterScanResult, docsBaseUrl: string | undefined): string[] {
  const { record, findings } = result;
  const counts = countBySeverity(findings);
  const lines = [`### Cluster \`${escapeCell(record.cluster.name)}\``, ''];
  lines.push(`Status **${record.status}**, mesh ${record.meshMode}${record.meshRevisions.length ? ` (${record.meshRevisions.join(', ')})` : ''}, ${record.tenantNamespaces} tenant namespace(s), ${record.exposedTenantNamespaces} importing foreign configuration.`);
  if (record.error) lines.push('', `> ${escapeCell(record.error)}`);
  lines.push('', `| ${SEVERITIES.join(' | ')} |`, `|${SEVERITIES.map(() => '---').join('|')}|`, `| ${SEVERITIES.map((s) => counts[s]).join(' | ')} |`, '');
  const groups = groupBySeverity(findings);
  if (groups.length === 0) lines.push('No unsuppressed findings.', '');
  else {
    lines.push('| severity | rule | namespace | resource | finding |', '|---|---|---|---|---|');
    for (const [, group] of groups) for (const finding of group) lines.push(findingRow(finding, docsBaseUrl));
    lines.push('');
  }
  const suppressed = sortFindings(findings.filter((f) => f.suppressed));
  if (suppressed.length > 0) {
    lines.push(`<details><summary>${suppressed.length} suppressed finding(s)</summary>`, '', '| rule | namespace | resource | reason |', '|---|---|---|---|');
    for (const finding of suppressed) lines.push(`| \`${finding.ruleId}\` | ${escapeCell(finding.namespace || '(cluster)')} | ${escapeCell(resourceLabel(finding))} | ${escapeCell(finding.suppressionReason || '')} |`);
    lines.push('', '</details>', '');
  }
  const columns = matrixColumns(result.exposureMatrix);
  if (columns.length > 0) {
    lines.push('**Tenant exposure matrix** (rows import configuration owned by the columns)', '', `| importing namespace | ${columns.map(escapeCell).join(' | ')} |`, `|---|${columns.map(() => ':---:').join('|')}|`);
    for (const row of Object.keys(result.exposureMatrix).sort()) {
      const owners = new Set(result.exposureMatrix[row]);
      lines.push(`| ${escapeCell(row)} | ${columns.map((c) => (owners.has(c) ? 'X' : '')).join(' | ')} |`);
    }
    lines.push('');
  }
  return lines;
}

export function renderMarkdown(report: ScanReport, options: { docsBaseUrl?: string } = {}): string {
  const lines = ['## Istio isolation scan', '', `Scanner ${report.scanner.version}, scan \`${report.scanId}\`, ${report.clusters.length} cluster(s).`, ''];
  for (const cluster of report.clusters) lines.push(...clusterSection(cluster, options.docsBaseUrl));
  return `${lines.join('\n').trimEnd()}\n`;
}
