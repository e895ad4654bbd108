/**
 * Per-finding lists in the reports are bounded, counts stay exact. In an open mesh every
 * namespace imports from nearly every other one: listing all of them in every finding makes
 * a report grow with the square of the namespaces (3,000 namespaces: hundreds of megabytes,
 * past the longest string V8 can build). With at most MAX_LISTED_ITEMS names per list and an
 * exact count beside it, the report grows linearly with the objects.
 */
import { isRecord } from '../records.js';
import type { Finding } from '../rules/types.js';
import { listSummaryOf, summaryOf, summaryOfList } from '../rules/list-summary.js';

export const MAX_LISTED_ITEMS = 50;

/** Nested evidence deeper than this is copied as is (no rule nests lists that deep). */
const MAX_EVIDENCE_DEPTH = 4;

/** `foreignOwners` -> `foreignOwnerCount`, `kinds` -> `kindCount`: the count beside a list, as the rules name it. */
function countKeyOf(key: string): string {
  return `${key.endsWith('s') ? key.slice(0, -1) : key}Count`;
}

/** The first MAX_LISTED_ITEMS entries (the input order is the rule's, usually sorted). */
export function boundedList<T>(items: readonly T[], max = MAX_LISTED_ITEMS): T[] {
  return items.length > max ? items.slice(0, max) : [...items];
}

/**
 * A finding's affectedNamespaces bounded: the first `max` names and the exact count, from the
 * rule's summary when it gives one (list-summary.ts), so the full list is never built.
 */
export function boundedAffected(finding: Finding, max = MAX_LISTED_ITEMS): { listed: string[]; count: number } {
  const summary = summaryOf(finding, 'affectedNamespaces') ?? summaryOfList([]);
  return { listed: summary.first(max), count: summary.size };
}

/**
 * A copy of a finding's evidence with every list longer than MAX_LISTED_ITEMS cut to that
 * length, its exact length in `<singular>Count` (kept when the rule already gives it) and
 * `<key>Truncated: true`. Lists inside nested objects (e.g. evidence.scopes[].foreignOwners)
 * are bounded the same way. Getters are read once.
 */
export function boundedEvidence(evidence: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > MAX_EVIDENCE_DEPTH) return evidence;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(evidence)) {
    // A list the rule summarises (list-summary.ts) is bounded from its summary, without building it.
    const summary = listSummaryOf(evidence, key);
    if (summary) {
      const kept = summary.first(MAX_LISTED_ITEMS);
      out[key] = kept;
      if (summary.size > kept.length) {
        const countKey = countKeyOf(key);
        if (!(countKey in evidence)) out[countKey] = summary.size;
        out[`${key}Truncated`] = true;
      }
      continue;
    }
    const value = evidence[key];
    if (Array.isArray(value)) {
      const kept = boundedList(value).map((item) => (isRecord(item) ? boundedEvidence(item, depth + 1) : item));
      out[key] = kept;
      if (value.length > kept.length) {
        const countKey = countKeyOf(key);
        if (!(countKey in evidence)) out[countKey] = value.length;
        out[`${key}Truncated`] = true;
      }
    } else if (isRecord(value)) {
      out[key] = boundedEvidence(value, depth + 1);
    } else if (!(key in out)) {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The exposure matrix with each row (importing namespace -> foreign owners) cut to
 * MAX_LISTED_ITEMS owners, and the exact number of owners per row.
 */
export function boundedMatrix(matrix: Record<string, string[]>): { rows: Record<string, string[]>; counts: Record<string, number> } {
  const rows: Record<string, string[]> = {};
  const counts: Record<string, number> = {};
  for (const namespace of Object.keys(matrix)) {
    // Rows built from the findings carry their summary (scan-result.ts exposureMatrixOf).
    const owners = summaryOf(matrix, namespace)!;
    rows[namespace] = owners.first(MAX_LISTED_ITEMS);
    counts[namespace] = owners.size;
  }
  return { rows, counts };
}

/**
 * Every namespace imported from in the matrix (the union of its rows), without building each
 * row when the rows are owner lists sharing their storage (OwnerList.parts): each shared part
 * is read once, however many rows share it.
 */
export function matrixOwners(matrix: Record<string, string[]>): Set<string> {
  const union = new Set<string>();
  const rowsByPart = new Map<readonly string[], string[]>();
  for (const namespace of Object.keys(matrix)) {
    const owners = summaryOf(matrix, namespace)!;
    const parts = owners.parts?.();
    if (!parts) {
      for (const owner of owners.first(owners.size)) union.add(owner);
      continue;
    }
    for (const owner of parts.extra) union.add(owner);
    const excluded = rowsByPart.get(parts.shared);
    if (excluded) excluded.push(parts.excluded);
    else rowsByPart.set(parts.shared, [parts.excluded]);
  }
  // An owner of a shared part is in some row unless the part's only row leaves it out.
  for (const [shared, excluded] of rowsByPart) for (const owner of shared) if (excluded.length > 1 || owner !== excluded[0]) union.add(owner);
  return union;
}
