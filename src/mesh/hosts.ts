/**
 * Host patterns (rules.md "Host overlap"), after Istio's host.Name (pkg/config/host/name.go
 * Matches, SubsetOf): a name starting with `*` is a wildcard matching every name that ends
 * with the rest of it. `*` matches everything; `*.example.com` matches any name ending in
 * `.example.com` (any number of labels, but not `example.com` itself); a partial wildcard
 * `*example.com` matches any name ending in `example.com`, including `example.com` and
 * `badexample.com`. Anything else matches exactly. Matching is case-insensitive (DNS).
 */

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** The suffix a wildcard covers: `*.example.com` -> `.example.com`, `*` -> ``, `*x.com` -> `x.com`. */
export function wildcardSuffix(pattern: string): string {
  return pattern.slice(1);
}

/** A wildcard whose suffix does not start at a label boundary (`*x.com`, `*com`): it cuts into a label. */
export function isPartialWildcard(host: string): boolean {
  return host.length > 1 && isWildcard(host) && host[1] !== '.';
}

/** True when `pattern` matches `host` (host may itself be a wildcard: then pattern must cover it). Istio host.Name.SubsetOf, reversed. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!isWildcard(p)) return false;
  const suffix = wildcardSuffix(p);
  if (isWildcard(h)) return wildcardSuffix(h).endsWith(suffix);
  return h.endsWith(suffix);
}

/** Two patterns overlap when one matches the other. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/**
 * Resolves a short Kubernetes name the way Istio does for VirtualService and DestinationRule
 * hosts (ResolveShortnameToFQDN): a name without a dot is `<name>.<namespace>.svc.<domain>`.
 * Wildcards and names with dots are kept (lower-cased).
 */
export function resolveShortName(host: string, namespace: string, clusterDomain: string): string {
  const lower = host.toLowerCase();
  if (lower === '*' || lower.includes('.')) return lower;
  return `${lower}.${namespace}.svc.${clusterDomain}`;
}

/** FQDN of a Kubernetes Service. */
export function serviceHostname(name: string, namespace: string, clusterDomain: string): string {
  return `${name}.${namespace}.svc.${clusterDomain}`.toLowerCase();
}

/** Proper parent suffixes of a name: `a.b.c` -> [`.b.c`, `.c`]. */
function parentSuffixes(name: string): string[] {
  const out: string[] = [];
  for (let i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) out.push(name.slice(i));
  return out;
}

/** The name an entry is filed under: an exact host, or a wildcard's suffix. */
function nameOf(host: string): string {
  return isWildcard(host) ? wildcardSuffix(host) : host;
}

function reversed(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}

/**
 * Host index: exact hosts, wildcards by suffix, and every entry under each of its parent
 * suffixes, so overlap queries cost O(labels + matches) instead of a scan of all hosts. The
 * entries by parent suffix serve only queries by a wildcard (overlapping, coveredBy) and are
 * filed on the first such query: on the large benchmark fleet no index is ever asked one, and
 * filing its 55,000 hosts under three or four suffixes each was a tenth of the evaluation.
 * Partial wildcards (`*x.com`) are filed by suffix too; a host is matched against them by
 * looking up its suffixes of the lengths they have (usually none), and the entries a partial
 * wildcard covers come from a sorted index of reversed names built on first use (a prefix
 * range, O(log n + matches)).
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, T[]>();
  /** Wildcards keyed by suffix at a label boundary (`.example.com`; `` for `*`). */
  private readonly wildcards = new Map<string, T[]>();
  /** Partial wildcards keyed by suffix (`x.com` for `*x.com`), and the distinct suffix lengths. */
  private readonly partials = new Map<string, T[]>();
  private readonly partialLengths = new Set<number>();
  /** Every entry (exact or wildcard) strictly under a suffix: `a.b.c` and `*.x.b.c` are under `.b.c`. Filed on first use, in the order of add(). */
  private underCache?: Map<string, T[]>;
  /** `wildcard`: a wildcard at a label boundary, whose parent suffixes are those of its suffix without the leading dot. */
  private readonly everything: { name: string; value: T; wildcard: boolean }[] = [];
  /** Entries filed under parent suffixes so far (a guard test counts them). */
  suffixEntries = 0;
  /** Entries sorted by reversed name, for suffix range queries; rebuilt after an add. */
  private byReversedName?: { key: string; value: T }[];

  add(host: string, value: T): void {
    const lower = host.toLowerCase();
    const name = nameOf(lower);
    const entry = { name, value, wildcard: isWildcard(lower) && !isPartialWildcard(lower) };
    this.everything.push(entry);
    this.byReversedName = undefined;
    if (isPartialWildcard(lower)) {
      push(this.partials, name, value);
      this.partialLengths.add(name.length);
    } else if (entry.wildcard) {
      push(this.wildcards, name, value);
    } else {
      push(this.exact, lower, value);
    }
    if (this.underCache) this.fileUnder(this.underCache, entry);
  }

  private get under(): Map<string, T[]> {
    if (!this.underCache) {
      const under = new Map<string, T[]>();
      for (const entry of this.everything) this.fileUnder(under, entry);
      this.underCache = under;
    }
    return this.underCache;
  }

  private fileUnder(under: Map<string, T[]>, entry: { name: string; value: T; wildcard: boolean }): void {
    for (const parent of parentSuffixes(entry.wildcard ? entry.name.slice(1) : entry.name)) {
      push(under, parent, entry.value);
      this.suffixEntries += 1;
    }
  }

  /** Entries whose host equals `host` exactly (case-insensitive). */
  exactly(host: string): T[] {
    const lower = host.toLowerCase();
    if (isPartialWildcard(lower)) return this.partials.get(wildcardSuffix(lower)) ?? [];
    return (isWildcard(lower) ? this.wildcards.get(wildcardSuffix(lower)) : this.exact.get(lower)) ?? [];
  }

  /** Entries whose host pattern matches `host` (for an exact host: exact + covering wildcards). */
  matching(host: string): T[] {
    const lower = host.toLowerCase();
    const out: T[] = [...this.exactly(lower)];
    const name = nameOf(lower);
    // Wildcards at a label boundary covering the name (a wildcard's own suffix is in exactly()).
    for (const suffix of parentSuffixes(isWildcard(lower) ? name.slice(1) : name)) out.push(...(this.wildcards.get(suffix) ?? []));
    if (lower !== '*') out.push(...(this.wildcards.get('') ?? []));
    // Partial wildcards whose suffix ends the name (for a wildcard query, strictly shorter than its own).
    for (const length of this.partialLengths) {
      if (length > name.length || (isPartialWildcard(lower) && length === name.length)) continue;
      out.push(...(this.partials.get(name.slice(name.length - length)) ?? []));
    }
    return out;
  }

  /** Entries whose host overlaps `host`: those matching it plus, for a wildcard, those it covers. */
  overlapping(host: string): T[] {
    const lower = host.toLowerCase();
    if (lower === '*') return this.everything.map((entry) => entry.value);
    if (!isWildcard(lower)) return this.matching(lower);
    const out = this.matching(lower);
    if (isPartialWildcard(lower)) {
      // Everything whose name ends with the suffix, minus the identical pattern already in matching().
      const same = new Set(this.exactly(lower));
      for (const value of this.endingWith(wildcardSuffix(lower))) if (!same.has(value)) out.push(value);
    } else {
      out.push(...(this.under.get(wildcardSuffix(lower)) ?? []));
    }
    return out;
  }

  /** Entries covered by `pattern` (the entry's host is matched by the pattern). */
  coveredBy(pattern: string): T[] {
    const lower = pattern.toLowerCase();
    if (lower === '*') return this.everything.map((entry) => entry.value);
    if (!isWildcard(lower)) return this.exactly(lower);
    if (isPartialWildcard(lower)) return this.endingWith(wildcardSuffix(lower));
    return [...this.exactly(lower), ...(this.under.get(wildcardSuffix(lower)) ?? [])];
  }

  /** Entries whose name (exact host or wildcard suffix) ends with `suffix`. */
  private endingWith(suffix: string): T[] {
    if (!this.byReversedName) {
      this.byReversedName = this.everything.map((entry) => ({ key: reversed(entry.name), value: entry.value }));
      this.byReversedName.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    const sorted = this.byReversedName;
    const prefix = reversed(suffix);
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]!.key < prefix) low = middle + 1;
      else high = middle;
    }
    const out: T[] = [];
    for (let i = low; i < sorted.length && sorted[i]!.key.startsWith(prefix); i++) out.push(sorted[i]!.value);
    return out;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
