/**
 * Paging: one cluster-wide LIST series per kind with limit=500, following continue tokens;
 * request count grows with objects/500, never with the number of namespaces.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import { meshConfigMapNames } from '../../../src/snapshot/live/mesh-configmaps.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { FAST_HTTP, generatedPods, kubeConfigOf } from './helpers.js';

const POD_COUNT = 1201;
const NAMESPACE_COUNT = 40;
let double: KubeApiServerDouble;

beforeAll(async () => {
  const namespaces = Array.from({ length: NAMESPACE_COUNT }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `tenant-${i}` } }));
  double = await startKubeApiServerDouble({ objects: [...namespaces, ...generatedPods(POD_COUNT, NAMESPACE_COUNT)] });
});
afterAll(async () => {
  await double.close();
});

describe('paging', () => {
  it('reads every object across pages with ceil(objects/500) requests per kind', async () => {
    const progress: Array<{ kind: string; objectsRead: number; done: boolean }> = [];
    const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'paged' }, http: FAST_HTTP, onProgress: (p) => progress.push(p) });

    const pods = snapshot.objects.Pod.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
    expect(pods).toHaveLength(POD_COUNT);
    expect(new Set(pods).size).toBe(POD_COUNT);
    expect(snapshot.coverage.Pod).toMatchObject({ status: 'read', apiVersion: 'v1', requests: 3, objects: POD_COUNT });
    expect(snapshot.coverage.Namespace).toMatchObject({ status: 'read', requests: 1, objects: NAMESPACE_COUNT });

    const podRequests = double.requests.filter((r) => r.kind === 'Pod');
    expect(podRequests.map((r) => r.path)).toEqual(['/api/v1/pods', '/api/v1/pods', '/api/v1/pods']);
    expect(podRequests.map((r) => r.query.limit)).toEqual(['500', '500', '500']);
    expect(podRequests[0]!.query.continue).toBeUndefined();
    expect(podRequests[1]!.query.continue).toBeTruthy();
    expect(podRequests[2]!.query.continue).toBeTruthy();
    expect(podRequests[2]!.query.continue).not.toBe(podRequests[1]!.query.continue);
    // Bytes recorded per kind are the bytes the server sent for that kind.
    expect(snapshot.coverage.Pod!.bytes).toBe(podRequests.reduce((sum, r) => sum + r.bytes, 0));

    // Never one request per namespace.
    expect(double.requests.some((r) => r.path.includes('/namespaces/tenant-'))).toBe(false);
    // Progress tells the CLI how far each kind got, ending with the total.
    const podProgress = progress.filter((p) => p.kind === 'Pod');
    expect(podProgress.map((p) => p.objectsRead)).toEqual([500, 1000, POD_COUNT, POD_COUNT]);
    expect(podProgress.at(-1)!.done).toBe(true);
  });

  it('reads kinds concurrently, never more than the bound at once', async () => {
    const slow = await startKubeApiServerDouble({ objects: generatedPods(10), faults: [{ path: '/api*', delayMs: 40 }] });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(slow), { cluster: { name: 'slow' }, http: FAST_HTTP, concurrency: 3 });
      expect(snapshot.coverage.Pod).toMatchObject({ status: 'read', objects: 10 });
      expect(slow.maxInFlight()).toBe(3);
    } finally {
      await slow.close();
    }
  });

  it('sends the mesh ConfigMap GETs under the same bound, however many revisions there are', async () => {
    // Twelve revisions in use: a few ConfigMap names per revision to try (istio-<rev>, istio-shared-configmap-<rev>...).
    const namespaces = Array.from({ length: 12 }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}`, labels: { 'istio.io/rev': `rev-${i}` } } }));
    const slow = await startKubeApiServerDouble({ objects: namespaces, faults: [{ path: '/api/v1/namespaces/istio-system/configmaps/*', delayMs: 40 }] });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(slow), { cluster: { name: 'revisions' }, http: FAST_HTTP, concurrency: 3 });
      const configMapGets = slow.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/istio-system/configmaps/'));
      const names = meshConfigMapNames(Array.from({ length: 12 }, (_, i) => `rev-${i}`));
      expect(names.length).toBeGreaterThan(24);
      expect(configMapGets).toHaveLength(names.length);
      expect(snapshot.coverage.ConfigMap).toMatchObject({ status: 'read', requests: names.length });
      expect(slow.maxInFlight()).toBeLessThanOrEqual(3);
    } finally {
      await slow.close();
    }
  });

  it('fills apiVersion and kind into built-in list items, which the server omits', async () => {
    const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'paged' }, http: FAST_HTTP });
    expect(snapshot.objects.Pod[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod', snapshotKind: 'Pod' });
    expect(snapshot.objects.Pod[0]!.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });
});
