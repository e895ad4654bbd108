import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { HostIndex, hostMatches, hostsOverlap, resolveShortName, serviceHostname } from '../../../src/mesh/hosts.js';

describe('hostMatches', () => {
  it.each([
    ['*', 'api.example.com', true],
    ['*', '*.example.com', true],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'api.example.org', false],
    ['*.example.com', '*.api.example.com', true],
    ['*.api.example.com', '*.example.com', false],
    ['*.com', '*', false],
    ['api.example.com', 'api.example.com', true],
    ['API.Example.com', 'api.example.COM', true],
    ['api.example.com', 'api.example.co', false],
    ['api.example.com', '*.example.com', false],
    ['*.example.com', 'badexample.com', false],
    // Partial wildcards (pkg/config/host/name.go Matches: strings.HasSuffix on the rest of the pattern).
    ['*example.com', 'badexample.com', true],
    ['*example.com', 'example.com', true],
    ['*example.com', 'api.example.com', true],
    ['*example.com', 'example.org', false],
    ['*x', 'x', true],
    ['*com', 'example.com', true],
    ['*.com', '*example.com', true],
    ['*example.com', '*.example.com', true],
    ['*.example.com', '*example.com', false],
    ['*-api.example.com', 'payments-api.example.com', true],
    ['*-api.example.com', 'api.example.com', false],
  ])('%s matches %s: %s', (pattern, host, expected) => {
    expect(hostMatches(pattern, host)).toBe(expected);
  });
});

describe('hostsOverlap', () => {
  it.each([
    ['*.example.com', 'api.example.com', true],
    ['api.example.com', '*.example.com', true],
    ['*.example.com', '*.com', true],
    ['*.example.com', '*.example.org', false],
    ['a.example.com', 'b.example.com', false],
    ['*', 'anything.local', true],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(hostsOverlap(a, b)).toBe(expected);
    expect(hostsOverlap(b, a)).toBe(expected);
  });
});

describe('resolveShortName', () => {
  it('expands a name without dots in the object namespace', () => {
    expect(resolveShortName('reviews', 'tenant-a', 'cluster.local')).toBe('reviews.tenant-a.svc.cluster.local');
  });
  it('keeps names with dots and wildcards', () => {
    expect(resolveShortName('reviews.tenant-b', 'tenant-a', 'cluster.local')).toBe('reviews.tenant-b');
    expect(resolveShortName('*', 'tenant-a', 'cluster.local')).toBe('*');
    expect(resolveShortName('Api.Example.com', 'tenant-a', 'cluster.local')).toBe('api.example.com');
  });
  it('uses the cluster domain', () => {
    expect(serviceHostname('payments', 'tenant-b', 'corp.local')).toBe('payments.tenant-b.svc.corp.local');
  });
});

describe('HostIndex', () => {
  const hosts = ['api.example.com', '*.example.com', 'a.b.example.com', '*.b.example.com', '*', 'other.org', '*.com'];
  const index = new HostIndex<string>();
  for (const host of hosts) index.add(host, host);
  const sorted = (values: string[]): string[] => [...new Set(values)].sort();

  it('finds exact entries', () => {
    expect(index.exactly('API.example.com')).toEqual(['api.example.com']);
    expect(index.exactly('*.example.com')).toEqual(['*.example.com']);
    expect(index.exactly('missing.example.com')).toEqual([]);
  });
  it('finds patterns matching an exact host', () => {
    expect(sorted(index.matching('a.b.example.com'))).toEqual(sorted(['a.b.example.com', '*.b.example.com', '*.example.com', '*.com', '*']));
  });
  it('finds entries covered by a wildcard', () => {
    expect(sorted(index.coveredBy('*.example.com'))).toEqual(sorted(['*.example.com', 'api.example.com', 'a.b.example.com', '*.b.example.com']));
  });

  it('overlapping() agrees with hostsOverlap on every pair (property)', () => {
    const label = fc.constantFrom('a', 'b', 'ba', 'example', 'com', 'org', 'x');
    // Exact names, wildcards at a label boundary (`*.a.com`), partial ones (`*a.com`, `*om`) and `*`.
    const host = fc
      .tuple(fc.constantFrom('exact', 'wild', 'partial', 'cut', 'star'), fc.array(label, { minLength: 1, maxLength: 3 }), fc.nat(3))
      .map(([shape, labels, cut]) => {
        const name = labels.join('.');
        if (shape === 'wild') return `*.${name}`;
        if (shape === 'partial') return `*${name}`;
        if (shape === 'cut') return `*${name.slice(Math.min(cut, name.length - 1))}`;
        if (shape === 'star') return '*';
        return name;
      });
    fc.assert(
      fc.property(fc.array(host, { minLength: 1, maxLength: 12 }), host, (entries, query) => {
        const idx = new HostIndex<string>();
        entries.forEach((entry) => idx.add(entry, entry));
        expect(sorted(idx.overlapping(query))).toEqual(sorted(entries.filter((entry) => hostsOverlap(entry, query))));
        expect(sorted(idx.matching(query))).toEqual(sorted(entries.filter((entry) => hostMatches(entry, query))));
        expect(sorted(idx.coveredBy(query))).toEqual(sorted(entries.filter((entry) => hostMatches(query, entry))));
        // Each entry once: callers count findings per entry.
        expect(idx.overlapping(query).length).toBe(entries.filter((entry) => hostsOverlap(entry, query)).length);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same entries in the same order whether hosts are added before or after the first wildcard query (property)', () => {
    const host = fc.tuple(fc.constantFrom('', '*.', '*'), fc.array(fc.constantFrom('a', 'b', 'com', 'x'), { minLength: 1, maxLength: 3 })).map(([prefix, labels]) => `${prefix}${labels.join('.')}`);
    fc.assert(
      fc.property(fc.array(host, { maxLength: 12 }), fc.array(host, { maxLength: 12 }), host, (first, second, query) => {
        const upfront = new HostIndex<number>();
        [...first, ...second].forEach((entry, position) => upfront.add(entry, position));
        const interleaved = new HostIndex<number>();
        first.forEach((entry, position) => interleaved.add(entry, position));
        interleaved.overlapping('*.com');
        second.forEach((entry, position) => interleaved.add(entry, first.length + position));
        expect(interleaved.overlapping(query)).toEqual(upfront.overlapping(query));
        expect(interleaved.coveredBy(query)).toEqual(upfront.coveredBy(query));
      }),
      { numRuns: 300 },
    );
  });

  it('files hosts under their parent suffixes only for a query by a wildcard', () => {
    const idx = new HostIndex<string>();
    for (const entry of ['a.ns.svc.cluster.local', 'b.ns.svc.cluster.local', '*.example.com']) idx.add(entry, entry);
    expect(idx.matching('a.ns.svc.cluster.local')).toEqual(['a.ns.svc.cluster.local']);
    expect(idx.overlapping('b.ns.svc.cluster.local')).toEqual(['b.ns.svc.cluster.local']);
    expect(idx.exactly('*.example.com')).toEqual(['*.example.com']);
    expect(idx.suffixEntries).toBe(0);
    expect(idx.overlapping('*.svc.cluster.local')).toEqual(['a.ns.svc.cluster.local', 'b.ns.svc.cluster.local']);
    expect(idx.suffixEntries).toBe(9); // four suffixes of each Service host, one of the wildcard's
    idx.add('c.ns.svc.cluster.local', 'c.ns.svc.cluster.local');
    expect(idx.suffixEntries).toBe(13);
    expect(idx.coveredBy('*.ns.svc.cluster.local')).toEqual(['a.ns.svc.cluster.local', 'b.ns.svc.cluster.local', 'c.ns.svc.cluster.local']);
  });
});
