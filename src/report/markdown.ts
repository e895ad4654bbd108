/**
 * Markdown report for a pull-request comment: a summary table per cluster, a Mermaid graph of
 * the tenant exposure (GitHub draws it), the findings by severity (suppressed ones in a
 * collapsed section, still listed) and the tenant exposure matrix.
 *
 * Everything that came from input goes through escapeMarkdown: names, messages and file
 * names cannot open a heading, a table cell, a link, an image, HTML, an autolink, or
 * notify anyone with an @mention. GitHub refuses comments over 65,536 characters, so a large
 * scan lists its most severe findings and says how many it left out; the limit is found
 * from precomputed row lengths, so 200,000 findings cost one pass, not one render per try.
 */
import { countBySeverity } from './scan-result.js';
import { summaryOf } from '../rules/list-summary.js';
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';
import { exposureGraphOf, type ExposureEdge, type ExposureEdgeKind } from './exposure-graph.js';
import { comparisonSummary, findingMarks, groupBySeverity, resourceLabel, scopeSummary, sortFindings } from './render/common.js';
import { blockedClusters, failingFindings, type FailOn } from './gate.js';
import { ruleDocUrl } from './links.js';
import type { ClusterScanResult, ScanReport } from './types.js';

/** GitHub's limit on a comment body is 65,536 characters; keep a margin for wrappers. */
export const DEFAULT_MAX_MARKDOWN_LENGTH = 60_000;
/** Edges drawn in one cluster's Mermaid graph; the rest are counted in a note. */
export const MAX_MERMAID_EDGES = 40;

/** Owner namespaces named per row of the exposure matrix; the rest are counted. */
const MAX_OWNERS_PER_ROW = 20;

const ZERO_WIDTH_SPACE = '\u200b';

/** Characters that can start or end inline structure anywhere in a line (GFM, plus GitHub's `$` math and `:emoji:`). */
const INLINE_SPECIAL = /[\\`*_{}[\]()#+!|<>~&:@$]|(?<=www)\./gi;

/**
 * Text from input, safe anywhere in a GitHub comment (a table cell, a paragraph, a heading):
 *  - control characters become visible escapes (`\x1b`) and every line break a visible `\n`,
 *    so nothing ends a table row or starts a line (a lone CR is a line break in CommonMark);
 *  - characters that open inline structure are backslash-escaped (CommonMark allows it for
 *    any ASCII punctuation): no `#` heading, `|` cell, `[link](...)`, `![image]`, `<html>`,
 *    `&entity;`, emphasis, code, math; `:` so no `https://` autolink, the `.` of `www.` so
 *    no www autolink; a list or heading marker at the start;
 *  - `@` and `#` are also followed by a zero-width space: GitHub finds @mentions and #123
 *    references in the rendered text, after escapes are gone, so only a break stops them.
 * Dashes, dots and slashes elsewhere stay as they are, so names read normally in the source.
 */
export function escapeMarkdown(text: string): string {
  const flat = text
    .replace(/\r\n|[\r\n\u2028\u2029]/g, (br) => (br === '\r\n' ? '\\r\\n' : br === '\r' ? '\\r' : br === '\n' ? '\\n' : `\\u${br.charCodeAt(0).toString(16)}`))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) => {
      const code = char.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
  const out = flat.replace(INLINE_SPECIAL, (char) => (char === '@' || char === '#' ? `\\${char}${ZERO_WIDTH_SPACE}` : `\\${char}`));
  // A list marker (`- `, `+ `, `1. `, `1) `) or setext underline only counts at the start of a line.
  return out.replace(/^(\d*)([-=.)])/, '$1\\$2');
}

/** Kept for callers of the first renderer: a table cell is escaped like any other text. */
export const escapeCell = escapeMarkdown;

/** A list of rows shown up to the row limit, with a note naming how many were left out. */
interface CappedRows {
  rows: string[];
  what: string;
}
type Part = string | CappedRows;

function omissionNote(omitted: number, what: string): string {
  return `\n\n_${omitted} more ${what} not shown to keep this comment under GitHub's size limit; see the JSON, SARIF or HTML report._`;
}

function findingRow(finding: Finding, docsBaseUrl: string | undefined, marks: string[] = []): string {
  const rule = docsBaseUrl ? `[\`${finding.ruleId}\`](${ruleDocUrl(finding.ruleId, docsBaseUrl)})` : `\`${finding.ruleId}\``;
  const location = finding.source ? ` (${escapeMarkdown(finding.source.file)}:${finding.source.line})` : '';
  const severity = marks.length > 0 ? `${finding.severity} (${marks.join(', ')})` : finding.severity;
  return `| ${severity} | ${rule} | ${escapeMarkdown(finding.namespace || '(cluster)')} | ${escapeMarkdown(resourceLabel(finding))}${location} | ${escapeMarkdown(finding.message)} |`;
}

const MERMAID_SEVERITY_COLOUR: Record<Severity, string> = { critical: '#8b0000', high: '#d73a49', medium: '#e36209', low: '#0366d6', info: '#6a737d' };
const MERMAID_EDGE_LABEL: Record<ExposureEdgeKind, string> = { imports: 'imported', hijack: 'hijack window', shadow: 'shadows Service', ingress: 'ingress claim' };

/**
 * A Mermaid label: quoted, with every character outside [A-Za-z0-9 ._/-] as a Mermaid entity
 * code (`#35;`). No quote, bracket, pipe, backtick, `%%` directive or `-->` survives, so a
 * name cannot end the label, add nodes, links or click handlers, or close the code fence.
 */
export function mermaidLabel(text: string): string {
  let out = '';
  for (const char of text) out += /[A-Za-z0-9 ._/-]/.test(char) ? char : `#${char.codePointAt(0)};`;
  return `"${out}"`;
}

/** The exposure graph as a Mermaid flowchart, at most MAX_MERMAID_EDGES edges (most severe first). */
export function mermaidExposure(result: ClusterScanResult, maxEdges: number = MAX_MERMAID_EDGES): string[] {
  const graph = exposureGraphOf(result.findings, result.tenantNamespaceNames ?? []);
  if (graph.edges.length === 0) return [];
  const shown: ExposureEdge[] = graph.edges.slice(0, maxEdges);
  const ids = new Map<string, string>();
  const idOf = (namespace: string) => {
    let id = ids.get(namespace);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(namespace, id);
    }
    return id;
  };
  const edgeLines = shown.map((edge) => `  ${idOf(edge.from)} -->|${MERMAID_EDGE_LABEL[edge.kind]}| ${idOf(edge.to)}`);
  const lines = ['```mermaid', 'flowchart LR'];
  for (const [namespace, id] of ids) lines.push(`  ${id}[${mermaidLabel(namespace)}]`);
  lines.push(...edgeLines);
  shown.forEach((edge, index) => lines.push(`  linkStyle ${index} stroke:${MERMAID_SEVERITY_COLOUR[edge.severity]},stroke-width:2px`));
  lines.push('```');
  const omitted = graph.edges.length - shown.length + graph.omittedEdges;
  const notes = ['', `Arrows point from the namespace whose configuration reaches in to the namespace whose traffic it reaches; colour is severity (${SEVERITIES.map((s) => s).join(', ')}: dark red to grey).`];
  if (omitted > 0) notes.push('', `_and ${graph.omittedEdgesCapped ? 'more than ' : ''}${omitted} more exposure edge(s) not drawn (the most severe are shown); the HTML report draws the whole graph._`);
  return [...lines, ...notes];
}

function clusterParts(result: ClusterScanResult, docsBaseUrl: string | undefined): Part[] {
  const { record, findings } = result;
  const counts = countBySeverity(findings);
  const head = [`### Cluster ${escapeMarkdown(record.cluster.name)}`, ''];
  head.push(
    `Status **${record.status}**, mesh ${escapeMarkdown(record.meshMode)}${record.meshRevisions.length ? ` (${escapeMarkdown(record.meshRevisions.join(', '))})` : ''}, ${record.tenantNamespaces} tenant namespace(s), ${record.exposedTenantNamespaces} importing foreign configuration.`,
  );
  if (record.error) head.push('', `> ${escapeMarkdown(record.error)}`);
  for (const line of [scopeSummary(result), comparisonSummary(result)]) if (line) head.push('', escapeMarkdown(line));
  head.push('', `| ${SEVERITIES.join(' | ')} |`, `|${SEVERITIES.map(() => '---').join('|')}|`, `| ${SEVERITIES.map((s) => counts[s]).join(' | ')} |`, '');
  const mermaid = mermaidExposure(result);
  if (mermaid.length > 0) head.push('**Tenant exposure graph**', '', ...mermaid, '');
  const parts: Part[] = [head.join('\n')];
  const groups = groupBySeverity(findings);
  if (groups.length === 0) parts.push('\nNo unsuppressed findings.\n');
  else {
    const rows: string[] = [];
    for (const [, group] of groups) for (const finding of group) rows.push(findingRow(finding, docsBaseUrl, findingMarks(result, finding)));
    parts.push('\n| severity | rule | namespace | resource | finding |\n|---|---|---|---|---|', { rows, what: 'finding(s)' }, '\n');
  }
  const resolved = sortFindings(result.comparison?.resolved ?? []);
  if (resolved.length > 0) {
    const rows = resolved.map((finding) => findingRow(finding, docsBaseUrl));
    parts.push(`\n<details><summary>${resolved.length} resolved finding(s)</summary>\n\n| severity | rule | namespace | resource | finding |\n|---|---|---|---|---|`, { rows, what: 'resolved finding(s)' }, '\n\n</details>\n');
  }
  const suppressed = sortFindings(findings.filter((f) => f.suppressed));
  if (suppressed.length > 0) {
    const rows = suppressed.map((finding) => `| \`${finding.ruleId}\` | ${escapeMarkdown(finding.namespace || '(cluster)')} | ${escapeMarkdown(resourceLabel(finding))} | ${escapeMarkdown(finding.suppressionReason || '')} |`);
    parts.push(`\n<details><summary>${suppressed.length} suppressed finding(s)</summary>\n\n| rule | namespace | resource | reason |\n|---|---|---|---|`, { rows, what: 'suppressed finding(s)' }, '\n\n</details>\n');
  }
  const matrixRows = Object.keys(result.exposureMatrix).sort();
  if (matrixRows.length > 0) {
    // Sparse: only importing namespaces are rows, one cell listing the owners they import from.
    const rows = matrixRows.map((row) => {
      // Bounded from the row's summary: the row itself is never built (scan-result.ts exposureMatrixOf).
      const owners = summaryOf(result.exposureMatrix, row)!;
      const listed = owners.first(MAX_OWNERS_PER_ROW).map(escapeMarkdown).join(', ');
      return `| ${escapeMarkdown(row)} | ${listed}${owners.size > MAX_OWNERS_PER_ROW ? ` and ${owners.size - MAX_OWNERS_PER_ROW} more` : ''} |`;
    });
    parts.push('\n**Tenant exposure matrix** (each importing namespace and the foreign owners it imports configuration from)\n\n| importing namespace | imports configuration owned by |\n|---|---|', { rows, what: 'importing namespace(s)' }, '\n');
  }
  return parts;
}

/** Length of the parts joined with rows capped at `limit`, from prefix sums of row lengths. */
function lengthAt(parts: Part[], prefixes: Map<CappedRows, number[]>, limit: number): number {
  let length = 0;
  for (const part of parts) {
    if (typeof part === 'string') length += part.length + 1;
    else {
      const shown = Math.min(limit, part.rows.length);
      length += prefixes.get(part)![shown]!;
      if (part.rows.length > shown) length += omissionNote(part.rows.length - shown, part.what).length;
    }
  }
  return length;
}

function assemble(parts: Part[], limit: number): string {
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(part);
    else {
      const shown = Math.min(limit, part.rows.length);
      for (let i = 0; i < shown; i++) out.push(part.rows[i]!);
      if (part.rows.length > shown) out.push(omissionNote(part.rows.length - shown, part.what).slice(1));
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

export interface MarkdownOptions {
  docsBaseUrl?: string;
  /** When given, the report opens with whether the run passes this gate. */
  failOn?: FailOn;
  /** Longest text to produce (default DEFAULT_MAX_MARKDOWN_LENGTH); Infinity for no limit. */
  maxLength?: number;
}

function gateLine(report: ScanReport, failOn: FailOn | undefined): string {
  if (!failOn) return '';
  // What could not be read is unknown, not passed: no "Gate passed" above a partial or failed scan.
  const blocked = blockedClusters(report);
  const coverage = blocked.length > 0 ? `**Gate failed:** ${blocked.map(({ cluster, reason }) => `cluster ${escapeMarkdown(cluster)} ${escapeMarkdown(reason)}`).join('; ')}; what was not read is unknown, not passed.` : '';
  if (failOn === 'none') return `\n${coverage ? `${coverage} ` : ''}The findings gate is off (\`--fail-on none\`).\n`;
  const failing = failingFindings(report, failOn).length;
  if (coverage) return `\n${coverage} ${failing > 0 ? `Besides, ${failing} finding(s) at or above ${failOn} fail it.` : `No finding at or above ${failOn} fails it.`}\n`;
  return `\n${failing > 0 ? `**Gate failed:** ${failing} finding(s) at or above ${failOn} fail it.` : `**Gate passed:** no finding at or above ${failOn} fails it.`}\n`;
}

export function renderMarkdown(report: ScanReport, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_MARKDOWN_LENGTH;
  const parts: Part[] = [`## Istio isolation scan\n\nScanner ${report.scanner.version}, scan \`${report.scanId}\`, ${report.clusters.length} cluster(s).\n${gateLine(report, options.failOn)}`];
  for (const cluster of report.clusters) for (const part of clusterParts(cluster, options.docsBaseUrl)) parts.push(part);
  const prefixes = new Map<CappedRows, number[]>();
  let mostRows = 0;
  for (const part of parts) {
    if (typeof part === 'string') continue;
    const sums = new Array<number>(part.rows.length + 1);
    sums[0] = 0;
    for (let i = 0; i < part.rows.length; i++) sums[i + 1] = sums[i]! + part.rows[i]!.length + 1;
    prefixes.set(part, sums);
    mostRows = Math.max(mostRows, part.rows.length);
  }
  // Largest per-list row limit that fits (the length grows with the limit).
  let limit = mostRows;
  if (lengthAt(parts, prefixes, mostRows) > maxLength) {
    let low = 0;
    let high = mostRows;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (lengthAt(parts, prefixes, middle) <= maxLength) low = middle;
      else high = middle - 1;
    }
    limit = low;
  }
  return assemble(parts, limit);
}
