/**
 * The one place that maps findings and scan records to the columns of the two Log Analytics
 * tables (findings.md; infra/schema/tables.json is the schema the Bicep declares and the tests
 * compare these rows against). Pure functions: no I/O, never throw on odd input.
 *
 * Column types as Log Analytics expects them in a Logs Ingestion JSON body:
 * datetime = ISO 8601 string, string = string (never null), int/long = integer number,
 * boolean = true/false, dynamic = any JSON value (object, array, or null when absent).
 */
import { computeFindingId } from '../../rules/finding-id.js';
import { listSummaryOf, type ListSummary } from '../../rules/list-summary.js';
import type { Finding } from '../../rules/types.js';
import type { ScanRecord } from '../types.js';
import { SCANNER_VERSION } from '../../version.js';
import { limitJsonSize, truncatedJson, utf8Prefix } from './truncate.js';

/** Row of IstioIsolationFindings_CL (a type alias, so it is also a Record<string, unknown> for the SDK). */
export type FindingRow = {
  TimeGenerated: string;
  ScanId: string;
  FindingId: string;
  RuleId: string;
  Severity: string;
  Category: string;
  /** The rule's title; findings.md calls it `Title`, a name Log Analytics reserves in custom tables. */
  RuleTitle: string;
  Message: string;
  SubscriptionId: string;
  ResourceGroup: string;
  ClusterName: string;
  ClusterResourceId: string;
  ClusterLocation: string;
  MeshRevisions: string;
  Namespace: string;
  ResourceKind: string;
  ResourceName: string;
  ResourceNamespace: string;
  ResourceApiVersion: string;
  AffectedNamespaces: string[];
  AffectedNamespaceCount: number;
  Evidence: unknown;
  Remediation: string;
  Fix: unknown;
  Suppressed: boolean;
  SuppressionReason: string;
  ScannerVersion: string;
};

/** Row of IstioIsolationScans_CL. */
export type ScanRow = {
  TimeGenerated: string;
  ScanId: string;
  SubscriptionId: string;
  ResourceGroup: string;
  ClusterName: string;
  ClusterResourceId: string;
  ClusterLocation: string;
  Status: string;
  Error: string;
  DurationMs: number;
  ApiRequests: number;
  ResourceCounts: unknown;
  FindingCounts: unknown;
  Coverage: unknown;
  MeshMode: string;
  MeshRevisions: string;
  TenantNamespaces: number;
  ExposedTenantNamespaces: number;
  ScannerVersion: string;
};

/**
 * Budget for each dynamic column (Evidence, Fix) in serialized UTF-8 bytes. Log Analytics
 * truncates field values over 64 KB on ingestion (Azure Monitor service limits, Logs Ingestion
 * API), which would leave invalid JSON in a dynamic column; 32 KB keeps each row far from both
 * that and the 1 MB per call limit, so the SDK can always fit a row into a call.
 */
export const DYNAMIC_COLUMN_BUDGET_BYTES = 32 * 1024;

/** Strings have the same 64 KB field limit; Message/Remediation are sentences, so 8 KB is generous. */
export const STRING_COLUMN_BUDGET_CHARS = 8 * 1024;

export function toFindingRow(finding: Finding, record: ScanRecord): FindingRow {
  const cluster = clusterColumns(record);
  const resource = finding.resource;
  const affected = affectedNamespacesColumn(finding, DYNAMIC_COLUMN_BUDGET_BYTES);
  return {
    TimeGenerated: isoTime(record.timeGenerated),
    ScanId: text(record.scanId),
    FindingId: text(finding.findingId) || fallbackFindingId(finding, record),
    RuleId: text(finding.ruleId),
    Severity: text(finding.severity),
    Category: text(finding.category),
    RuleTitle: text(finding.title),
    Message: text(finding.message),
    ...cluster,
    MeshRevisions: revisions(record.meshRevisions),
    Namespace: text(finding.namespace),
    ResourceKind: text(resource?.kind),
    ResourceName: text(resource?.name),
    ResourceNamespace: text(resource?.namespace),
    ResourceApiVersion: text(resource?.apiVersion),
    AffectedNamespaces: affected.value as string[],
    // The count stays the true length even if the list itself had to be truncated.
    AffectedNamespaceCount: affected.count,
    Evidence: evidenceColumn(finding.evidence ?? {}, DYNAMIC_COLUMN_BUDGET_BYTES),
    Remediation: text(finding.remediation),
    Fix: finding.fix === undefined ? null : limitJsonSize(finding.fix, DYNAMIC_COLUMN_BUDGET_BYTES),
    Suppressed: finding.suppressed === true,
    SuppressionReason: text(finding.suppressionReason),
    ScannerVersion: scannerVersion(record),
  };
}

/**
 * The AffectedNamespaces column (the list, or limitJsonSize's marker past `budgetBytes`) and the
 * list's length. In an open mesh the list names nearly every namespace: when the rule summarises
 * it (src/rules/list-summary.ts) the column is made from the summary's size, JSON size and first
 * names, the same value without building the whole list for every finding.
 */
export function affectedNamespacesColumn(finding: Finding, budgetBytes: number): { value: unknown; count: number } {
  const summary = listSummaryOf(finding, 'affectedNamespaces');
  if (!summary?.jsonBytes) {
    const list = Array.isArray(finding.affectedNamespaces) ? finding.affectedNamespaces.map(String) : [];
    return { value: limitJsonSize(list, budgetBytes), count: list.length };
  }
  const count = summary.size;
  const bytes = summary.jsonBytes();
  if (bytes <= budgetBytes) return { value: summary.first(count), count };
  // A prefix of at most budgetBytes bytes lies within the first budgetBytes / 3 + 1 names (each is at least `"",`).
  const head = `[${summary
    .first(Math.floor(budgetBytes / 3) + 1)
    .map((name) => JSON.stringify(name))
    .join(',')}`;
  return { value: truncatedJson(bytes, (maxBytes) => utf8Prefix(head, maxBytes), budgetBytes), count };
}

/**
 * The Evidence column: limitJsonSize(evidence, budgetBytes), without building the lists a rule
 * summarises (evidence.foreignOwners of namespace-imports-foreign-config and its scopes: in an
 * open mesh nearly every namespace). The JSON text is taken in pieces, as JSON.stringify writes
 * it; a summarised list counts its summary's jsonBytes and gives its first names for the marker's
 * prefix. Anything the pieces cannot stand for (a cycle, a BigInt) goes to limitJsonSize.
 */
export function evidenceColumn(evidence: object, budgetBytes: number): unknown {
  let pieces: JsonPiece[];
  try {
    pieces = jsonPieces(evidence);
  } catch {
    return limitJsonSize(evidence, budgetBytes);
  }
  if (!pieces.some((piece) => typeof piece !== 'string')) return limitJsonSize(evidence, budgetBytes);
  let bytes = 0;
  for (const piece of pieces) bytes += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.jsonBytes!();
  if (bytes <= budgetBytes) return evidence;
  const prefixOf = (maxBytes: number) => {
    let text = '';
    let textBytes = 0;
    for (const piece of pieces) {
      if (textBytes > maxBytes) break;
      if (typeof piece === 'string') {
        text += piece;
        textBytes += Buffer.byteLength(piece, 'utf8');
        continue;
      }
      // A prefix of at most maxBytes bytes lies within the first maxBytes / 3 + 1 names (each is at least `"",`).
      const limit = Math.floor(maxBytes / 3) + 1;
      const names = piece.first(limit);
      const listText = `[${names.map((name) => JSON.stringify(name)).join(',')}${piece.size <= limit ? ']' : ''}`;
      text += listText;
      textBytes += Buffer.byteLength(listText, 'utf8');
      if (piece.size > limit) break;
    }
    return utf8Prefix(text, maxBytes);
  };
  return truncatedJson(bytes, prefixOf, budgetBytes);
}

/** A piece of a JSON text: text, or a list standing for its JSON (a summary with jsonBytes). */
type JsonPiece = string | ListSummary;

/**
 * JSON.stringify(value) in pieces, summarised lists left unread: plain objects and arrays are
 * walked as JSON.stringify walks them (own enumerable keys in order; undefined, functions and
 * symbols left out of objects and null in arrays), anything else is stringified whole. Throws on
 * a cycle, as JSON.stringify does.
 */
function jsonPieces(value: unknown, out: JsonPiece[] = [], seen = new Set<object>()): JsonPiece[] {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    out.push(JSON.stringify(value) ?? 'null');
    return out;
  }
  if (seen.has(value)) throw new TypeError('cyclic value');
  seen.add(value);
  const skipped = (item: unknown) => item === undefined || typeof item === 'function' || typeof item === 'symbol';
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item: unknown, index) => {
      if (index > 0) out.push(',');
      if (skipped(item)) out.push('null');
      else jsonPieces(item, out, seen);
    });
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const key of Object.keys(value)) {
      const summary = listSummaryOf(value, key);
      const item = summary?.jsonBytes ? undefined : (value as Record<string, unknown>)[key];
      if (!summary?.jsonBytes && skipped(item)) continue;
      out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      if (summary?.jsonBytes) out.push(summary);
      else jsonPieces(item, out, seen);
    }
    out.push('}');
  }
  seen.delete(value);
  return out;
}

export function toScanRow(record: ScanRecord): ScanRow {
  return {
    TimeGenerated: isoTime(record.timeGenerated),
    ScanId: text(record.scanId),
    ...clusterColumns(record),
    Status: text(record.status),
    Error: text(record.error),
    DurationMs: integer(record.durationMs),
    ApiRequests: integer(record.apiRequests),
    ResourceCounts: limitJsonSize(record.resourceCounts ?? {}, DYNAMIC_COLUMN_BUDGET_BYTES),
    FindingCounts: limitJsonSize(record.findingCounts ?? {}, DYNAMIC_COLUMN_BUDGET_BYTES),
    Coverage: limitJsonSize(record.coverage ?? {}, DYNAMIC_COLUMN_BUDGET_BYTES),
    MeshMode: text(record.meshMode),
    MeshRevisions: revisions(record.meshRevisions),
    TenantNamespaces: integer(record.tenantNamespaces),
    ExposedTenantNamespaces: integer(record.exposedTenantNamespaces),
    ScannerVersion: scannerVersion(record),
  };
}

function clusterColumns(record: ScanRecord) {
  const cluster = record.cluster ?? { name: '' };
  return {
    SubscriptionId: text(cluster.subscriptionId),
    ResourceGroup: text(cluster.resourceGroup),
    ClusterName: text(cluster.name),
    ClusterResourceId: text(cluster.resourceId),
    ClusterLocation: text(cluster.location),
  };
}

/** Engine findings always carry an id; a hand-built finding without one still gets the stable hash. */
function fallbackFindingId(finding: Finding, record: ScanRecord): string {
  return computeFindingId({
    clusterResourceId: record.cluster?.resourceId ?? record.cluster?.name ?? '',
    ruleId: text(finding.ruleId),
    namespace: text(finding.namespace),
    resourceKind: text(finding.resource?.kind),
    resourceName: text(finding.resource?.name),
    subjectKey: text(finding.subjectKey),
  });
}

function scannerVersion(record: ScanRecord): string {
  return text(record.scannerVersion) || SCANNER_VERSION;
}

function revisions(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : text(value);
}

/** A string column: never null/undefined, bounded in length. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  const asString = typeof value === 'string' ? value : String(value);
  return asString.length > STRING_COLUMN_BUDGET_CHARS ? `${asString.slice(0, STRING_COLUMN_BUDGET_CHARS)}…[truncated]` : asString;
}

/** int/long columns: a finite whole number (a NaN would be rejected or nulled by the service). */
function integer(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0;
}

/** datetime columns: ISO 8601 in UTC. An unparseable time becomes "now" rather than losing the row. */
function isoTime(value: unknown): string {
  const parsed = typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(Number.NaN);
  return Number.isNaN(parsed.getTime()) ? new Date().toISOString() : parsed.toISOString();
}
