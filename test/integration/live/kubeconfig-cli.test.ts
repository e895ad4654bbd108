/**
 * The CLI's entry: a kubeconfig file with one or more contexts, each scanned over its
 * certificate-authority-data and bearer token; plus the TTY progress display it drives.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { createProgressRenderer } from '../../../src/cli/progress.js';
import { KubeConfigError, snapshotsFromKubeconfig } from '../../../src/snapshot/live/index.js';
import { SNAPSHOT_KINDS } from '../../../src/snapshot/types.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { DEMO_DIR, FAST_HTTP } from './helpers.js';

let first: KubeApiServerDouble;
let second: KubeApiServerDouble;
let dir: string;
let kubeconfigPath: string;

beforeAll(async () => {
  first = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'aks-contaminated') });
  second = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'self-managed-istio') });
  // One kubeconfig holding both clusters, current context = the first (what `az aks get-credentials` twice produces).
  const a = parse(first.kubeconfigYaml('cluster-a')) as Record<string, unknown[]>;
  const b = parse(second.kubeconfigYaml('cluster-b')) as Record<string, unknown[]>;
  const merged = { apiVersion: 'v1', kind: 'Config', clusters: [...a.clusters!, ...b.clusters!], users: [...a.users!, ...b.users!], contexts: [...a.contexts!, ...b.contexts!], 'current-context': 'cluster-a' };
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  kubeconfigPath = join(dir, 'config');
  writeFileSync(kubeconfigPath, stringify(merged), { mode: 0o600 });
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('snapshotsFromKubeconfig', () => {
  it('scans the current context by default', async () => {
    const snapshots = await snapshotsFromKubeconfig({ kubeconfigPath, http: FAST_HTTP });
    expect(snapshots.map((s) => s.cluster.name)).toEqual(['cluster-a']);
    expect(snapshots[0]!.coverage.Namespace).toMatchObject({ status: 'read' });
    expect(snapshots[0]!.meshMode).toBe('Istio');
  });

  it('scans a named context', async () => {
    const snapshots = await snapshotsFromKubeconfig({ kubeconfigPath, context: 'cluster-b', http: FAST_HTTP });
    expect(snapshots.map((s) => s.cluster.name)).toEqual(['cluster-b']);
    expect(snapshots[0]!.meshConfig.rootNamespace).toBe('istio-system');
  });

  it('scans every context with --all-contexts, and reports progress per cluster', async () => {
    const seen: string[] = [];
    const snapshots = await snapshotsFromKubeconfig({ kubeconfigPath, allContexts: true, http: FAST_HTTP, onProgress: (p) => seen.push(p.cluster) });
    expect(snapshots.map((s) => s.cluster.name)).toEqual(['cluster-a', 'cluster-b']);
    expect([...new Set(seen)]).toEqual(['cluster-a', 'cluster-b']);
  });

  it('an unreachable context does not stop the others', async () => {
    const gone = await startKubeApiServerDouble({});
    const goneConfig = parse(gone.kubeconfigYaml('gone')) as Record<string, unknown[]>;
    await gone.close();
    const current = parse(stringify(parse(first.kubeconfigYaml('cluster-a')))) as Record<string, unknown[]>;
    const path = join(dir, 'with-gone');
    writeFileSync(path, stringify({ ...current, clusters: [...current.clusters!, ...goneConfig.clusters!], users: [...current.users!, ...goneConfig.users!], contexts: [...current.contexts!, ...goneConfig.contexts!] }));
    const snapshots = await snapshotsFromKubeconfig({ kubeconfigPath: path, allContexts: true, http: { ...FAST_HTTP, maxAttempts: 1 } });
    expect(snapshots.map((s) => [s.cluster.name, s.coverage.Namespace?.status])).toEqual([
      ['cluster-a', 'read'],
      ['gone', 'failed'],
    ]);
  });

  it('takes the cluster ARM object and a mesh config file, as an offline scan does', async () => {
    const aksCluster = JSON.parse(readFileSync(join(DEMO_DIR, 'aks-contaminated', 'aks-cluster.json'), 'utf8')) as Record<string, unknown>;
    const [snapshot] = await snapshotsFromKubeconfig({ kubeconfigPath, http: FAST_HTTP, aksCluster, meshConfigDocument: { defaultServiceExportTo: ['.'] } });
    expect(snapshot!.aksCluster).toEqual(aksCluster);
    expect(snapshot!.meshConfig.defaultServiceExportTo).toEqual(['.']);
    expect(snapshot!.meshConfig.fieldSources.defaultServiceExportTo).toBe('file');
  });

  it('an unknown context or a missing file is a clear configuration error', async () => {
    await expect(snapshotsFromKubeconfig({ kubeconfigPath, context: 'nope' })).rejects.toThrow(new KubeConfigError('context "nope" is not in the kubeconfig (cluster-a, cluster-b)'));
    await expect(snapshotsFromKubeconfig({ kubeconfigPath: join(dir, 'missing') })).rejects.toThrow(/cannot load kubeconfig .*missing: ENOENT/);
  });
});

describe('TTY progress display', () => {
  it('rewrites one line per cluster with kinds, objects and unreadable kinds', () => {
    const out: string[] = [];
    const renderer = createProgressRenderer((text) => out.push(text), { isTty: true });
    renderer.onProgress({ cluster: 'a', kind: 'Pod', objectsRead: 500, done: false });
    renderer.onProgress({ cluster: 'a', kind: 'Pod', objectsRead: 1200, done: true, status: 'read' });
    renderer.onProgress({ cluster: 'a', kind: 'Sidecar', objectsRead: 0, done: true, status: 'forbidden' });
    renderer.onProgress({ cluster: 'a', kind: 'Constraint', objectsRead: 0, done: true, status: 'absent' });
    renderer.onProgress({ cluster: 'b', kind: 'Namespace', objectsRead: 3, done: false });
    renderer.finish();
    const kinds = SNAPSHOT_KINDS.length;
    expect(out[0]).toBe(`\r\x1b[2K  a: 0/${kinds} kinds, 500 objects - reading Pod`);
    expect(out[3]).toBe(`\r\x1b[2K  a: 3/${kinds} kinds, 1,200 objects - not readable: Sidecar (forbidden)`);
    expect(out.slice(4)).toEqual(['\n', `\r\x1b[2K  b: 0/${kinds} kinds, 3 objects - reading Namespace`, '\n']);
  });

  it('is silent off a terminal', () => {
    const out: string[] = [];
    const renderer = createProgressRenderer((text) => out.push(text), { isTty: false });
    renderer.onProgress({ cluster: 'a', kind: 'Pod', objectsRead: 1, done: true, status: 'read' });
    renderer.finish();
    expect(out).toEqual([]);
  });
});
