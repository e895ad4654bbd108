/**
 * The terminal report (default format): per cluster, findings grouped by severity with a
 * one-line fix hint each, the suppressed ones listed apart, then the tenant exposure matrix
 * (importing namespace x foreign owner namespaces) and a one-line summary; a fleet summary
 * table when several clusters were scanned. Every line fits `width` columns (the terminal's,
 * or 100 when the output is not a terminal). Every value that came from input is printed
 * through escapeControlCharacters: no escape code, CR or bidi override reaches the
 * terminal. Colours only when asked (the CLI asks on a TTY), through node:util styleText.
 */
import { styleText } from 'node:util';
import { countBySeverity } from '../scan-result.js';
import { SEVERITIES, type Finding, type Severity } from '../../rules/types.js';
import { coverageBlock, gatingFindings, type FailOn } from '../gate.js';
import type { ClusterScanResult, ScanReport } from '../types.js';
import { exposureGraphOf } from '../exposure-graph.js';
import { matrixOwners } from '../bounded.js';
import { summaryOf } from '../../rules/list-summary.js';
import { comparisonSummary, findingMarks, groupBySeverity, resourceLabel, scopeSummary, sortFindings } from './common.js';
import { displayWidth, escapeControlCharacters as safe, firstSentence, truncate, wrap } from './text.js';

export interface TableOptions {
  color: boolean;
  /** Columns to fit (default DEFAULT_TABLE_WIDTH). */
  width?: number;
  /** When given, each cluster ends with how many findings fail this gate. */
  failOn?: FailOn;
}

/** Width when the output is not a terminal (CI logs, files, pipes). */
export const DEFAULT_TABLE_WIDTH = 100;
/** Narrowest layout the renderer keeps to, however small the terminal says it is. */
const MIN_WIDTH = 60;
/** Importing namespaces listed in the exposure section; the rest are counted. */
export const MAX_EXPOSURE_ROWS = 40;

type Style = Parameters<typeof styleText>[0];
type Paint = (style: Style, text: string) => string;
const SEVERITY_STYLE: Record<Severity, Style> = { critical: ['bold', 'red'], high: 'red', medium: 'yellow', low: 'cyan', info: 'gray' };
const plain: Paint = (_style, text) => text;

function painter(color: boolean): Paint {
  return color ? (style, text) => styleText(style, text, { validateStream: false }) : plain;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "a, b, c and 7 more", as many names as fit in `width` columns; `total` is the exact count. */
function listThatFits(names: readonly string[], total: number, width: number): string {
  let text = '';
  for (let i = 0; i < names.length; i++) {
    const candidate = `${text}${i > 0 ? ', ' : ''}${safe(names[i]!)}`;
    const rest = total - (i + 1);
    const tail = rest > 0 ? ` and ${count(rest)} more` : '';
    if (i > 0 && displayWidth(candidate + tail) > width) return `${text} and ${count(total - i)} more`;
    text = candidate;
  }
  return total > names.length ? `${text} and ${count(total - names.length)} more` : text;
}

/**
 * The tenant exposure matrix, sparse: only importing namespaces are rows and only namespaces
 * someone imports from are columns. When the grid does not fit the width or has more than
 * MAX_EXPOSURE_ROWS rows it becomes a list, one importing namespace per line with the owners
 * that fit and an exact count of the rest, bounded to MAX_EXPOSURE_ROWS lines: its size does
 * not grow with namespaces squared.
 */
export function renderExposureMatrix(matrix: Record<string, string[]>, paint: Paint = plain, width: number = DEFAULT_TABLE_WIDTH): string[] {
  const rows = Object.keys(matrix).sort();
  if (rows.length === 0) return ['  No tenant namespace imports configuration owned by another tenant.'];
  // The union of the rows without building each row (bounded.ts matrixOwners).
  const columnSet = matrixOwners(matrix);
  const columns = [...columnSet].sort().map(safe);
  const rowLabels = rows.map(safe);
  let rowWidth = 'importing namespace'.length;
  for (const label of rowLabels) rowWidth = Math.max(rowWidth, displayWidth(label));
  const gridWidth = 2 + rowWidth + columns.reduce((sum, column) => sum + 3 + displayWidth(column), 0);
  if (gridWidth <= width && rows.length <= MAX_EXPOSURE_ROWS) {
    const lines = [`  ${'importing namespace'.padEnd(rowWidth)} | ${columns.join(' | ')}`, `  ${'-'.repeat(rowWidth)}-+-${columns.map((c) => '-'.repeat(displayWidth(c))).join('-+-')}`];
    const rawColumns = [...columnSet].sort();
    rows.forEach((row, index) => {
      const owners = new Set(matrix[row]);
      // Pad outside the colour codes, and never leave trailing blanks after the last column.
      const cells = rawColumns.map((column, i) => `${owners.has(column) ? paint('red', 'X') : '.'}${' '.repeat(displayWidth(columns[i]!) - 1)}`);
      lines.push(`  ${rowLabels[index]!.padEnd(rowWidth)} | ${cells.join(' | ')}`.trimEnd());
    });
    return lines;
  }
  const lines = wrap(`importing namespace <- owners (${count(rows.length)} importing, ${count(columnSet.size)} imported from):`, width, '  ');
  for (const [index, row] of rows.slice(0, MAX_EXPOSURE_ROWS).entries()) {
    const owners = summaryOf(matrix, row)!;
    const head = `    ${truncate(rowLabels[index]!, Math.floor(width / 2))} <- `;
    // Each name takes at least one column plus ", ", so no more than the width's worth can fit.
    lines.push(head + listThatFits(owners.first(Math.max(1, width)), owners.size, width - displayWidth(head)));
  }
  if (rows.length > MAX_EXPOSURE_ROWS) lines.push(`    and ${count(rows.length - MAX_EXPOSURE_ROWS)} more importing namespace(s); the JSON and HTML reports list them all`);
  return lines;
}

/**
 * The `ingress` edges of the exposure graph under the matrix: whose routes reach whose
 * hostnames on a shared gateway (gateway-host-claimed-cross-namespace,
 * route-hostname-conflict-cross-namespace). Nothing when there are none; bounded like the matrix.
 */
export function renderIngressEdges(findings: readonly Finding[], tenantNamespaces: readonly string[], paint: Paint = plain, width: number = DEFAULT_TABLE_WIDTH): string[] {
  const edges = exposureGraphOf(findings, tenantNamespaces).edges.filter((edge) => edge.kind === 'ingress');
  if (edges.length === 0) return [];
  const lines = ['', paint('bold', truncate('  Shared ingress (I = the first namespace\'s routes reach hostnames the second serves)', width))];
  for (const edge of edges.slice(0, MAX_EXPOSURE_ROWS)) lines.push(truncate(`    ${paint('red', 'I')} ${safe(edge.from)} -> ${safe(edge.to)} (${edge.severity}, ${count(edge.findingCount)} finding(s))`, width));
  if (edges.length > MAX_EXPOSURE_ROWS) lines.push(`    and ${count(edges.length - MAX_EXPOSURE_ROWS)} more; the JSON and HTML reports list them all`);
  return lines;
}

/** "fix: <first sentence of the remediation>", cut to one line; marks a fix --write-fixes can write. */
export function fixHint(finding: Finding, width: number): string {
  const suffix = finding.fix ? ' [--write-fixes]' : '';
  const hint = safe(firstSentence(finding.remediation));
  if (!hint) return '';
  return `${truncate(`fix: ${hint}`, width - displayWidth(suffix))}${suffix}`;
}

function renderFinding(finding: Finding, marks: string[], paint: Paint, width: number): string[] {
  const where = [safe(finding.namespace) || '(cluster)', safe(resourceLabel(finding))].filter(Boolean).join('  ');
  const location = finding.source ? `  ${safe(finding.source.file)}:${finding.source.line}` : '';
  const prefix = marks.map((mark) => `[${mark}] `).join('');
  const head = wrap(`${prefix}${finding.ruleId}  ${where}${location}`, width, '      ', '    ');
  // The marks and rule id are the scanner's own text and always start the first line.
  head[0] = `    ${prefix}${paint('bold', finding.ruleId)}${head[0]!.slice(4 + prefix.length + finding.ruleId.length)}`;
  const lines = [...head];
  for (const line of wrap(safe(finding.message), width, '      ')) lines.push(line);
  const hint = fixHint(finding, width - 6);
  if (hint) lines.push(`      ${paint('green', hint)}`);
  return lines;
}

function renderCluster(result: ClusterScanResult, paint: Paint, width: number, failOn: FailOn | undefined, allowIncomplete: boolean): string[] {
  const { record, findings } = result;
  const lines: string[] = [];
  const revisions = record.meshRevisions.length ? ` ${safe(record.meshRevisions.join(', '))}` : '';
  const name = safe(record.cluster.name);
  const header = wrap(`Cluster ${name}  status: ${record.status}, mesh: ${safe(record.meshMode)}${revisions}, tenant namespaces: ${count(record.tenantNamespaces)}`, width, '  ', '');
  header[0] = paint('bold', `Cluster ${name}`) + header[0]!.slice(`Cluster ${name}`.length);
  for (const line of header) lines.push(line);
  if (record.error) for (const line of wrap(safe(record.error), width, '  ')) lines.push(paint('yellow', line));
  for (const summary of [scopeSummary(result), comparisonSummary(result)]) if (summary) for (const line of wrap(safe(summary), width, '  ')) lines.push(line);
  const groups = groupBySeverity(findings);
  if (groups.length === 0) lines.push(paint('green', '  No unsuppressed findings.'));
  for (const [severity, group] of groups) {
    lines.push('', paint(SEVERITY_STYLE[severity], `  ${severity.toUpperCase()} (${count(group.length)})`));
    for (const finding of group) for (const line of renderFinding(finding, findingMarks(result, finding), paint, width)) lines.push(line);
  }
  const suppressed = sortFindings(findings.filter((f) => f.suppressed));
  if (suppressed.length > 0) {
    lines.push('', paint('gray', `  SUPPRESSED (${count(suppressed.length)})`));
    for (const finding of suppressed) {
      const where = [safe(finding.namespace) || '(cluster)', safe(resourceLabel(finding)), finding.source ? `${safe(finding.source.file)}:${finding.source.line}` : ''].filter(Boolean).join('  ');
      for (const line of wrap(`${finding.ruleId}  ${where}`, width, '      ', '    ')) lines.push(paint('gray', line));
      for (const line of wrap(`suppressed: ${safe(finding.suppressionReason || 'no reason given')}`, width, '      ')) lines.push(paint('gray', line));
    }
  }
  const resolved = sortFindings(result.comparison?.resolved ?? []);
  if (resolved.length > 0) {
    lines.push('', paint('green', `  RESOLVED (${count(resolved.length)})`));
    for (const finding of resolved) {
      for (const line of wrap(`${finding.severity}  ${finding.ruleId}  ${[safe(finding.namespace) || '(cluster)', safe(resourceLabel(finding))].filter(Boolean).join('  ')}`, width, '      ', '    ')) lines.push(line);
      for (const line of wrap(safe(finding.message), width, '      ')) lines.push(paint('gray', line));
    }
  }
  lines.push('', paint('bold', truncate('  Tenant exposure matrix (X = imports configuration owned by that namespace)', width)));
  for (const line of renderExposureMatrix(result.exposureMatrix, paint, width)) lines.push(line);
  for (const line of renderIngressEdges(findings, result.tenantNamespaceNames ?? [], paint, width)) lines.push(line);
  const counts = countBySeverity(findings);
  lines.push('');
  for (const line of wrap(`Summary: ${SEVERITIES.map((s) => `${count(counts[s])} ${s}`).join(', ')}${suppressed.length ? `, ${count(suppressed.length)} suppressed` : ''}`, width, '  ')) lines.push(line);
  if (failOn && failOn !== 'none') lines.push(`  Gate (--fail-on ${failOn}): ${count(gatingFindings(result, failOn).length)} finding(s) fail it.`);
  // The gate cannot pass a cluster it could not read in full, whatever the findings say.
  const blocked = failOn ? coverageBlock(result, allowIncomplete) : undefined;
  if (blocked) for (const line of wrap(`Gate cannot pass: the cluster ${safe(blocked)}; what was not read is unknown, not passed.`, width, '  ')) lines.push(paint('red', line));
  return lines;
}

/** One row per cluster (status and counts by severity), then the totals; names cut to fit. */
export function renderFleetSummary(report: ScanReport, paint: Paint = plain, width: number = DEFAULT_TABLE_WIDTH): string[] {
  const clusters = report.clusters;
  const statuses = { succeeded: 0, partial: 0, failed: 0, skipped: 0 };
  let tenants = 0;
  let exposed = 0;
  const totals = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressedTotal = 0;
  const rows = clusters.map((cluster) => {
    statuses[cluster.record.status] += 1;
    tenants += cluster.record.tenantNamespaces;
    exposed += cluster.record.exposedTenantNamespaces;
    const counts = countBySeverity(cluster.findings);
    let suppressed = 0;
    for (const finding of cluster.findings) if (finding.suppressed) suppressed += 1;
    for (const s of SEVERITIES) totals[s] += counts[s];
    suppressedTotal += suppressed;
    return { name: safe(cluster.record.cluster.name), status: cluster.record.status, numbers: [...SEVERITIES.map((s) => counts[s]), suppressed] };
  });
  // Narrow terminals get short column names.
  const headers = width >= 80 ? [...SEVERITIES, 'suppressed'] : ['crit', 'high', 'med', 'low', 'info', 'supp'];
  const totalCells = [...SEVERITIES.map((s) => count(totals[s])), count(suppressedTotal)];
  const numberWidths = headers.map((h, i) => Math.max(h.length, totalCells[i]!.length));
  const fixed = 2 + 1 + 'succeeded'.length + numberWidths.reduce((sum, w) => sum + 1 + w, 0);
  let nameWidth = 'cluster'.length;
  for (const row of rows) nameWidth = Math.max(nameWidth, displayWidth(row.name));
  nameWidth = Math.max(10, Math.min(nameWidth, width - fixed));
  const statusWidth = 'succeeded'.length;
  const padName = (name: string) => {
    const cut = truncate(name, nameWidth);
    return cut + ' '.repeat(nameWidth - displayWidth(cut));
  };
  const line = (name: string, statusCell: string, cells: string[]) => `  ${padName(name)} ${statusCell}${cells.map((cell, i) => ` ${cell.padStart(numberWidths[i]!)}`).join('')}`.trimEnd();
  const lines = wrap(
    `Fleet: ${count(clusters.length)} clusters (${statuses.succeeded} succeeded, ${statuses.partial} partial, ${statuses.failed} failed${statuses.skipped ? `, ${statuses.skipped} skipped` : ''}), ${count(tenants)} tenant namespaces, ${count(exposed)} importing foreign configuration`,
    width,
    '  ',
    '',
  );
  lines[0] = paint('bold', lines[0]!);
  lines.push(paint('gray', line('cluster', 'status'.padEnd(statusWidth), headers)));
  for (const row of rows) {
    const statusCell = row.status.padEnd(statusWidth);
    lines.push(line(row.name, row.status === 'succeeded' ? statusCell : paint(row.status === 'failed' || row.status === 'skipped' ? 'red' : 'yellow', statusCell), row.numbers.map(count)));
  }
  lines.push(line('total', ' '.repeat(statusWidth), totalCells));
  return lines;
}

export function renderTable(report: ScanReport, options: TableOptions): string {
  const paint = painter(options.color);
  const width = Math.max(MIN_WIDTH, options.width ?? DEFAULT_TABLE_WIDTH);
  const sections = report.clusters.map((cluster) => renderCluster(cluster, paint, width, options.failOn, Boolean(report.allowIncomplete)).join('\n'));
  const header = truncate(`istio-isolation-scanner ${report.scanner.version}  scan ${report.scanId}  ${report.clusters.length} cluster(s)`, width);
  if (report.clusters.length > 1) sections.push(renderFleetSummary(report, paint, width).join('\n'));
  return `${[paint('bold', header), ...sections].join('\n\n')}\n`;
}
