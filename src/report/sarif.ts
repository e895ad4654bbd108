/**
 * SARIF 2.1.0 output (OASIS SARIF v2.1.0, docs.oasis-open.org/sarif/sarif/v2.1.0): one run,
 * the whole rule catalogue as `tool.driver.rules` (help text + helpUri to the rule's doc
 * page), one result per finding located at the manifest file and line for offline scans
 * (and a logical location cluster/namespace/kind/name always). Suppressed findings stay,
 * carrying a SARIF `suppressions` entry, so code-scanning UIs show them as dismissed.
 * `security-severity` is the property GitHub code scanning reads to rank results.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { ALL_RULES } from '../rules/registry.js';
import { SEVERITIES, type Finding, type Rule, type Severity } from '../rules/types.js';
import { gateExemption, type FailOn } from './gate.js';
import { repositoryUrl, ruleDocUrl } from './links.js';
import { boundedAffected } from './bounded.js';
import type { ClusterScanResult, ScanReport } from './types.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export { DEFAULT_REPOSITORY_URL, repositoryUrl, ruleDocUrl } from './links.js';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

function descriptor(rule: Rule, baseUrl: string): ReportingDescriptor {
  const { meta } = rule;
  const references = meta.references.map((url) => `- ${url}`).join('\n');
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.rationale },
    help: {
      text: `${meta.remediation}${meta.references.length ? `\nReferences: ${meta.references.join(' ')}` : ''}`,
      markdown: `**${meta.title}**\n\n${meta.rationale}\n\n**How to fix:** ${meta.remediation}${references ? `\n\n${references}` : ''}`,
    },
    helpUri: ruleDocUrl(meta.id, baseUrl),
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties: {
      category: meta.category,
      severity: meta.defaultSeverity,
      'security-severity': SECURITY_SEVERITY[meta.defaultSeverity],
      tags: ['security', 'istio', meta.category],
      ...(meta.versionNote ? { istioVersion: meta.versionNote } : {}),
    },
  };
}

/** A file a result without a manifest location can point at, and what that file is. */
export interface SarifAnchor {
  /** Absolute path. */
  path: string;
  /** Said in the location's message: "the scanner configuration", "the cluster snapshot". */
  role: string;
}

/**
 * One path segment percent-encoded as RFC 3986 wants it in a URI path: everything but the
 * unreserved characters and a few sub-delimiters, so `#`, `?`, `%`, spaces and non-ASCII
 * (as UTF-8) cannot end the path early or be read as something else.
 */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodePath(relativePath: string): string {
  return relativePath.split('/').map(encodeSegment).join('/');
}

/** `file:///abs/dir/` for a directory (trailing slash: SARIF 3.14.14 wants base URIs to end in one). */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * A file as a SARIF artifactLocation. Under `srcRoot` (the repository root, which GitHub code
 * scanning resolves paths against) it is a relative, percent-encoded URI with uriBaseId
 * %SRCROOT%; elsewhere an absolute file:// URI without uriBaseId, as SARIF 3.4.4 requires
 * (GitHub cannot show such a file; it is still the truth about where the finding is).
 */
export function artifactLocationOf(file: string, srcRoot: string = process.cwd(), cwd: string = srcRoot): { uri: string; uriBaseId?: string } {
  const absolute = resolve(cwd, file);
  const inside = relative(srcRoot, absolute);
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return { uri: encodePath(inside.split(sep).join('/')), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(absolute).href };
}

/** Source names that are not files (standard input): such findings are anchored like cluster-level ones. */
function isFileName(name: string): boolean {
  return name !== '-' && !name.startsWith('<');
}

function locationsOf(finding: Finding, clusterName: string, options: ResolvedSarifOptions): Location[] {
  const logicalName = [clusterName, finding.resource?.namespace || finding.namespace, finding.resource?.kind, finding.resource?.name].filter(Boolean).join('/');
  const location: Location = {
    logicalLocations: [{ fullyQualifiedName: logicalName || clusterName, kind: finding.resource ? 'resource' : 'cluster' }],
  };
  if (finding.source && isFileName(finding.source.file)) {
    location.physicalLocation = {
      artifactLocation: artifactLocationOf(finding.source.file, options.srcRoot, options.cwd),
      region: { startLine: Math.max(1, finding.source.line) },
    };
    return [location];
  }
  // GitHub code scanning needs a file for every result. A cluster-level or live finding has
  // none, so it points at the best file this run has, and the location says so.
  const what = finding.source ? `read from ${finding.source.file === '-' ? 'standard input' : finding.source.file}` : finding.resource ? 'read from a cluster, not from a file' : 'cluster-level';
  const anchor = options.anchors.find((candidate) => !artifactLocationOf(candidate.path, options.srcRoot).uri.startsWith('file:')) ?? options.anchors[0];
  if (anchor) {
    location.physicalLocation = { artifactLocation: artifactLocationOf(anchor.path, options.srcRoot), region: { startLine: 1 } };
    location.message = { text: `This finding is ${what}; no manifest line holds it, so it is shown at ${anchor.role}.` };
  } else {
    location.physicalLocation = { artifactLocation: { uri: `istio-isolation-scanner/clusters/${encodeSegment(clusterName)}`, uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } };
    location.message = { text: `This finding is ${what}; no file of this run holds it, so it is shown at a generated location naming cluster ${clusterName} (not a file in the repository).` };
  }
  return [location];
}

/**
 * GitHub code scanning's documented limits on an uploaded SARIF file ("SARIF results exceed
 * limit", docs.github.com code-security): at most 25,000 results per run (only the top 5,000
 * by severity are displayed) and 10 MB per gzip-compressed file; 20 runs, 25,000 rules,
 * 1,000 locations per result and 20 tags per rule are never approached here.
 */
export const GITHUB_SARIF_LIMITS = { resultsPerRun: 25_000, displayedResultsPerRun: 5_000, gzipBytes: 10 * 1024 * 1024 } as const;

export interface SarifOptions {
  /** Repository web URL for helpUri; defaults to package.json `repository`. */
  repositoryUrl?: string;
  rules?: readonly Rule[];
  /** %SRCROOT%: the directory relative URIs are resolved against (default: the working directory). */
  srcRoot?: string;
  /** The directory relative finding file names were made relative to (default: srcRoot). */
  cwd?: string;
  /** Files, best first, that results without a manifest location point at. */
  anchors?: SarifAnchor[];
  /** Told when the log had to be trimmed to GitHub's limits. */
  warn?: (message: string) => void;
  /** Override of GITHUB_SARIF_LIMITS (tests). */
  limits?: { resultsPerRun: number; displayedResultsPerRun: number; gzipBytes: number };
}

interface ResolvedSarifOptions {
  srcRoot: string;
  cwd: string;
  anchors: SarifAnchor[];
}

interface RankedResult {
  result: Result;
  gating: boolean;
  severity: Severity;
}

function toResult(finding: Finding, cluster: ClusterScanResult, index: Map<string, number>, options: ResolvedSarifOptions, failOn: FailOn | undefined): RankedResult {
  const clusterName = cluster.record.cluster.name;
  const scope = cluster.scope?.scopes.get(finding.findingId);
  const baselineState = cluster.comparison?.states.get(finding.findingId);
  const gating = failOn !== undefined && gateExemption(cluster, finding, failOn) === undefined;
  const affected = boundedAffected(finding);
  const result: Result = {
    ruleId: finding.ruleId,
    // Context of a tenant scan is shown, never raised: a note whatever its severity.
    level: scope === 'context' ? 'note' : LEVEL[finding.severity],
    message: { text: finding.message },
    locations: locationsOf(finding, clusterName, options),
    partialFingerprints: { 'findingId/v1': finding.findingId },
    properties: {
      severity: finding.severity,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      cluster: clusterName,
      namespace: finding.namespace,
      // Bounded like the JSON report (src/report/bounded.ts); the count is exact.
      affectedNamespaces: affected.listed,
      affectedNamespaceCount: affected.count,
      findingId: finding.findingId,
      ...(scope ? { scope } : {}),
      ...(failOn !== undefined ? { failsGate: gating } : {}),
    },
  };
  if (baselineState) result.baselineState = baselineState;
  const ruleIndex = index.get(finding.ruleId);
  if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
  // `kind` + `justification` only: the suppression state property is `state` in the 2.1.0
  // committee schema and `status` in the errata, so it is left out to validate against both.
  if (finding.suppressed) result.suppressions = [{ kind: 'external', justification: finding.suppressionReason || 'suppressed' }];
  return { result, gating, severity: finding.severity };
}

function logOf(report: ScanReport, baseUrl: string, catalogue: Rule[], srcRoot: string, results: Result[], notes: string[]): Log {
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'istio-isolation-scanner',
            version: report.scanner.version,
            semanticVersion: report.scanner.version,
            informationUri: baseUrl,
            rules: catalogue.map((rule) => descriptor(rule, baseUrl)),
          },
        },
        automationDetails: { id: `istio-isolation-scanner/${report.scanId}` },
        originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(srcRoot), description: { text: 'The repository root (or the working directory outside a repository); manifest paths are relative to it.' } } },
        ...(notes.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notes.map((text) => ({ level: 'warning' as const, message: { text } })) }] } : {}),
        results,
      },
    ],
  };
}

export function buildSarif(report: ScanReport, options: SarifOptions = {}): Log {
  const baseUrl = options.repositoryUrl ?? repositoryUrl();
  const catalogue = [...(options.rules ?? ALL_RULES)];
  const index = new Map(catalogue.map((rule, i) => [rule.meta.id, i]));
  const srcRoot = resolve(options.srcRoot ?? process.cwd());
  const resolved: ResolvedSarifOptions = { srcRoot, cwd: resolve(options.cwd ?? srcRoot), anchors: options.anchors ?? [] };
  const ranked = report.clusters.flatMap((cluster) => cluster.findings.map((finding) => toResult(finding, cluster, index, resolved, report.failOn)));
  const limits = options.limits ?? GITHUB_SARIF_LIMITS;
  const notes: string[] = [];
  let kept = ranked;
  if (ranked.length > limits.resultsPerRun) {
    kept = prioritised(ranked).slice(0, limits.resultsPerRun);
    notes.push(`${ranked.length} findings exceed GitHub code scanning's limit of ${limits.resultsPerRun} results per run: the ${limits.resultsPerRun} most important (failing the gate first, then by severity) are in this file; the JSON report has all of them.`);
  }
  if (kept.length > limits.displayedResultsPerRun) {
    notes.push(`${kept.length} results: GitHub code scanning displays only the top ${limits.displayedResultsPerRun} by severity.`);
  }
  for (const note of notes) options.warn?.(`SARIF: ${note}`);
  return logOf(report, baseUrl, catalogue, srcRoot, kept.map((entry) => entry.result), notes);
}

/** Failing the gate first, then most severe, stable otherwise. */
function prioritised(ranked: RankedResult[]): RankedResult[] {
  const order = (entry: RankedResult) => (entry.gating ? 0 : 1) * 10 + SEVERITIES.indexOf(entry.severity);
  return [...ranked].sort((a, b) => order(a) - order(b));
}

/**
 * The SARIF text, within GitHub's upload limits: when the gzip-compressed log would exceed
 * 10 MB, results are dropped (least important first) until it fits, and both the log (a
 * tool notification) and the user (`warn`) are told how many.
 */
export function renderSarif(report: ScanReport, options: SarifOptions = {}): string {
  const limits = options.limits ?? GITHUB_SARIF_LIMITS;
  const log = buildSarif(report, options);
  const text = `${JSON.stringify(log, null, 2)}\n`;
  if (gzipSync(text).length <= limits.gzipBytes) return text;
  const run = log.runs[0]!;
  const all = run.results ?? [];
  // Results are already in priority order when trimmed; otherwise order them now.
  const order = (result: Result) => (result.properties?.failsGate === true ? 0 : 1) * 10 + SEVERITIES.indexOf((result.properties?.severity as Severity | undefined) ?? 'info');
  const sorted = [...all].sort((a, b) => order(a) - order(b));
  let low = 0;
  let high = sorted.length;
  const textWith = (count: number, note: string) => {
    run.results = sorted.slice(0, count);
    const notifications = [...(run.invocations?.[0]?.toolExecutionNotifications ?? []).filter((n) => !n.message.text?.startsWith('Trimmed to')), { level: 'warning' as const, message: { text: note } }];
    run.invocations = [{ executionSuccessful: true, toolExecutionNotifications: notifications }];
    return `${JSON.stringify(log)}\n`;
  };
  const noteFor = (count: number) => `Trimmed to ${count} of ${all.length} results: GitHub code scanning accepts at most ${limits.gzipBytes} bytes of gzip-compressed SARIF per upload; the JSON report has every finding.`;
  // Largest count that fits (binary search; the size grows with the count).
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (gzipSync(textWith(middle, noteFor(middle))).length <= limits.gzipBytes) low = middle;
    else high = middle - 1;
  }
  options.warn?.(`SARIF: ${noteFor(low)}`);
  return textWith(low, noteFor(low));
}
