/**
 * The pure parts of `npm run bench` that decide a reported verdict: medians and the
 * request-count contract of the collection benchmark (architecture.md "Scale":
 * discovery + ceil(objects/500) LIST pages per kind, never per namespace).
 */
import { describe, expect, it } from '@jest/globals';
import { accountRequests } from '../../bench/collect.js';
import { summarize } from '../../bench/stats.js';
import type { RecordedRequest } from '../doubles/kube-apiserver/index.js';

const discovery = (path: string): RecordedRequest => ({ method: 'GET', path, query: {}, attributes: { verb: 'get', nonResourceURL: path }, status: 200, bytes: 10 });
const listPage = (kind: string, plural: string, limit = '500', continueToken?: string): RecordedRequest => ({
  method: 'GET',
  path: `/api/v1/${plural}`,
  query: { limit, ...(continueToken ? { continue: continueToken } : {}) },
  attributes: { verb: 'list', group: '', resource: plural },
  status: 200,
  bytes: 1000,
  kind,
});
const namedGet = (name: string): RecordedRequest => ({
  method: 'GET',
  path: `/api/v1/namespaces/aks-istio-system/configmaps/${name}`,
  query: {},
  attributes: { verb: 'get', group: '', resource: 'configmaps', namespace: 'aks-istio-system', name },
  status: 200,
  bytes: 100,
  kind: 'ConfigMap',
});

describe('summarize', () => {
  it('gives the median of odd and even counts, with min and max', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });
});

describe('accountRequests', () => {
  const objects = new Map([
    ['Service', 1001],
    ['Namespace', 0],
  ]);

  it('accepts exactly discovery + ceil(objects/500) pages per kind (at least one) + named GETs', () => {
    const log = [discovery('/apis'), listPage('Service', 'services'), listPage('Service', 'services', '500', 'a'), listPage('Service', 'services', '500', 'b'), listPage('Namespace', 'namespaces'), namedGet('istio-asm-1-25')];
    expect(accountRequests(log, objects)).toEqual({ total: 6, discovery: 1, listPages: 4, expectedListPages: 4, namedGets: 1, matchesExpected: true, mismatches: [] });
  });

  it('flags a kind read with more pages than its objects need (e.g. per-namespace requests)', () => {
    const log = [discovery('/apis'), ...Array.from({ length: 5 }, (_, index) => listPage('Service', 'services', '500', String(index))), listPage('Namespace', 'namespaces')];
    const accounting = accountRequests(log, objects);
    expect(accounting.matchesExpected).toBe(false);
    expect(accounting.mismatches).toEqual(['Service: 5 pages, expected 3']);
  });

  it('flags LIST requests without limit=500', () => {
    const log = [listPage('Service', 'services', '1000'), listPage('Service', 'services', '1000', 'a'), listPage('Service', 'services', '1000', 'b'), listPage('Namespace', 'namespaces')];
    const accounting = accountRequests(log, objects);
    expect(accounting.matchesExpected).toBe(false);
    expect(accounting.mismatches).toEqual(['some LIST requests did not use limit=500']);
  });
});
