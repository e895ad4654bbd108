/**
 * The CLI's entry: a kubeconfig file with one or more contexts, each scanned over its
 * certificate-authority-data and bearer token; plus the TTY progress display it drives.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/program.js';
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

describe('progress of a live scan on stderr', () => {
  /** Each look at the clock moves it one second: a slow scan, without waiting for one. */
  async function scan(extra: string[], stderrIsTty: boolean): Promise<{ status: number; stderr: string }> {
    let stderr = '';
    let time = 0;
    const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), isTty: false, stderrIsTty, env: {}, cwd: dir, now: () => (time += 1_000) };
    const status = await runCli(['node', 'istio-isolation-scanner', 'scan', '--kubeconfig', kubeconfigPath, '--all-contexts', '--no-config', '--format', 'json', '--fail-on', 'none', ...extra], io);
    return { status, stderr };
  }

  it('off a terminal: plain periodic lines per cluster with kinds and objects, and every retry with its wait', async () => {
    first.setFaults([{ kind: 'Pod', status: 429, retryAfterSeconds: 0, times: 1 }]);
    try {
      const { status, stderr } = await scan([], false);
      expect(status).toBe(0);
      expect(stderr).toMatch(/^cluster-a: GET \/api\/v1\/pods\S* failed \(.*429.*\); waiting 0\.0 s before attempt 2$/m);
      expect(stderr).toMatch(new RegExp(`^cluster-a: \\d+/${SNAPSHOT_KINDS.length} kinds, [\\d,]+ objects`, 'm'));
      expect(stderr).toMatch(new RegExp(`^cluster-b: ${SNAPSHOT_KINDS.length}/${SNAPSHOT_KINDS.length} kinds, [\\d,]+ objects`, 'm'));
      expect(stderr).not.toContain('\x1b');
    } finally {
      first.setFaults([]);
    }
  });

  it('on a terminal: one line per cluster rewritten in place; with --quiet nothing', async () => {
    const terminal = await scan([], true);
    expect(terminal.stderr).toContain('\r\x1b[2Kcluster-a: ');
    expect(terminal.stderr).toContain('\r\x1b[2Kcluster-b: ');
    first.setFaults([{ kind: 'Pod', status: 429, retryAfterSeconds: 0, times: 1 }]);
    try {
      const quiet = await scan(['--quiet'], true);
      expect(quiet.status).toBe(0);
      for (const text of ['kinds', 'waiting', '\x1b']) expect(quiet.stderr).not.toContain(text);
    } finally {
      first.setFaults([]);
    }
  });
});
