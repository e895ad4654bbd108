/**
 * Saved snapshots: what a live read holds, saved without what no rule needs, loaded offline
 * into the same findings; versioned, refused when newer or not a snapshot at all.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { defaultConfig } from '../../../src/config/types.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { normalizeObject } from '../../../src/snapshot/build.js';
import { snapshotFromManifests } from '../../../src/snapshot/offline.js';
import { SAVED_SNAPSHOT_API_VERSION, SavedSnapshotError, savedObject, savedSnapshotChunks, snapshotFromSaved } from '../../../src/snapshot/saved.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { repoRoot } from '../../helpers/cli.js';

function objectOf(raw: Record<string, unknown>): K8sObject {
  const result = normalizeObject(raw);
  if (!('object' in result)) throw new Error('not an object');
  return result.object;
}

const savedText = (snapshot: Parameters<typeof savedSnapshotChunks>[0]) => [...savedSnapshotChunks(snapshot, new Date('2026-01-02T03:04:05Z'), '9.9.9')].join('');

describe('saved snapshot round trip', () => {
  it('loads into a snapshot with the same findings (ids, severities, messages) as the original', () => {
    for (const cluster of ['aks-contaminated', 'self-managed-istio']) {
      const dir = join(repoRoot, 'demo', cluster);
      const original = snapshotFromManifests([dir], { clusterName: cluster }).snapshot;
      const text = savedText(original);
      const loaded = snapshotFromSaved(JSON.parse(text), { name: 'cluster.json' });
      const strip = (findings: ReturnType<typeof evaluateSnapshot>) => findings.map(({ findingId, ruleId, severity, namespace }) => ({ findingId, ruleId, severity, namespace })).sort((a, b) => a.findingId.localeCompare(b.findingId));
      expect(strip(evaluateSnapshot(loaded, defaultConfig()))).toEqual(strip(evaluateSnapshot(original, defaultConfig())));
      expect(loaded.meshConfig.rootNamespace).toBe(original.meshConfig.rootNamespace);
      expect(loaded.coverage).toEqual(Object.fromEntries(Object.entries(original.coverage).map(([kind, entry]) => [kind, { status: entry.status, ...(entry.objects !== undefined ? { objects: entry.objects } : {}) }])));
    }
  });

  it('writes a versioned document with the savedAt time and scanner version', () => {
    const snapshot = snapshotFromManifests([join(repoRoot, 'demo/aks-compliant')], { clusterName: 'c' }).snapshot;
    const document = JSON.parse(savedText(snapshot)) as Record<string, unknown>;
    expect(document).toMatchObject({ apiVersion: SAVED_SNAPSHOT_API_VERSION, kind: 'ClusterSnapshot', metadata: { savedAt: '2026-01-02T03:04:05.000Z', scannerVersion: '9.9.9', cluster: { name: 'c' } } });
    expect(Array.isArray(document.objects)).toBe(true);
  });
});

describe('what a saved snapshot leaves out', () => {
  it('drops env, args, commands, hooks and probes from every pod spec, and keeps what the rules read', () => {
    const secretContainer = { name: 'app', image: 'example/app:1', env: [{ name: 'PASSWORD', value: 's3cr3t' }], envFrom: [{ secretRef: { name: 'creds' } }], args: ['--token=abc'], command: ['sh', '-c', 'echo hunter2'], livenessProbe: { exec: { command: ['check', 'pw'] } }, ports: [{ containerPort: 8080 }] };
    const pod = objectOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a', labels: { app: 'a' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs' }] }, spec: { hostNetwork: false, containers: [secretContainer, { name: 'istio-proxy', image: 'proxyv2' }], initContainers: [{ name: 'init', command: ['secret-init'] }] }, status: { phase: 'Running' } });
    const saved = savedObject(pod);
    expect(JSON.stringify(saved)).not.toMatch(/s3cr3t|abc|hunter2|creds|secret-init|pw/);
    expect(saved).toMatchObject({ metadata: { name: 'p', namespace: 'team-a', labels: { app: 'a' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs' }] }, spec: { hostNetwork: false, containers: [{ name: 'app', image: 'example/app:1', ports: [{ containerPort: 8080 }] }, { name: 'istio-proxy', image: 'proxyv2' }], initContainers: [{ name: 'init' }] }, status: { phase: 'Running' } });
    const deployment = objectOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system' }, spec: { selector: { matchLabels: { app: 'istiod' } }, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ ...secretContainer, name: 'discovery', image: 'docker.io/istio/pilot:1.24.2' }] } } } });
    expect(JSON.stringify(savedObject(deployment))).not.toMatch(/s3cr3t|abc|hunter2/);
    expect(savedObject(deployment)).toMatchObject({ spec: { selector: { matchLabels: { app: 'istiod' } }, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.24.2' }] } } } });
    const cronJob = objectOf({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'team-a' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [secretContainer] } } } } } });
    expect(JSON.stringify(savedObject(cronJob))).not.toMatch(/s3cr3t|abc|hunter2/);
    expect(savedObject(cronJob)).toMatchObject({ spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } } } } } });
  });

  it('keeps only the keys of istiod ConfigMaps the scanner reads and drops last-applied-configuration everywhere', () => {
    const configMap = objectOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { mesh: 'rootNamespace: istio-system', values: '{}', config: 'templates', other: 'password=1' } });
    expect(savedObject(configMap)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { mesh: 'rootNamespace: istio-system', values: '{}' } });
    const entry = objectOf({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x', namespace: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":1}', keep: 'me' } }, spec: { hosts: ['h'] } });
    expect(savedObject(entry)).toEqual({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x', namespace: 'a', annotations: { keep: 'me' } }, spec: { hosts: ['h'] } });
  });
});

describe('reading a saved snapshot', () => {
  const valid = () => JSON.parse(savedText(snapshotFromManifests([join(repoRoot, 'demo/aks-compliant')], { clusterName: 'c' }).snapshot)) as Record<string, unknown>;

  it('refuses a newer format with a message saying which versions it reads', () => {
    expect(() => snapshotFromSaved({ ...valid(), apiVersion: 'istio-isolation-scanner.io/v2' }, { name: 'new.json' })).toThrow(/new\.json has snapshot format istio-isolation-scanner\.io\/v2, which this scanner does not read \(it reads istio-isolation-scanner\.io\/v1\)/);
  });

  it('refuses what is not a snapshot (a JSON report, a Kubernetes List) and broken ones', () => {
    expect(() => snapshotFromSaved({ scanId: 's', clusters: [] }, { name: 'report.json' })).toThrow(/report\.json is not a saved cluster snapshot/);
    expect(() => snapshotFromSaved({ apiVersion: 'v1', kind: 'List', items: [] }, { name: 'list.json' })).toThrow(SavedSnapshotError);
    expect(() => snapshotFromSaved({ ...valid(), coverage: { Secret: { status: 'read' } } }, { name: 'odd.json' })).toThrow(/odd\.json is not a valid istio-isolation-scanner\.io\/v1 snapshot/);
    expect(() => snapshotFromSaved({ ...valid(), objects: 'nope' }, { name: 'odd.json' })).toThrow(/\/objects must be array/);
  });

  it('reports objects it cannot read as problems (resource-invalid), and reads the rest', () => {
    const document = valid();
    (document.objects as unknown[]).push({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { namespace: 'a' } });
    const snapshot = snapshotFromSaved(document, { name: 'c.json' });
    expect(snapshot.inputProblems.some((p) => p.message.includes('has no metadata.name (in c.json)'))).toBe(true);
  });
});
