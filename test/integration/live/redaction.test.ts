/**
 * A pod spec's literal env values never get past the live collector: the scanner needs
 * `list pods` (and the workload kinds) for its rules, and RBAC cannot leave fields out, so
 * the values are dropped as soon as they are read (src/snapshot/live/redact.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { scanSnapshot } from '../../../src/report/scan-result.js';
import { collectLiveSnapshot } from '../../../src/snapshot/live/index.js';
import { REDACTED, redactLiteralEnvValues } from '../../../src/snapshot/live/redact.js';
import { startKubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { FAST_HTTP, kubeConfigOf } from './helpers.js';

const SECRET = 'hunter2-database-password';
const container = (name: string) => ({ name, image: 'app:1', env: [{ name: 'DB_PASSWORD', value: SECRET }, { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] });

describe('literal env values', () => {
  it('are redacted in Pods, pod templates and CronJob job templates, and the last-applied copy is dropped', () => {
    const pod = { kind: 'Pod', metadata: { name: 'p', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ env: SECRET }), keep: 'me' } }, spec: { containers: [container('app')], initContainers: [container('init')] } };
    const deployment = { kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [container('app')] } } } };
    const cronJob = { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [container('app')] } } } } } };
    expect([pod, deployment, cronJob].map(redactLiteralEnvValues)).toEqual([2, 1, 1]);
    expect(JSON.stringify([pod, deployment, cronJob])).not.toContain(SECRET);
    expect(pod.metadata.annotations).toEqual({ keep: 'me' });
    // Names and references stay: they hold no value, and rules may name them.
    expect(pod.spec.containers[0]!.env).toEqual([{ name: 'DB_PASSWORD', value: REDACTED }, { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]);
    expect(pod.spec.containers[0]!.image).toBe('app:1');
  });

  it('leave nothing in a live snapshot or its scan result, though the API server sent them', async () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a', labels: { 'istio.io/rev': 'asm-1-24' } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace: 'tenant-a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"spec":{"containers":[{"env":[{"value":"${SECRET}"}]}]}}` } }, spec: { containers: [container('api')] } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'tenant-a' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container('web')] } } } },
    ];
    const double = await startKubeApiServerDouble({ objects });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(double), { cluster: { name: 'redaction' }, http: FAST_HTTP });
      expect(snapshot.coverage.Pod?.status).toBe('read');
      expect(snapshot.objects.Pod).toHaveLength(1);
      expect(snapshot.objects.Deployment).toHaveLength(1);
      expect(JSON.stringify(snapshot)).not.toContain(SECRET);
      expect(JSON.stringify(scanSnapshot(snapshot, defaultConfig(), { scanId: 's', startedAt: Date.now() }))).not.toContain(SECRET);
    } finally {
      await double.close();
    }
  });
});
