/**
 * The CLI's JSON output (findings.md "CLI output"): `{ scanId, scanner: { version },
 * clusters: [ { cluster, status, coverage, resourceCounts, findings: [...] } ] }`.
 * Field names are the Log Analytics columns in camelCase, except that the object at fault
 * is nested as `resource: { apiVersion, kind, name, namespace }`. Suppressed findings stay,
 * marked `suppressed: true` with their reason.
 */
import type { SchemaObject } from 'ajv';
import type { Finding } from '../rules/types.js';
import type { ClusterScanResult, ScanReport } from './types.js';

export interface JsonFinding {
  findingId: string;
  ruleId: string;
  severity: Finding['severity'];
  category: Finding['category'];
  title: string;
  message: string;
  namespace: string;
  resource: { apiVersion: string; kind: string; name: string; namespace: string } | null;
  affectedNamespaces: string[];
  affectedNamespaceCount: number;
  evidence: Record<string, unknown>;
  remediation: string;
  fix: Finding['fix'] | null;
  suppressed: boolean;
  suppressionReason: string;
  /** Manifest file and line (offline scans), else null. */
  source: { file: string; line: number } | null;
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
  /** Importing tenant namespace -> foreign owner namespaces. */
  exposureMatrix: Record<string, string[]>;
  findings: JsonFinding[];
}

export interface JsonReport {
  scanId: string;
  scanner: { version: string };
  clusters: JsonCluster[];
}

function jsonFinding(finding: Finding): JsonFinding {
  return {
    findingId: finding.findingId,
    ruleId: finding.ruleId,
    severity: finding.severity,
    category: finding.category,
    title: finding.title,
    message: finding.message,
    namespace: finding.namespace,
    resource: finding.resource ? { apiVersion: finding.resource.apiVersion, kind: finding.resource.kind, name: finding.resource.name, namespace: finding.resource.namespace } : null,
    affectedNamespaces: finding.affectedNamespaces,
    affectedNamespaceCount: finding.affectedNamespaces.length,
    evidence: finding.evidence,
    remediation: finding.remediation,
    fix: finding.fix ?? null,
    suppressed: finding.suppressed,
    suppressionReason: finding.suppressionReason ?? '',
    source: finding.source ? { file: finding.source.file, line: finding.source.line } : null,
  };
}

export function buildJsonReport(report: ScanReport): JsonReport {
  return {
    scanId: report.scanId,
    scanner: { version: report.scanner.version },
    clusters: report.clusters.map(({ record, findings, exposureMatrix }) => ({
      cluster: record.cluster,
      status: record.status,
      error: record.error,
      timeGenerated: record.timeGenerated,
      durationMs: record.durationMs,
      apiRequests: record.apiRequests,
      coverage: record.coverage,
      resourceCounts: record.resourceCounts,
      findingCounts: record.findingCounts,
      meshMode: record.meshMode,
      meshRevisions: record.meshRevisions,
      tenantNamespaces: record.tenantNamespaces,
      exposedTenantNamespaces: record.exposedTenantNamespaces,
      exposureMatrix,
      findings: findings.map(jsonFinding),
    })),
  };
}

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(buildJsonReport(report), null, 2)}\n`;
}

const SEVERITY = { enum: ['critical', 'high', 'medium', 'low', 'info'] };
const STRING_ARRAY = { type: 'array', items: { type: 'string' } };
const RESOURCE = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'name', 'namespace'],
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string' } },
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
          status: { enum: ['succeeded', 'partial', 'failed'] },
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
          findings: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['findingId', 'ruleId', 'severity', 'category', 'title', 'message', 'namespace', 'resource', 'affectedNamespaces', 'affectedNamespaceCount', 'evidence', 'remediation', 'fix', 'suppressed', 'suppressionReason', 'source'],
              properties: {
                findingId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
                ruleId: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
                severity: SEVERITY,
                category: { enum: ['exposure', 'sidecar', 'mesh', 'transport', 'enrolment', 'admission', 'platform', 'coverage'] },
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
              },
            },
          },
        },
      },
    },
  },
};
