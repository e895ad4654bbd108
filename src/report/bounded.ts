/**
 * Per-finding lists in the reports are bounded, counts stay exact. In an open mesh every
 * namespace imports from nearly every other one: listing all of them in every finding makes
 * a report grow with the square of the namespaces (3,000 namespaces: hundreds of megabytes,
 * past the longest string V8 can build). With at most MAX_LISTED_ITEMS names per list and an
 * exact count beside it, the report grows linearly with the objects.
 */
import { isRecord } from '../records.js';

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
 * A copy of a finding's evidence with every list longer than MAX_LISTED_ITEMS cut to that
 * length, its exact length in `<singular>Count` (kept when the rule already gives it) and
 * `<key>Truncated: true`. Lists inside nested objects (e.g. evidence.scopes[].foreignOwners)
 * are bounded the same way. Getters are read once.
 */
export function boundedEvidence(evidence: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > MAX_EVIDENCE_DEPTH) return evidence;
  const out: Record<string, unknown> = {};
  const entries = Object.entries(evidence);
  for (const [key, value] of entries) {
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
  for (const [namespace, owners] of Object.entries(matrix)) {
    rows[namespace] = boundedList(owners);
    counts[namespace] = owners.length;
  }
  return { rows, counts };
}
