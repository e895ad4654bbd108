/**
 * `--format html`: one self-contained page (inline CSS, inline script, inline SVG; nothing
 * loaded from anywhere) with a summary of the fleet and of each cluster, the tenant exposure
 * graph of each cluster (laid out by ./layout.ts when the report is rendered), and every
 * finding with severity, rule, cluster, namespace and text filters, each expandable to its
 * evidence, its rule's documentation and its fix as YAML. Suppressed findings are listed,
 * marked and can be hidden.
 *
 * Names, messages and evidence are attacker-controlled. All of it is written as escaped text
 * or attribute values (escapeHtml), never as markup or script, and no report data is put
 * inside the script. A Content-Security-Policy allows only this page's own style and script
 * (by hash) and no network at all, so even a missed escape could not run code or call out.
 */
import { createHash } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { SEVERITIES, type Finding, type Severity } from '../../rules/types.js';
import { boundedAffected, boundedEvidence } from '../bounded.js';
import { exposureGraphOf, EXPOSURE_EDGE_KINDS, EXPOSURE_EDGE_VERBS, type ExposureEdgeKind } from '../exposure-graph.js';
import { ruleDocUrl } from '../links.js';
import { countBySeverity } from '../scan-result.js';
import { resourceLabel, sortFindings } from '../render/common.js';
import type { ClusterScanResult, ScanReport } from '../types.js';
import { SCRIPT, STYLE } from './assets.js';
import { layoutExposureGraph, type GraphLayout } from './layout.js';

export interface HtmlOptions {
  /** Repository web URL for rule documentation links. */
  docsBaseUrl?: string;
  /** Findings written into the page (most severe first); the rest are counted. Default MAX_HTML_FINDINGS. */
  maxFindings?: number;
}

export const MAX_HTML_FINDINGS = 10_000;
/** Evidence shown per finding; longer evidence is cut with a note (the JSON report has all of it). */
const MAX_EVIDENCE_CHARACTERS = 20_000;
/** Affected namespaces named per finding; the rest are counted. */
const MAX_LISTED_AFFECTED = 50;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text as HTML text or a quoted attribute value. Control characters other than tab and line
 * feed become U+FFFD: they have no business in a report and some are invalid in HTML.
 */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** What the finding's affected-namespace count is: the count field when the list is bounded, else the list. */
function affectedCount(finding: Finding): number {
  const declared = (finding as Finding & { affectedNamespaceCount?: number }).affectedNamespaceCount;
  return typeof declared === 'number' ? declared : boundedAffected(finding, 0).count;
}

function severityChips(counts: Record<Severity, number>, suppressed: number): string {
  const chips = SEVERITIES.map((severity) => `<span class="chip sev-${severity}">${count(counts[severity])} ${severity}</span>`);
  if (suppressed > 0) chips.push(`<span class="chip">${count(suppressed)} suppressed</span>`);
  return `<div class="chips">${chips.join('')}</div>`;
}

function suppressedCount(findings: readonly Finding[]): number {
  let n = 0;
  for (const finding of findings) if (finding.suppressed) n += 1;
  return n;
}

function fleetSummary(report: ScanReport): string {
  const rows: string[] = [];
  const totals = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressedTotal = 0;
  let tenants = 0;
  let exposed = 0;
  report.clusters.forEach((cluster, index) => {
    const { record } = cluster;
    const counts = countBySeverity(cluster.findings);
    const suppressed = suppressedCount(cluster.findings);
    for (const s of SEVERITIES) totals[s] += counts[s];
    suppressedTotal += suppressed;
    tenants += record.tenantNamespaces;
    exposed += record.exposedTenantNamespaces;
    rows.push(
      `<tr><td><a href="#cluster-${index}">${escapeHtml(record.cluster.name)}</a></td><td><span class="status status-${record.status}">${record.status}</span></td><td>${escapeHtml(record.meshMode)}</td>` +
        `<td class="num">${count(record.tenantNamespaces)}</td><td class="num">${count(record.exposedTenantNamespaces)}</td>` +
        `${SEVERITIES.map((s) => `<td class="num sev-${s}">${count(counts[s])}</td>`).join('')}<td class="num">${count(suppressed)}</td></tr>`,
    );
  });
  const statuses = (['succeeded', 'partial', 'failed', 'skipped'] as const)
    .map((status) => [status, report.clusters.filter((c) => c.record.status === status).length] as const)
    .filter(([status, n]) => n > 0 || status !== 'skipped')
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return `<section id="fleet"><h2>Fleet summary</h2>
<p>${count(report.clusters.length)} cluster(s): ${statuses}; ${count(tenants)} tenant namespace(s), ${count(exposed)} importing configuration owned by another tenant.</p>
${severityChips(totals, suppressedTotal)}
<table><thead><tr><th>cluster</th><th>status</th><th>mesh</th><th class="num">tenant namespaces</th><th class="num">importing foreign config</th>${SEVERITIES.map((s) => `<th class="num">${s}</th>`).join('')}<th class="num">suppressed</th></tr></thead>
<tbody>${rows.join('\n')}
<tr class="total"><td>total</td><td></td><td></td><td class="num">${count(tenants)}</td><td class="num">${count(exposed)}</td>${SEVERITIES.map((s) => `<td class="num">${count(totals[s])}</td>`).join('')}<td class="num">${count(suppressedTotal)}</td></tr></tbody></table></section>`;
}

const KIND_LABEL: Record<ExposureEdgeKind, string> = { imports: 'imported config', hijack: 'hijack window', shadow: 'shadowed Service', ingress: 'ingress claim' };

function legend(): string {
  const kinds = EXPOSURE_EDGE_KINDS.map(
    (kind) => `<span><svg width="36" height="10" aria-hidden="true"><line class="edge sev-high kind-${kind}" x1="1" y1="5" x2="35" y2="5"></line></svg> ${KIND_LABEL[kind]}</span>`,
  );
  const severities = SEVERITIES.map((s) => `<span><svg width="24" height="10" aria-hidden="true"><line class="edge sev-${s}" x1="1" y1="5" x2="23" y2="5"></line></svg> ${s}</span>`);
  return `<br><span class="legend">Edges: ${kinds.join('')}</span><br><span class="legend">Severity: ${severities.join('')}</span>`;
}

function edgePath(points: Array<{ x: number; y: number }>): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ');
}

function graphSvg(layout: GraphLayout, clusterIndex: number, clusterName: string): string {
  const markers = SEVERITIES.map(
    (s) => `<marker id="arrow-${clusterIndex}-${s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow-${s}" d="M0,0 L10,5 L0,10 z"></path></marker>`,
  );
  const edges = layout.edges
    .filter((placed) => placed.points.length >= 2)
    .map(({ edge, points }) => {
      const title = `${edge.from} ${EXPOSURE_EDGE_VERBS[edge.kind]} ${edge.to} (${edge.severity}, ${count(edge.findingCount)} finding${edge.findingCount === 1 ? '' : 's'})`;
      return `<path class="edge sev-${edge.severity} kind-${edge.kind}" d="${edgePath(points)}" marker-end="url(#arrow-${clusterIndex}-${edge.severity})" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" data-kind="${edge.kind}" data-severity="${edge.severity}"><title>${escapeHtml(title)}</title></path>`;
    });
  const nodes = layout.nodes.map((node) => {
    const classes = ['node', node.tenant ? 'tenant' : 'other', node.reachedAt ? `reached-${node.reachedAt}` : ''].filter(Boolean).join(' ');
    const title = `${node.namespace} (${node.tenant ? 'tenant namespace' : 'not a tenant namespace'})${node.reachedAt ? `, reached by configuration of other namespaces (worst: ${node.reachedAt})` : ''}. Click to list its findings.`;
    return `<g class="${classes}" data-ns="${escapeHtml(node.namespace)}" transform="translate(${node.x.toFixed(1)},${node.y.toFixed(1)})" tabindex="0" role="button"><rect width="${node.width}" height="${node.height}" rx="5"></rect><text x="10" y="${(node.height / 2 + 4).toFixed(1)}">${escapeHtml(node.label)}</text><title>${escapeHtml(title)}</title></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="exposure-graph" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="Tenant exposure graph of cluster ${escapeHtml(clusterName)}">
<defs>${markers.join('')}</defs>
<g class="edges">${edges.join('\n')}</g>
<g class="nodes">${nodes.join('\n')}</g>
</svg>`;
}

async function clusterSection(result: ClusterScanResult, index: number): Promise<string> {
  const { record, findings } = result;
  const name = record.cluster.name;
  const graph = exposureGraphOf(findings, result.tenantNamespaceNames ?? Object.keys(result.exposureMatrix));
  const layout = await layoutExposureGraph(graph);
  const facts: Array<[string, string]> = [
    ['mesh', `${escapeHtml(record.meshMode)}${record.meshRevisions.length ? ` (${escapeHtml(record.meshRevisions.join(', '))})` : ''}`],
    ['tenant namespaces', count(record.tenantNamespaces)],
    ['importing foreign configuration', count(record.exposedTenantNamespaces)],
    ['exposure edges', `${count(graph.edges.length + graph.omittedEdges)}${graph.omittedEdgesCapped ? '+' : ''}`],
    ['objects read', count(Object.values(record.resourceCounts).reduce((sum, n) => sum + (n ?? 0), 0))],
  ];
  if (record.cluster.resourceId) facts.push(['resource id', `<span class="mono">${escapeHtml(record.cluster.resourceId)}</span>`]);
  const unread = Object.entries(record.coverage).filter(([, entry]) => entry && entry.status !== 'read' && entry.status !== 'not-collected' && entry.status !== 'absent');
  if (unread.length > 0) facts.push(['not readable', unread.map(([kind, entry]) => `${escapeHtml(kind)} (${escapeHtml(entry!.status)})`).join(', ')]);
  const notes: string[] = [];
  if (layout.omittedNamespaces > 0 || layout.omittedEdges > 0) {
    notes.push(`The graph draws ${count(layout.nodes.length)} namespace(s) and ${count(layout.edges.length)} edge(s), the most severe first; ${count(layout.omittedNamespaces)} namespace(s) and ${graph.omittedEdgesCapped ? 'more than ' : ''}${count(layout.omittedEdges)} edge(s) are not drawn (the findings below and the JSON report have them all).`);
  }
  const graphBody =
    layout.nodes.length > 0
      ? graphSvg(layout, index, name)
      : '<p class="note">No tenant namespace in this cluster (see the configuration’s tenant and shared namespace patterns).</p>';
  const kindBoxes = EXPOSURE_EDGE_KINDS.map((kind) => `<label><input type="checkbox" class="edge-kind" value="${kind}" checked> ${KIND_LABEL[kind]}</label>`).join(' ');
  const severityOptions = SEVERITIES.map((s) => `<option value="${s}"${s === 'info' ? ' selected' : ''}>${s}${s === 'info' ? '' : ' and worse'}</option>`).join('');
  return `<section class="cluster" id="cluster-${index}" data-cluster="${escapeHtml(name)}">
<h2>Cluster ${escapeHtml(name)} <span class="status status-${record.status}">${record.status}</span></h2>
${record.error ? `<p class="error">${escapeHtml(record.error)}</p>` : ''}
<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
${severityChips(countBySeverity(findings), suppressedCount(findings))}
<h3>Tenant exposure graph</h3>
<figure class="graph" data-cluster="${escapeHtml(name)}">
<div class="graph-tools"><label>Find <input type="search" class="graph-search" placeholder="namespace name" aria-label="Find a namespace in the graph of ${escapeHtml(name)}"></label>
${kindBoxes}
<label>Edges <select class="graph-min-severity" aria-label="Lowest severity of edges shown">${severityOptions}</select></label>
<span><button type="button" data-zoom="out" aria-label="Zoom out">−</button> <button type="button" data-zoom="reset" aria-label="Actual size">1:1</button> <button type="button" data-zoom="in" aria-label="Zoom in">+</button> <button type="button" data-zoom="fit">fit</button></span>
<output class="graph-status" aria-live="polite"></output></div>
<div class="graph-viewport">${graphBody}</div>
<figcaption>An arrow runs from the namespace whose configuration reaches in to the namespace whose traffic it reaches; its colour is the severity of the worst finding behind it, a node’s border the worst arrow reaching it. Click a namespace to list its findings. ${legend()}${notes.map((note) => `<br>${note}`).join('')}</figcaption>
</figure>
</section>`;
}

function fixYaml(finding: Finding): string | undefined {
  const fix = finding.fix;
  if (!fix) return undefined;
  if (fix.type === 'manifest') return toYaml(fix.manifest);
  const target = fix.target;
  const header = `# JSON merge patch (RFC 7386) for ${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name}; --write-fixes writes the whole object to apply.\n`;
  return header + toYaml(fix.patch);
}

/** The evidence as the JSON report has it: lists bounded, exact counts beside them; very long text cut. */
function evidenceText(finding: Finding): string {
  const text = JSON.stringify(boundedEvidence(finding.evidence), null, 2) ?? '{}';
  return text.length <= MAX_EVIDENCE_CHARACTERS ? text : `${text.slice(0, MAX_EVIDENCE_CHARACTERS)}\n… ${count(text.length - MAX_EVIDENCE_CHARACTERS)} more characters in the JSON report`;
}

function findingEntry(finding: Finding, clusterName: string, docsBaseUrl: string | undefined): string {
  const namespace = finding.namespace || '(cluster)';
  const resource = resourceLabel(finding);
  const affected = affectedCount(finding);
  const listed = boundedAffected(finding, MAX_LISTED_AFFECTED).listed;
  const details: Array<[string, string]> = [['title', escapeHtml(finding.title)]];
  if (finding.source) details.push(['location', `<span class="mono">${escapeHtml(finding.source.file)}:${finding.source.line}</span>`]);
  if (affected > 0) details.push(['affected namespaces', `${count(affected)}: ${escapeHtml(listed.join(', '))}${affected > listed.length ? ` and ${count(affected - listed.length)} more` : ''}`]);
  details.push(['category', escapeHtml(finding.category)], ['finding id', `<span class="mono">${escapeHtml(finding.findingId)}</span>`]);
  if (finding.suppressed) details.push(['suppressed', escapeHtml(finding.suppressionReason || 'no reason given')]);
  const fix = fixYaml(finding);
  const doc = docsBaseUrl ? `<p><a href="${escapeHtml(ruleDocUrl(finding.ruleId, docsBaseUrl))}" rel="noopener noreferrer" target="_blank">Documentation of ${escapeHtml(finding.ruleId)}</a></p>` : '';
  return `<details class="finding sev-${finding.severity}${finding.suppressed ? ' suppressed' : ''}" data-severity="${finding.severity}" data-rule="${escapeHtml(finding.ruleId)}" data-cluster="${escapeHtml(clusterName)}" data-namespace="${escapeHtml(finding.namespace)}" data-suppressed="${finding.suppressed}">
<summary><span class="sev">${finding.severity}</span><span class="rule mono">${escapeHtml(finding.ruleId)}</span><span>${escapeHtml(clusterName)}</span><span>${escapeHtml(namespace)}</span><span>${escapeHtml(resource)}</span><span>${escapeHtml(finding.message)}${finding.suppressed ? '<span class="badge">suppressed</span>' : ''}</span></summary>
<div class="finding-body">
<p>${escapeHtml(finding.message)}</p>
<dl>${details.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
<h4>Remediation</h4><p>${escapeHtml(finding.remediation)}</p>${doc}
${fix ? `<h4>Fix</h4><pre class="yaml">${escapeHtml(fix)}</pre>` : ''}
<h4>Evidence</h4><pre class="json">${escapeHtml(evidenceText(finding))}</pre>
</div></details>`;
}

function findingsSection(report: ScanReport, options: HtmlOptions): string {
  const maxFindings = options.maxFindings ?? MAX_HTML_FINDINGS;
  const all: Array<{ finding: Finding; cluster: string }> = [];
  for (const cluster of report.clusters) for (const finding of sortFindings(cluster.findings)) all.push({ finding, cluster: cluster.record.cluster.name });
  // Over the bound, the most severe findings across the fleet are kept.
  const shown = all.length <= maxFindings ? all : [...all].sort((a, b) => SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity)).slice(0, maxFindings);
  const rules = [...new Set(all.map(({ finding }) => finding.ruleId))].sort();
  const namespaces = [...new Set(all.map(({ finding }) => finding.namespace).filter(Boolean))].sort().slice(0, 5_000);
  const bySeverity = countBySeverity(all.map(({ finding }) => finding));
  const severityBoxes = SEVERITIES.map((s) => `<label class="sev-${s}"><input type="checkbox" name="severity" value="${s}" checked> <span class="sev">${s}</span> (${count(bySeverity[s])})</label>`).join('');
  const clusterOptions = report.clusters.map((cluster) => `<option value="${escapeHtml(cluster.record.cluster.name)}">${escapeHtml(cluster.record.cluster.name)}</option>`).join('');
  const omitted = all.length - shown.length;
  return `<section id="findings"><h2>Findings</h2>
<form class="filters" id="finding-filters" role="search" aria-label="Filter the findings">
<fieldset><legend class="muted">Severity</legend>${severityBoxes}</fieldset>
<label>Rule <select id="filter-rule"><option value="">all rules</option>${rules.map((rule) => `<option value="${escapeHtml(rule)}">${escapeHtml(rule)}</option>`).join('')}</select></label>
<label>Cluster <select id="filter-cluster"><option value="">all clusters</option>${clusterOptions}</select></label>
<label>Namespace <input type="search" id="filter-namespace" list="namespace-names" placeholder="any"></label>
<datalist id="namespace-names">${namespaces.map((namespace) => `<option value="${escapeHtml(namespace)}"></option>`).join('')}</datalist>
<label>Text <input type="search" id="filter-text" placeholder="any"></label>
<label><input type="checkbox" id="filter-suppressed" checked> suppressed</label>
<output id="finding-count" aria-live="polite">${count(shown.length)} findings</output>
</form>
${omitted > 0 ? `<p class="note">${count(omitted)} less severe finding(s) are not in this page to keep it usable; the JSON and SARIF reports have them all.</p>` : ''}
<div class="finding-head" aria-hidden="true"><span>severity</span><span>rule</span><span>cluster</span><span>namespace</span><span>resource</span><span>finding</span></div>
<div id="finding-list">
${shown.map(({ finding, cluster }) => findingEntry(finding, cluster, options.docsBaseUrl)).join('\n')}
</div>
${all.length === 0 ? '<p>No findings.</p>' : ''}
</section>`;
}

export async function renderHtml(report: ScanReport, options: HtmlOptions = {}): Promise<string> {
  const clusters: string[] = [];
  // One cluster at a time: the layout is the costly part and needs no parallelism.
  for (const [index, cluster] of report.clusters.entries()) clusters.push(await clusterSection(cluster, index));
  const generated = report.clusters[0]?.record.timeGenerated ?? '';
  const policy = [
    "default-src 'none'",
    `style-src 'sha256-${sha256(STYLE)}'`,
    `script-src 'sha256-${sha256(SCRIPT)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="istio-isolation-scanner ${escapeHtml(report.scanner.version)}">
<title>Istio isolation scan ${escapeHtml(report.scanId)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Istio isolation scan</h1>
<p class="meta">Scanner ${escapeHtml(report.scanner.version)} · scan <span class="mono">${escapeHtml(report.scanId)}</span>${generated ? ` · ${escapeHtml(generated)}` : ''} · ${count(report.clusters.length)} cluster(s)</p>
<nav><a href="#fleet">Fleet</a>${report.clusters.map((cluster, index) => `<a href="#cluster-${index}">${escapeHtml(cluster.record.cluster.name)}</a>`).join('')}<a href="#findings">Findings</a></nav>
</header>
<main>
${fleetSummary(report)}
${clusters.join('\n')}
${findingsSection(report, options)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
