/**
 * Lists that reports bound (src/report/bounded.ts: the first MAX_LISTED_ITEMS names and an
 * exact count) can be given by a rule as a summary too: the exact size and the first names in
 * the list's own order, read without building the list. In an open mesh a finding's
 * affectedNamespaces or evidence.foreignOwners name nearly every namespace, so building each
 * list in full to print fifty of its names makes a report cost namespaces squared.
 *
 * The summary rides beside the list under a symbol key (not enumerable): the list itself
 * (usually a getter) stays what the finding means, for JSON.stringify and the digests of
 * bench/findings-digest.ts; outputs that bound the list (by count, or by JSON size for the Log
 * Analytics rows) ask for the summary first. A summary must agree with its list: `size === list.length`,
 * `first(n)` deep-equals `list.slice(0, n)`, `has(x) === list.includes(x)`.
 */
import { jsonListBytes, jsonStringBytes } from '../json-bytes.js';

export interface ListSummary {
  readonly size: number;
  /** The first `limit` entries, in the list's order. */
  first(limit: number): string[];
  has(item: string): boolean;
  /**
   * For lists stored as a part shared between many lists (sorted, read-only) minus one entry
   * plus their own extras (OwnerList): the parts, so a union over many lists reads each shared
   * part once (src/report/bounded.ts matrixOwners). Undefined when the list leaves out more of
   * the shared part (then it is read whole).
   */
  parts?(): { shared: readonly string[]; excluded: string; extra: readonly string[] } | undefined;
  /**
   * `Buffer.byteLength(JSON.stringify(list))`, for outputs that bound a list by its JSON size
   * (Log Analytics rows) and must report the size of the whole: from per-part sums, without
   * reading every name. Absent: the output reads the list.
   */
  jsonBytes?(): number;
  /**
   * Does an entry satisfy `matches` (a --tenant glob)? From the shared parts, each read once per
   * predicate (keep the predicate's identity across lists). Absent: the caller reads the list.
   */
  some?(matches: (item: string) => boolean): boolean;
}

const SUMMARIES = Symbol('listSummaries');

type WithSummaries = { [SUMMARIES]?: Map<string, ListSummary> };

/** Records `summary` as the summary of `target[key]`; returns `target`. */
export function withListSummary<T extends object>(target: T, key: string, summary: ListSummary): T {
  const holder = target as T & WithSummaries;
  let summaries = holder[SUMMARIES];
  if (!summaries) {
    summaries = new Map();
    Object.defineProperty(target, SUMMARIES, { value: summaries, enumerable: false, configurable: true });
  }
  summaries.set(key, summary);
  return target;
}

/** The summary recorded for `target[key]`, if any. */
export function listSummaryOf(target: object, key: string): ListSummary | undefined {
  return (target as WithSummaries)[SUMMARIES]?.get(key);
}

/** A summary of a list already built (sorted or not: the list's order is kept). */
export function summaryOfList(list: readonly string[]): ListSummary {
  let set: Set<string> | undefined;
  return {
    size: list.length,
    first: (limit) => list.slice(0, limit),
    has: (item) => (set ??= new Set(list)).has(item),
    some: (matches) => list.some(matches),
    jsonBytes: () => jsonListBytes(list.length, list.reduce((sum, item) => sum + jsonStringBytes(item), 0)),
  };
}

/**
 * The summary of `target[key]`: the recorded one, else one over the list as it is (a getter is
 * read once). Undefined when the value is not a list.
 */
export function summaryOf(target: object, key: string): ListSummary | undefined {
  const recorded = listSummaryOf(target, key);
  if (recorded) return recorded;
  const value = (target as Record<string, unknown>)[key];
  return Array.isArray(value) ? summaryOfList(value as string[]) : undefined;
}

/** Copies the summaries recorded on `from` to `to`: a spread copy loses them (the key is not enumerable). */
export function copyListSummaries<T extends object>(from: object, to: T): T {
  const summaries = (from as WithSummaries)[SUMMARIES];
  if (summaries) for (const [key, summary] of summaries) withListSummary(to, key, summary);
  return to;
}

/**
 * `{ ...source, ...overrides }` without reading `source`'s getters: a spread copy reads each
 * getter, which builds the lazy lists (an open mesh's importers) of every copied finding. The
 * copy keeps the getters, the key order of the spread, and `source`'s summaries.
 */
export function copyKeepingLists<T extends object>(source: T, overrides: Partial<T>): T {
  const copy = {} as T;
  for (const key of Reflect.ownKeys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key)!;
    if (descriptor.enumerable) Object.defineProperty(copy, key, { ...descriptor, configurable: true, ...('value' in descriptor ? { writable: true } : {}) });
  }
  // Redefining a key keeps its place, as the spread does.
  for (const key of Reflect.ownKeys(overrides)) Object.defineProperty(copy, key, { value: (overrides as Record<PropertyKey, unknown>)[key], enumerable: true, writable: true, configurable: true });
  return copyListSummaries(source, copy);
}
