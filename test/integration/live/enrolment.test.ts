/**
 * Mesh enrolment on the live path: the injector's ConfigMap (enableNamespacesByDefault) is read
 * by name from the root namespace with the mesh ConfigMaps, istiod Pods prove installed
 * revisions, and the workload controllers with pod templates are listed like Pods.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import type { ClusterSnapshot } from '../../../src/snapshot/types.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { FAST_HTTP, kubeConfigOf } from './helpers.js';

const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

describe('live enrolment inputs', () => {
  let double: KubeApiServerDouble;
  let snapshot: ClusterSnapshot;
  beforeAll(async () => {
    double = await startKubeApiServerDouble({
      objects: [
        namespace('istio-system'),
        namespace('tenant-a'),
        namespace('tenant-b', { 'istio.io/rev': 'canary' }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: '{}' } },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
          data: { values: JSON.stringify({ sidecarInjectorWebhook: { enableNamespacesByDefault: true } }), config: 'policy: enabled' },
        },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-canary-5d9c-x2x2x', namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': 'canary' } }, spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.26.2' }] } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'tenant-a', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web' }] } },
        { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'tenant-a' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata: { labels: { 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: 'r', image: 'r' }] } } } } } },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'tenant-b' }, spec: { selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db' }] } } } },
      ],
    });
    snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'enrolment' }, http: FAST_HTTP });
  });
  afterAll(async () => {
    await double.close();
  });

  it('reads the injector ConfigMap by name, and the workload controllers', () => {
    expect(snapshot.objects.ConfigMap.map((configMap) => configMap.metadata.name).sort()).toEqual(['istio', 'istio-sidecar-injector']);
    expect(double.requests.some((request) => request.path === '/api/v1/namespaces/istio-system/configmaps/istio-sidecar-injector' && request.status === 200)).toBe(true);
    expect(snapshot.objects.CronJob.map((job) => job.metadata.name)).toEqual(['report']);
    expect(snapshot.objects.StatefulSet.map((set) => set.metadata.name)).toEqual(['db']);
    expect(snapshot.coverage.Job).toMatchObject({ status: 'read', apiVersion: 'batch/v1' });
  });

  it('takes the installed revisions from the istiod Pods', () => {
    expect(snapshot.meshRevisions).toEqual(['canary', 'default']);
  });

  it('credits enableNamespacesByDefault and reports what runs outside the mesh', () => {
    const findings = evaluateSnapshot(snapshot, defaultConfig());
    expect(findings.filter((finding) => finding.ruleId === 'namespace-not-injected')).toEqual([]);
    const outside = findings.filter((finding) => finding.ruleId === 'workload-injection-disabled').map((finding) => `${finding.resource?.kind}/${finding.resource?.name}:${finding.subjectKey}`);
    expect(outside.sort()).toEqual(['CronJob/report:workload', 'Pod/web-1:missing-proxy']);
  });
});
