/**
 * The CLI's JSON output (findings.md "CLI output"): `{ scanId, scanner: { version },
 * clusters: [ { cluster, status, coverage, resourceCounts, findings: [...] } ] }`.
 * Field names are the Log Analytics columns in camelCase, except that the object at fault
 * is nested as `resource: { apiVersion, kind, name, namespace }`. Suppressed findings stay,
 * marked `suppressed: true` with their reason.
 *
 * Lists inside findings and the exposure matrix rows are bounded (src/report/bounded.ts) with
 * exact counts beside them, and renderJsonChunks streams the document finding by finding, so
 * a huge open mesh neither grows the report with the square of its namespaces nor needs one
 * string for all of it.
 */
import type { SchemaObject } from 'ajv';
import { CATEGORIES, type Finding } from '../rules/types.js';
import { boundedAffected, boundedEvidence, boundedMatrix } from './bounded.js';
import { blockedClusters, failingFindings, gateExemption, type FailOn } from './gate.js';
import type { BaselineState, ClusterScanResult, FindingScope, ScanReport } from './types.js';

export interface JsonFinding {
  findingId: string;
  ruleId: string;
  severity: Finding['severity'];
  category: Finding['category'];
  title: string;
  message: string;
  namespace: string;
  resource: { apiVersion: string; kind: string; name: string; namespace: string } | null;
  /** At most MAX_LISTED_ITEMS (50) namespaces; affectedNamespaceCount is the exact number. */
  affectedNamespaces: string[];
  affectedNamespaceCount: number;
  /** Lists longer than MAX_LISTED_ITEMS are cut, with `<list>Truncated: true` and an exact `<singular>Count`. */
  evidence: Record<string, unknown>;
  remediation: string;
  fix: Finding['fix'] | null;
  suppressed: boolean;
  suppressionReason: string;
  /** Manifest file and line (offline scans), else null. */
  source: { file: string; line: number } | null;
  /** `--tenant` scans: the tenant's to fix, or context only. */
  scope?: FindingScope;
  /** `--against` / `--baseline`: new, updated (worse) or unchanged. */
  baselineState?: BaselineState;
  /** Whether the finding fails the run's `--fail-on` gate (absent when the report has no gate). */
  failsGate?: boolean;
}

export interface JsonCluster {
  cluster: ClusterScanResult['record']['cluster'];
  status: ClusterScanResult['record']['status'];
  error: string;
  timeGenerated: string;
  durationMs: number;
  apiRequests: number;
  coverage: ClusterScanResult['record']['coverage'];
  resourceCounts: ClusterScanResult['record']['resourceCounts'];
  findingCounts: ClusterScanResult['record']['findingCounts'];
  meshMode: string;
  meshRevisions: string[];
  tenantNamespaces: number;
  exposedTenantNamespaces: number;
  /** Importing tenant namespace -> foreign owner namespaces (at most MAX_LISTED_ITEMS per row). */
  exposureMatrix: Record<string, string[]>;
  /** Importing tenant namespace -> exact number of foreign owner namespaces. */
  exposureMatrixCounts: Record<string, number>;
  findings: JsonFinding[];
  /** `--tenant` scans: the tenant namespaces judged and how many other findings were left out. */
  scope?: { tenants: string[]; outOfScope: number };
  /** `--against` / `--baseline`: what the findings were compared with and what the change resolved. */
  comparison?: { against: string; kind: 'change' | 'baseline'; introduced: number; updated: number; unchanged: number; resolved: JsonFinding[] };
}

export interface JsonReport {
  scanId: string;
  scanner: { version: string };
  /** The gate of the run: its threshold and how many findings fail it (CLI runs). */
  gate?: { failOn: FailOn; failingFindings: number; incompleteClusters?: string[] };
  clusters: JsonCluster[];
}

function jsonFinding(finding: Finding, result?: ClusterScanResult, failOn?: FailOn): JsonFinding {
  const scope = result?.scope?.scopes.get(finding.findingId);
  const baselineState = result?.comparison?.states.get(finding.findingId);
  // From the rule's summary when it gives one: the largest lists are never built (bounded.ts).
  const affected = boundedAffected(finding);
  return {
    findingId: finding.findingId,
    ruleId: finding.ruleId,
    severity: finding.severity,
    category: finding.category,
    title: finding.title,
    message: finding.message,
    namespace: finding.namespace,
    resource: finding.resource ? { apiVersion: finding.resource.apiVersion, kind: finding.resource.kind, name: finding.resource.name, namespace: finding.resource.namespace } : null,
    affectedNamespaces: affected.listed,
    affectedNamespaceCount: affected.count,
    evidence: boundedEvidence(finding.evidence),
    remediation: finding.remediation,
    fix: finding.fix ?? null,
    suppressed: finding.suppressed,
    suppressionReason: finding.suppressionReason ?? '',
    source: finding.source ? { file: finding.source.file, line: finding.source.line } : null,
    ...(scope ? { scope } : {}),
    ...(baselineState ? { baselineState } : {}),
    ...(result && failOn ? { failsGate: gateExemption(result, finding, failOn) === undefined } : {}),
  };
}

function jsonClusterExtras(result: ClusterScanResult): Pick<JsonCluster, 'scope' | 'comparison'> {
  const extras: Pick<JsonCluster, 'scope' | 'comparison'> = {};
  if (result.scope) extras.scope = { tenants: result.scope.tenants, outOfScope: result.scope.outOfScope };
  if (result.comparison) {
    const states = [...result.comparison.states.values()];
    extras.comparison = {
      against: result.comparison.against,
      kind: result.comparison.kind,
      introduced: states.filter((state) => state === 'new').length,
      updated: states.filter((state) => state === 'updated').length,
      unchanged: states.filter((state) => state === 'unchanged').length,
      resolved: result.comparison.resolved.map((finding) => jsonFinding(finding)),
    };
  }
  return extras;
}

/** Stands in for a list while the document around it is serialized; the list is streamed in its place. */
const STREAMED = '\u0000streamed\u0000';

function jsonCluster(result: ClusterScanResult, findings: JsonFinding[] | typeof STREAMED): Omit<JsonCluster, 'findings'> & { findings: JsonFinding[] | string } {
  const matrix = boundedMatrix(result.exposureMatrix);
  return {
    cluster: result.record.cluster,
    status: result.record.status,
    error: result.record.error,
    timeGenerated: result.record.timeGenerated,
    durationMs: result.record.durationMs,
    apiRequests: result.record.apiRequests,
    coverage: result.record.coverage,
    resourceCounts: result.record.resourceCounts,
    findingCounts: result.record.findingCounts,
    meshMode: result.record.meshMode,
    meshRevisions: result.record.meshRevisions,
    tenantNamespaces: result.record.tenantNamespaces,
    exposedTenantNamespaces: result.record.exposedTenantNamespaces,
    exposureMatrix: matrix.rows,
    exposureMatrixCounts: matrix.counts,
    findings,
    ...jsonClusterExtras(result),
  };
}

function jsonReportOf(report: ScanReport, clusters: JsonCluster[] | typeof STREAMED): Omit<JsonReport, 'clusters'> & { clusters: JsonCluster[] | string } {
  const failOn = report.failOn;
  const failing = failOn ? failingFindings(report, failOn).length : 0;
  const blocked = blockedClusters(report).map(({ cluster }) => cluster);
  return {
    scanId: report.scanId,
    scanner: { version: report.scanner.version },
    ...(failOn ? { gate: { failOn, failingFindings: failing, ...(blocked.length > 0 ? { incompleteClusters: blocked } : {}) } } : {}),
    clusters,
  };
}

/** The whole document as one value (small reports, tests); renderJsonChunks streams the same text. */
export function buildJsonReport(report: ScanReport): JsonReport {
  return jsonReportOf(
    report,
    report.clusters.map((result) => jsonCluster(result, result.findings.map((finding) => jsonFinding(finding, result, report.failOn))) as JsonCluster),
  ) as JsonReport;
}

/**
 * JSON.stringify(value, null, 2) as it reads `levels` levels deep in a document: every line
 * after the first indented by 2 x `levels` spaces. The value is serialized inside `levels`
 * arrays and cut out, instead of a pass over the text inserting the spaces (the findings of a
 * large report are tens of megabytes).
 */
export function indentedJson(value: unknown, levels: number): string {
  let wrapped = value;
  for (let level = 0; level < levels; level += 1) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Wrapper i opens with 2i spaces, "[" and a newline and closes with a newline, 2i spaces and "]".
  let start = 2 * levels;
  let end = text.length;
  for (let level = 0; level < levels; level += 1) {
    start += 2 * level + 2;
    end -= 2 * level + 2;
  }
  return text.slice(start, end);
}

/**
 * `value` serialized as indentedJson(value, levels), except that the array standing where
 * STREAMED is comes from `items(itemLevels)`, each item a series of chunks already serialized
 * at the array's item depth: the text comes out in pieces and no string holds all of it.
 */
function* withStreamedArray(value: unknown, items: (itemLevels: number) => Iterable<Iterable<string>>, levels = 0): Generator<string> {
  const text = indentedJson(value, levels);
  const marker = JSON.stringify(STREAMED);
  const hole = text.indexOf(marker);
  const line = text.slice(text.lastIndexOf('\n', hole) + 1, hole);
  const itemIndent = `${' '.repeat(line.length - line.trimStart().length)}  `;
  yield `${text.slice(0, hole)}[`;
  let count = 0;
  for (const item of items(itemIndent.length / 2)) {
    yield `${count > 0 ? ',' : ''}\n${itemIndent}`;
    yield* item;
    count += 1;
  }
  yield `${count > 0 ? `\n${itemIndent.slice(2)}` : ''}]${text.slice(hole + marker.length)}`;
}

/**
 * The JSON report as chunks, byte for byte JSON.stringify(buildJsonReport(report), null, 2)
 * plus a final newline, produced one finding at a time.
 */
export function* renderJsonChunks(report: ScanReport): Generator<string> {
  function* findingsOf(result: ClusterScanResult, levels: number): Generator<Iterable<string>> {
    for (const finding of result.findings) yield [indentedJson(jsonFinding(finding, result, report.failOn), levels)];
  }
  function* clusters(levels: number): Generator<Iterable<string>> {
    for (const result of report.clusters) yield withStreamedArray(jsonCluster(result, STREAMED), (findingLevels) => findingsOf(result, findingLevels), levels);
  }
  yield* withStreamedArray(jsonReportOf(report, STREAMED), clusters);
  yield '\n';
}

export function renderJson(report: ScanReport): string {
  return [...renderJsonChunks(report)].join('');
}

const SEVERITY = { enum: ['critical', 'high', 'medium', 'low', 'info'] };
const STRING_ARRAY = { type: 'array', items: { type: 'string' } };
const RESOURCE = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'name', 'namespace'],
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string' } },
};

const FINDING = {
  type: 'object',
  additionalProperties: false,
  required: ['findingId', 'ruleId', 'severity', 'category', 'title', 'message', 'namespace', 'resource', 'affectedNamespaces', 'affectedNamespaceCount', 'evidence', 'remediation', 'fix', 'suppressed', 'suppressionReason', 'source'],
  properties: {
    findingId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
    ruleId: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
    severity: SEVERITY,
    category: { enum: [...CATEGORIES] },
    title: { type: 'string', minLength: 1 },
    message: { type: 'string', minLength: 1 },
    namespace: { type: 'string' },
    resource: { oneOf: [RESOURCE, { type: 'null' }] },
    affectedNamespaces: STRING_ARRAY,
    affectedNamespaceCount: { type: 'integer', minimum: 0 },
    evidence: { type: 'object' },
    remediation: { type: 'string' },
    fix: { oneOf: [{ type: 'object' }, { type: 'null' }] },
    suppressed: { type: 'boolean' },
    suppressionReason: { type: 'string' },
    source: { oneOf: [{ type: 'object', required: ['file', 'line'], properties: { file: { type: 'string' }, line: { type: 'integer', minimum: 1 } } }, { type: 'null' }] },
    scope: { enum: ['tenant', 'context'] },
    baselineState: { enum: ['new', 'updated', 'unchanged'] },
    failsGate: { type: 'boolean' },
  },
};

/** JSON Schema (draft-07) of the document above: the contract consumers and tests check. */
export const JSON_REPORT_SCHEMA: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'istio-isolation-scanner JSON report',
  type: 'object',
  additionalProperties: false,
  required: ['scanId', 'scanner', 'clusters'],
  properties: {
    scanId: { type: 'string', minLength: 1 },
    gate: {
      type: 'object',
      additionalProperties: false,
      required: ['failOn', 'failingFindings'],
      properties: {
        failOn: { enum: ['critical', 'high', 'medium', 'low', 'info', 'none'] },
        failingFindings: { type: 'integer', minimum: 0 },
        // Clusters the gate cannot pass whatever the findings: failed, skipped, or partial without --allow-incomplete.
        incompleteClusters: { type: 'array', items: { type: 'string' } },
      },
    },
    scanner: { type: 'object', additionalProperties: false, required: ['version'], properties: { version: { type: 'string', minLength: 1 } } },
    clusters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['cluster', 'status', 'coverage', 'resourceCounts', 'findings', 'findingCounts', 'meshMode', 'meshRevisions'],
        properties: {
          cluster: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, resourceId: { type: 'string' }, subscriptionId: { type: 'string' }, resourceGroup: { type: 'string' }, location: { type: 'string' } },
          },
          status: { enum: ['succeeded', 'partial', 'failed', 'skipped'] },
          error: { type: 'string' },
          timeGenerated: { type: 'string', format: 'date-time' },
          durationMs: { type: 'integer', minimum: 0 },
          apiRequests: { type: 'integer', minimum: 0 },
          coverage: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              required: ['status'],
              properties: { status: { enum: ['read', 'forbidden', 'absent', 'failed', 'not-collected'] }, apiVersion: { type: 'string' }, error: { type: 'string' }, objects: { type: 'integer' } },
            },
          },
          resourceCounts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
          findingCounts: { type: 'object', additionalProperties: false, required: ['critical', 'high', 'medium', 'low', 'info'], properties: Object.fromEntries(SEVERITY.enum.map((s) => [s, { type: 'integer', minimum: 0 }])) },
          meshMode: { type: 'string' },
          meshRevisions: STRING_ARRAY,
          tenantNamespaces: { type: 'integer', minimum: 0 },
          exposedTenantNamespaces: { type: 'integer', minimum: 0 },
          exposureMatrix: { type: 'object', additionalProperties: STRING_ARRAY },
          exposureMatrixCounts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
          findings: { type: 'array', items: FINDING },
          scope: {
            type: 'object',
            additionalProperties: false,
            required: ['tenants', 'outOfScope'],
            properties: { tenants: STRING_ARRAY, outOfScope: { type: 'integer', minimum: 0 } },
          },
          comparison: {
            type: 'object',
            additionalProperties: false,
            required: ['against', 'kind', 'introduced', 'updated', 'unchanged', 'resolved'],
            properties: {
              against: { type: 'string' },
              kind: { enum: ['change', 'baseline'] },
              introduced: { type: 'integer', minimum: 0 },
              updated: { type: 'integer', minimum: 0 },
              unchanged: { type: 'integer', minimum: 0 },
              resolved: { type: 'array', items: FINDING },
            },
          },
        },
      },
    },
  },
};
