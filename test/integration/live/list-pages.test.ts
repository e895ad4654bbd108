/**
 * Guards of the LIST pager's work per page (src/snapshot/live/list.ts), counted rather than
 * timed: listed items are handed over as parsed (no copy per object), each page is handed
 * over as it arrives while the next one is already requested, a 410 restart starts over, and
 * the collector's normalized objects keep no weak-map entry for raw metadata.
 */
import { describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeRequestError, type KubeHttpClient } from '../../../src/access/kube-http.js';
import { RepeatedValues, normalizeObject, rawMetadata } from '../../../src/snapshot/build.js';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import type { ServedResource } from '../../../src/snapshot/live/discovery.js';
import { listResource } from '../../../src/snapshot/live/list.js';
import { startKubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { FAST_HTTP } from './helpers.js';

const services: ServedResource = { snapshotKind: 'Service', kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true };

/** A stand-in for KubeHttpClient.getJson that serves `pages` in order and logs every call. */
function pagedServer(pages: Array<Array<Record<string, unknown>> | KubeRequestError>) {
  const calls: Array<string | undefined> = [];
  let served = 0;
  const http = {
    getJson: async (_path: string, query: Record<string, string | number | undefined>) => {
      calls.push(query.continue === undefined ? undefined : String(query.continue));
      const index = served++;
      const page = pages[index]!;
      if (page instanceof KubeRequestError) throw page;
      const next = index + 1 < pages.length ? { continue: `page-${index + 1}` } : {};
      return { status: 200, body: { kind: 'ServiceList', apiVersion: 'v1', metadata: next, items: page }, bytes: 0 };
    },
  };
  return { http: http as unknown as KubeHttpClient, calls };
}

const service = (name: string) => ({ metadata: { name, namespace: 'team-a' }, spec: { ports: [{ port: 80 }] } });

describe('listResource', () => {
  it('hands over the parsed items themselves, once each, untouched, with the list\'s apiVersion and kind beside them', async () => {
    const pages = [[service('a'), service('b')], [service('c')]];
    const { http, calls } = pagedServer(pages);
    const seen: unknown[] = [];
    const listedAs: unknown[] = [];
    const taken = await listResource(http, services, { tally: { requests: 0, bytes: 0 }, take: (item, listed) => (seen.push(item), listedAs.push(listed), item) });
    expect(calls).toEqual([undefined, 'page-1']);
    expect(seen).toHaveLength(3);
    // Identity, not equality: no copy of any object on the way, and no property added to any.
    seen.forEach((item, index) => expect(item).toBe(pages.flat()[index]));
    expect(taken[2]).toEqual(service('c'));
    for (const listed of listedAs) expect(listed).toEqual({ apiVersion: 'v1', kind: 'Service' });
  });

  it('without a take, hands over each item with apiVersion and kind filled in, its own kept', async () => {
    const own = { apiVersion: 'v1', kind: 'Service', ...service('b') };
    const { http } = pagedServer([[service('a'), own]]);
    const taken = await listResource(http, services, { tally: { requests: 0, bytes: 0 } });
    expect(taken[0]).toMatchObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } });
    expect(taken[1]).toBe(own);
  });

  it('requests the next page before handing over the current one', async () => {
    const { http, calls } = pagedServer([[service('a')], [service('b')], [service('c')]]);
    const requestsWhenTaken: number[] = [];
    await listResource(http, services, { tally: { requests: 0, bytes: 0 }, take: (item) => requestsWhenTaken.push(calls.length) && item });
    expect(requestsWhenTaken).toEqual([2, 3, 3]);
  });

  it('starts over from the first page when a continue token expires (410), keeping nothing of the first round', async () => {
    const expired = new KubeRequestError('GET /api/v1/services: HTTP 410 Expired', 'http', 410, 'Expired');
    const { http, calls } = pagedServer([[service('a')], expired, [service('a')], [service('b')]]);
    let takes = 0;
    const taken = await listResource(http, services, { tally: { requests: 0, bytes: 0 }, take: (item) => (takes++, item) });
    expect(calls).toEqual([undefined, 'page-1', undefined, 'page-3']);
    expect(takes).toBe(3);
    expect(taken.map((item) => (item.metadata as { name: string }).name)).toEqual(['a', 'b']);
  });
});

describe('normalizeObject for the collector', () => {
  it('keeps raw metadata beside the object only when asked (offline admission checks read it)', () => {
    const raw = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'team-a' }, spec: {} };
    const offline = normalizeObject(raw);
    const live = normalizeObject(structuredClone(raw), undefined, { keepRawMetadata: false });
    if (!('object' in offline) || !('object' in live)) throw new Error('not an object');
    expect(rawMetadata.get(offline.object)).toBe(raw.metadata);
    expect(rawMetadata.has(live.object)).toBe(false);
    expect(live.object).toEqual(offline.object);
  });

  it('keeps every other top-level field in body, an own "__proto__" one included, as the rest syntax does', () => {
    const raw = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"},"data":{"a":"1"},"__proto__":{"x":1},"binaryData":{}}') as Record<string, unknown>;
    const result = normalizeObject(raw);
    if (!('object' in result)) throw new Error('not an object');
    expect(Object.keys(result.object.body)).toEqual(['data', '__proto__', 'binaryData']);
    expect(Object.getPrototypeOf(result.object.body)).toBe(Object.prototype);
    expect((result.object.body as { x?: number }).x).toBeUndefined();
    // Own fields only, as Object.keys lists them: nothing inherited.
    const withInherited = Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: {} });
    const inherited = normalizeObject(withInherited);
    if (!('object' in inherited)) throw new Error('not an object');
    expect(Object.keys(inherited.object.body)).toEqual(['data']);
  });

  it('holds labels and annotations as read when they are plain string maps, copies their string entries otherwise, and shares one frozen empty object for what an object lacks', () => {
    const normalized = (raw: Record<string, unknown>) => {
      const result = normalizeObject(raw, undefined, { keepRawMetadata: false });
      if (!('object' in result)) throw new Error('not an object');
      return result.object;
    };
    const labels = { app: 'a', 'istio.io/rev': 'asm-1-25' };
    const annotations = { note: 'x', count: 3 };
    const labelled = normalized({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'team-a', labels, annotations }, spec: { ports: [] } });
    expect(labelled.metadata.labels).toBe(labels);
    expect(labelled.metadata.annotations).toEqual({ note: 'x' });
    // An own "__proto__" key (JSON.parse makes one) is not taken over: the copy drops it, as plain assignment always did.
    const hostile = JSON.parse('{"__proto__":"x","app":"a"}') as Record<string, string>;
    const withProto = normalized({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'team-a', labels: hostile }, spec: {} });
    expect(withProto.metadata.labels).not.toBe(hostile);
    expect(Object.keys(withProto.metadata.labels)).toEqual(['app']);
    expect(Object.getPrototypeOf(withProto.metadata.labels)).toBe(Object.prototype);
    // No labels, annotations, body or spec: one frozen empty object, not four per object.
    const bare = [normalized({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }), normalized({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b', labels: {} } })];
    const empties = bare.flatMap((object) => [object.metadata.labels, object.metadata.annotations, object.body, object.spec]);
    for (const empty of empties) {
      expect(empty).toBe(empties[0]);
      expect(Object.isFrozen(empty)).toBe(true);
      expect(Object.keys(empty)).toEqual([]);
    }
    expect(bare[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', snapshotKind: 'Namespace', metadata: { name: 'a', namespace: '', labels: {}, annotations: {} }, spec: {}, body: {} });
  });

  it('takes apiVersion and kind from the list for an item that has none of its own, and adds nothing to the item', () => {
    const listed = { apiVersion: 'v1', kind: 'Service' };
    const item = service('a');
    const result = normalizeObject(item, undefined, { keepRawMetadata: false, listed });
    if (!('object' in result)) throw new Error('not an object');
    expect(result.object).toMatchObject({ apiVersion: 'v1', kind: 'Service', snapshotKind: 'Service', metadata: { name: 'a', namespace: 'team-a' } });
    expect(Object.keys(item)).toEqual(['metadata', 'spec']);
    expect(result.object.body).toEqual({});
    // The item's own apiVersion and kind win, as when the pager filled in only what was missing.
    const own = normalizeObject({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se', namespace: 'team-a' }, spec: {} }, undefined, { listed });
    expect(own).toMatchObject({ object: { kind: 'ServiceEntry', snapshotKind: 'ServiceEntry' } });
    expect(normalizeObject(service('b'))).toMatchObject({ problem: { message: 'object has no string apiVersion and kind' } });
  });

  it('accepts exactly the DNS-1123 labels as namespace names', () => {
    const namespaceOf = (namespace: string) => normalizeObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace } });
    for (const valid of ['a', 'team-a', '0', 'a'.repeat(63), 'a-0']) expect(namespaceOf(valid)).toHaveProperty('object');
    for (const invalid of ['-a', 'a-', 'A', 'a.b', 'a_b', 'a'.repeat(64), '*', '~', '.', 'ä']) expect(namespaceOf(invalid)).toHaveProperty('problem');
  });

  it('gives the same objects and problems when a listing shares its repeated values (RepeatedValues) as when it does not', () => {
    const item = (apiVersion: string, kind: string, name: string, namespace?: string) => ({ apiVersion, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, spec: {} });
    const sequence = [
      item('v1', 'Service', 'a', 'team-a'),
      item('v1', 'Service', 'b', 'team-a'),
      item('v1', 'Service', 'c', 'Team-A'),
      item('v1', 'Service', 'd', 'Team-A'),
      // A Namespace's own namespace field is not its name: an invalid one must not pass as checked.
      item('v1', 'Namespace', 'team-b', 'bad_ns'),
      item('v1', 'Service', 'e', 'bad_ns'),
      item('v1', 'Namespace', 'Bad', ''),
      item('v1', 'Service', 'f', 'Bad'),
      item('networking.istio.io/v1', 'ServiceEntry', 'g', 'team-b'),
      item('networking.istio.io/v1alpha1', 'ServiceEntry', 'h', 'team-b'),
      item('networking.istio.io/v1', 'ServiceEntry', 'i', 'team-b'),
      item('example.com/v1', 'Widget', 'j', 'team-b'),
      item('networking.istio.io/v1', 'ServiceEntry', '', 'team-b'),
      item('networking.istio.io/v1', 'ServiceEntry', 'k', 'team-b'),
    ];
    const repeated = new RepeatedValues();
    const shared = sequence.map((raw) => normalizeObject(structuredClone(raw), undefined, { keepRawMetadata: false, repeated }));
    const alone = sequence.map((raw) => normalizeObject(structuredClone(raw), undefined, { keepRawMetadata: false }));
    expect(shared).toEqual(alone);
    expect(shared.map((result) => ('object' in result ? 'object' : 'problem' in result ? 'problem' : 'ignored'))).toEqual(['object', 'object', 'problem', 'problem', 'object', 'problem', 'problem', 'problem', 'object', 'problem', 'object', 'ignored', 'problem', 'object']);
  });
});

describe('collectLiveSnapshot', () => {
  it('keeps no raw metadata for the objects it read (the API server admitted them)', async () => {
    const double = await startKubeApiServerDouble({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'team-a' }, spec: {} }] });
    try {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions(double.kubeconfig('guard'));
      const snapshot = await collectLiveSnapshot(kubeConfig, { cluster: { name: 'guard' }, http: FAST_HTTP });
      expect(snapshot.objects.Service).toHaveLength(1);
      expect(snapshot.objects.Namespace).toHaveLength(1);
      for (const object of [...snapshot.objects.Service, ...snapshot.objects.Namespace]) expect(rawMetadata.has(object)).toBe(false);
    } finally {
      await double.close();
    }
  });
});
