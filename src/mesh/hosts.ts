/**
 * Host patterns (rules.md "Host overlap"), after Istio's pilot/pkg/model host.Name:
 * `*` matches everything; `*.example.com` matches any name ending in `.example.com`
 * (any number of labels, but not `example.com` itself); anything else matches exactly.
 * Matching is case-insensitive (DNS).
 */

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** The suffix a wildcard covers: `*.example.com` -> `.example.com`, `*` -> ``. */
function wildcardSuffix(pattern: string): string {
  return pattern.slice(1);
}

/** True when `pattern` matches `host` (host may itself be a wildcard: then pattern must cover it). */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!isWildcard(p)) return false;
  const suffix = wildcardSuffix(p);
  if (isWildcard(h)) return wildcardSuffix(h).endsWith(suffix) && wildcardSuffix(h).length >= suffix.length;
  return h.endsWith(suffix) && h.length > suffix.length;
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

/**
 * Host index: exact hosts, wildcards by suffix, and every entry under each of its parent
 * suffixes, so overlap queries cost O(labels + matches) instead of a scan of all hosts.
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, T[]>();
  /** Wildcards keyed by suffix (`.example.com`; `` for `*`). */
  private readonly wildcards = new Map<string, T[]>();
  /** Every entry (exact or wildcard) strictly under a suffix: `a.b.c` and `*.x.b.c` are under `.b.c`. */
  private readonly under = new Map<string, T[]>();
  private readonly everything: T[] = [];

  add(host: string, value: T): void {
    const lower = host.toLowerCase();
    this.everything.push(value);
    if (isWildcard(lower)) {
      const suffix = wildcardSuffix(lower);
      push(this.wildcards, suffix, value);
      for (const parent of parentSuffixes(suffix.slice(1))) push(this.under, parent, value);
    } else {
      push(this.exact, lower, value);
      for (const parent of parentSuffixes(lower)) push(this.under, parent, value);
    }
  }

  /** Entries whose host equals `host` exactly (case-insensitive). */
  exactly(host: string): T[] {
    const lower = host.toLowerCase();
    return (isWildcard(lower) ? this.wildcards.get(wildcardSuffix(lower)) : this.exact.get(lower)) ?? [];
  }

  /** Entries whose host pattern matches `host` (for an exact host: exact + covering wildcards). */
  matching(host: string): T[] {
    const lower = host.toLowerCase();
    const out: T[] = [...this.exactly(lower)];
    const name = isWildcard(lower) ? wildcardSuffix(lower).slice(1) : lower;
    const suffixes = isWildcard(lower) ? parentSuffixes(name) : parentSuffixes(lower);
    for (const suffix of suffixes) out.push(...(this.wildcards.get(suffix) ?? []));
    if (lower !== '*') out.push(...(this.wildcards.get('') ?? []));
    return out;
  }

  /** Entries whose host overlaps `host`: those matching it plus, for a wildcard, those it covers. */
  overlapping(host: string): T[] {
    const lower = host.toLowerCase();
    if (lower === '*') return [...this.everything];
    const out = this.matching(lower);
    if (isWildcard(lower)) out.push(...(this.under.get(wildcardSuffix(lower)) ?? []));
    return out;
  }

  /** Entries covered by `pattern` (the entry's host is matched by the pattern). */
  coveredBy(pattern: string): T[] {
    const lower = pattern.toLowerCase();
    if (lower === '*') return [...this.everything];
    if (!isWildcard(lower)) return this.exactly(lower);
    return [...this.exactly(lower), ...(this.under.get(wildcardSuffix(lower)) ?? [])];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
