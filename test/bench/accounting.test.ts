/**
 * The pure parts of `npm run bench` that decide a reported verdict: medians and the
 * request-count contract of the collection benchmark (architecture.md "Scale":
 * discovery + ceil(objects/500) LIST pages per resource, never per namespace, nothing twice).
 */
import { describe, expect, it } from '@jest/globals';
import { accountRequests, expectedRequests, type RequestExpectation } from '../../bench/collect.js';
import { growthPerDoubling, summarize } from '../../bench/stats.js';
import { DEFAULT_GROUP_VERSIONS, type RecordedRequest } from '../doubles/kube-apiserver/index.js';

const discovery = (path: string): RecordedRequest => ({ method: 'GET', path, query: {}, attributes: { verb: 'get', nonResourceURL: path }, status: 200, bytes: 10 });
const listPage = (kind: string, plural: string, limit = '500', continueToken?: string, group = ''): RecordedRequest => ({
  method: 'GET',
  path: group ? `/apis/${group}/v1/${plural}` : `/api/v1/${plural}`,
  query: { limit, ...(continueToken ? { continue: continueToken } : {}) },
  attributes: { verb: 'list', group, resource: plural },
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

describe('growthPerDoubling', () => {
  const sizes = [1000, 2000, 4000, 8000];
  it('is 1 for linear work, 2 for quadratic and 0.5 for constant, whatever the scale', () => {
    expect(growthPerDoubling(sizes.map((objects) => ({ objects, value: 3 * objects })))).toBeCloseTo(1, 10);
    expect(growthPerDoubling(sizes.map((objects) => ({ objects, value: objects * objects })))).toBeCloseTo(2, 10);
    expect(growthPerDoubling(sizes.map((objects) => ({ objects, value: 42 })))).toBeCloseTo(0.5, 10);
  });

  it('fits every size: a slow smallest size does not decide alone, but growth at every size still shows', () => {
    // Linear but for a smallest measurement 4x too high (a fixed cost or noise): the two ends alone would say x0.63.
    const noisyStart = sizes.map((objects, index) => ({ objects, value: index === 0 ? 4 * objects : objects }));
    expect(growthPerDoubling(noisyStart)).toBeGreaterThan(0.63);
    // Quadratic from the second size on is still far above linear.
    const lateQuadratic = sizes.map((objects, index) => ({ objects, value: index === 0 ? objects : (objects * objects) / 1000 }));
    expect(growthPerDoubling(lateQuadratic)).toBeGreaterThan(1.5);
  });

  it('is NaN (a target not met) when a size has no positive measurement or fewer than two sizes exist', () => {
    expect(growthPerDoubling([{ objects: 1000, value: 5 }])).toBeNaN();
    expect(growthPerDoubling([{ objects: 1000, value: 5 }, { objects: 2000, value: Number.NaN }])).toBeNaN();
    expect(growthPerDoubling([{ objects: 1000, value: 0 }, { objects: 2000, value: 5 }])).toBeNaN();
  });
});

describe('accountRequests', () => {
  const expected: RequestExpectation = {
    discoveryPaths: ['/apis'],
    listObjects: new Map([
      ['/services', 1001],
      ['/namespaces', 0],
    ]),
    namedGetPaths: ['/api/v1/namespaces/aks-istio-system/configmaps/istio-asm-1-25'],
  };
  const exact = () => [discovery('/apis'), listPage('Service', 'services'), listPage('Service', 'services', '500', 'a'), listPage('Service', 'services', '500', 'b'), listPage('Namespace', 'namespaces'), namedGet('istio-asm-1-25')];

  it('accepts exactly the expected discovery + ceil(objects/500) pages per resource (at least one) + named GETs', () => {
    expect(accountRequests(exact(), expected)).toEqual({ total: 6, discovery: 1, expectedDiscovery: 1, listPages: 4, expectedListPages: 4, namedGets: 1, expectedNamedGets: 1, matchesExpected: true, mismatches: [] });
  });

  it('flags a resource read with more pages than its objects need (e.g. per-namespace requests)', () => {
    const log = [discovery('/apis'), ...Array.from({ length: 5 }, (_, index) => listPage('Service', 'services', '500', String(index))), listPage('Namespace', 'namespaces'), namedGet('istio-asm-1-25')];
    const accounting = accountRequests(log, expected);
    expect(accounting.matchesExpected).toBe(false);
    expect(accounting.mismatches).toEqual(['/api/v1/services: 5 pages, expected 3 (1001 objects)']);
  });

  it('flags LIST requests without limit=500', () => {
    const log = [discovery('/apis'), listPage('Service', 'services', '1000'), listPage('Service', 'services', '1000', 'a'), listPage('Service', 'services', '1000', 'b'), listPage('Namespace', 'namespaces'), namedGet('istio-asm-1-25')];
    const accounting = accountRequests(log, expected);
    expect(accounting.matchesExpected).toBe(false);
    expect(accounting.mismatches).toEqual(['some LIST requests did not use limit=500']);
  });

  it('counts pages per resource, not per kind name: Istio\'s and the Gateway API\'s Gateway are two series', () => {
    const gateways: RequestExpectation = {
      discoveryPaths: [],
      listObjects: new Map([
        ['networking.istio.io/gateways', 3],
        ['gateway.networking.k8s.io/gateways', 2],
      ]),
      namedGetPaths: [],
    };
    const log = [listPage('Gateway', 'gateways', '500', undefined, 'networking.istio.io'), listPage('Gateway', 'gateways', '500', undefined, 'gateway.networking.k8s.io')];
    expect(accountRequests(log, gateways)).toMatchObject({ listPages: 2, expectedListPages: 2, matchesExpected: true, mismatches: [] });
  });

  it('flags requests sent twice, discovery and GETs not needed or missing, resources not listed', () => {
    const log = [discovery('/apis'), discovery('/apis'), discovery('/apis/extra/v1'), listPage('Service', 'services'), listPage('Service', 'services', '500', 'a'), listPage('Service', 'services', '500', 'b'), namedGet('istio')];
    const accounting = accountRequests(log, expected);
    expect(accounting.matchesExpected).toBe(false);
    expect(accounting.mismatches).toEqual([
      'sent twice: /apis',
      'discovery not needed: /apis/extra/v1',
      'GET by name not needed: /api/v1/namespaces/aks-istio-system/configmaps/istio',
      'GET by name missing: /api/v1/namespaces/aks-istio-system/configmaps/istio-asm-1-25',
      '/namespaces: not listed',
    ]);
  });
});

describe('expectedRequests', () => {
  const fleet = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aks-istio-system' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'istio.io/rev': 'asm-1-25' } } },
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'team-a' } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'team-a' } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'h', namespace: 'team-a' } },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector' } },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-revision-tag-default', labels: { 'istio.io/tag': 'default' } } },
  ];
  const expectation = expectedRequests(fleet, DEFAULT_GROUP_VERSIONS);

  it('asks each served group for its preferred version, plus the version of kinds the preferred one lacks', () => {
    expect(expectation.discoveryPaths).toContain('/apis/gateway.networking.k8s.io/v1');
    expect(expectation.discoveryPaths.filter((path) => path.startsWith('/apis/kyverno.io/'))).toEqual(['/apis/kyverno.io/v1', '/apis/kyverno.io/v2']);
    // No Gatekeeper constraint in the fleet: the double does not serve the constraints group.
    expect(expectation.discoveryPaths.some((path) => path.includes('constraints.gatekeeper.sh'))).toBe(false);
    expect(new Set(expectation.discoveryPaths).size).toBe(expectation.discoveryPaths.length);
  });

  it('counts objects per resource, only those the LIST selects, and never lists ConfigMaps', () => {
    expect(expectation.listObjects.get('networking.istio.io/gateways')).toBe(1);
    expect(expectation.listObjects.get('gateway.networking.k8s.io/gateways')).toBe(2);
    expect(expectation.listObjects.get('admissionregistration.k8s.io/mutatingwebhookconfigurations')).toBe(1);
    expect(expectation.listObjects.get('/pods')).toBe(0);
    expect(expectation.listObjects.has('/configmaps')).toBe(false);
  });

  it('GETs the mesh ConfigMaps of the root namespace by name: two, and three per revision in use', () => {
    expect(expectation.namedGetPaths).toEqual(['istio', 'istio-sidecar-injector', 'istio-asm-1-25', 'istio-shared-configmap-asm-1-25', 'istio-sidecar-injector-asm-1-25'].map((name) => `/api/v1/namespaces/aks-istio-system/configmaps/${name}`));
  });
});
