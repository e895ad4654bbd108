/**
 * A gate that cannot see must not pass: the CLI against the Kubernetes API server double over
 * real sockets. A cluster that could not be read is `failed`, named on one stderr line and
 * exits 2; a partial scan exits 2 unless --allow-incomplete; inputs that would be ignored
 * (no kubeconfig at all, --mesh-config alone) are usage errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { runCli } from '../../../src/cli/program.js';
import type { JsonReport } from '../../../src/report/json.js';
import { generateTestPki } from '../../helpers/tls.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { DEMO_DIR, REPO_ROOT } from './helpers.js';

let double: KubeApiServerDouble;
let dir: string;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTty: false, env, cwd: REPO_ROOT };
  const status = await runCli(['node', 'istio-isolation-scanner', ...args], io);
  return { status, stdout, stderr };
}

type KubeconfigDocument = { clusters: Array<{ name: string; cluster: Record<string, unknown> }>; users: Array<{ name: string; user: Record<string, unknown> }>; contexts: unknown[] };

/** A kubeconfig file with the double's healthy context plus the given broken ones. */
function kubeconfigWith(name: string, broken: Record<string, { cluster?: Record<string, unknown>; user?: Record<string, unknown> }>): string {
  const healthy = parse(double.kubeconfigYaml('healthy')) as KubeconfigDocument;
  const document = { ...healthy, clusters: [...healthy.clusters], users: [...healthy.users], contexts: [...healthy.contexts] };
  for (const [context, change] of Object.entries(broken)) {
    document.clusters.push({ name: context, cluster: { ...healthy.clusters[0]!.cluster, ...change.cluster } });
    document.users.push({ name: `${context}-user`, user: { ...healthy.users[0]!.user, ...change.user } });
    document.contexts.push({ name: context, context: { cluster: context, user: `${context}-user` } });
  }
  const path = join(dir, name);
  writeFileSync(path, stringify(document), { mode: 0o600 });
  return path;
}

const FAST = ['--format', 'json', '--fail-on', 'none'];

beforeAll(async () => {
  double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'aks-contaminated') });
  dir = mkdtempSync(join(tmpdir(), 'cli-gate-'));
});
afterAll(async () => {
  await double?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a cluster that could not be read fails the run', () => {
  it.each([
    ['http:// server', { cluster: { server: 'http://127.0.0.1:9' } }, /must be reached over https/],
    ['insecure-skip-tls-verify', { cluster: { 'insecure-skip-tls-verify': true } }, /insecure-skip-tls-verify/],
    ['an untrusted CA', { cluster: { 'certificate-authority-data': Buffer.from(generateTestPki().caPem).toString('base64') } }, /certificate/i],
    ['a closed port', { cluster: { server: 'https://127.0.0.1:9' } }, /ECONNREFUSED/],
  ])('%s: status failed, one stderr line naming cluster and cause, exit 2; the healthy context is still scanned', async (_label, change, cause) => {
    const kubeconfig = kubeconfigWith(`broken-${_label.replace(/\W+/g, '-')}`, { broken: change });
    const { status, stdout, stderr } = await cli(['scan', '--kubeconfig', kubeconfig, '--all-contexts', ...FAST]);
    expect(status).toBe(2);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.clusters.map((c) => [c.cluster.name, c.status])).toEqual([
      ['healthy', 'succeeded'],
      ['broken', 'failed'],
    ]);
    expect(report.clusters[0]!.findings.length).toBeGreaterThan(0);
    const lines = stderr.split('\n').filter((line) => line.includes('broken'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: cluster broken could not be scanned: /);
    expect(lines[0]).toMatch(cause);
    expect(stderr).toContain('Exit code 2: 1 cluster(s) could not be scanned');
  });

  it('rejected credentials (401): "could not authenticate", one finding for the cluster, exit 2', async () => {
    const kubeconfig = kubeconfigWith('wrong-token', { 'wrong-token': { user: { token: 'not-the-token' } } });
    const { status, stdout, stderr } = await cli(['scan', '--kubeconfig', kubeconfig, '--context', 'wrong-token', ...FAST]);
    expect(status).toBe(2);
    const [cluster] = (JSON.parse(stdout) as JsonReport).clusters;
    expect(cluster!.status).toBe('failed');
    expect(cluster!.error).toMatch(/^could not authenticate/);
    expect(cluster!.apiRequests).toBeGreaterThan(0);
    const incomplete = cluster!.findings.filter((finding) => finding.ruleId === 'scan-incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]!.evidence.reason).toBe('unauthenticated');
    expect(incomplete[0]!.message).toMatch(/Could not authenticate to cluster wrong-token/);
    expect(JSON.stringify(cluster)).not.toContain('rule(s) is unknown');
    expect(stderr).toMatch(/^error: cluster wrong-token could not be scanned: could not authenticate/m);
  });
});

describe('a partial scan fails the default gate', () => {
  it('some kinds forbidden: exit 2 naming the cluster, unless --allow-incomplete', async () => {
    const kubeconfig = kubeconfigWith('partial', {});
    double.setFaults([{ kind: 'Sidecar', status: 403 }]);
    try {
      const strict = await cli(['scan', '--kubeconfig', kubeconfig, '--context', 'healthy', ...FAST]);
      expect(strict.status).toBe(2);
      expect((JSON.parse(strict.stdout) as JsonReport).clusters[0]!.status).toBe('partial');
      expect(strict.stderr).toMatch(/^error: cluster healthy was read only in part \(Could not read: Sidecar \(forbidden\)\).*--allow-incomplete/m);

      const accepted = await cli(['scan', '--kubeconfig', kubeconfig, '--context', 'healthy', '--allow-incomplete', ...FAST]);
      expect(accepted.status).toBe(0);
      expect(accepted.stderr).toMatch(/^warning: cluster healthy was read only in part/m);

      // The findings gate still applies to what was read.
      const gated = await cli(['scan', '--kubeconfig', kubeconfig, '--context', 'healthy', '--allow-incomplete', '--format', 'json', '--fail-on', 'high']);
      expect(gated.status).toBe(1);
    } finally {
      double.setFaults([]);
    }
  });
});

describe('inputs that would be silently ignored are usage errors', () => {
  it('--all-contexts (or --context) without any kubeconfig', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    for (const args of [['--all-contexts'], ['--context', 'prod']]) {
      const { status, stdout, stderr } = await cli(['scan', ...args], { HOME: home });
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/needs a kubeconfig: --kubeconfig was not given, KUBECONFIG is not set and ~\/\.kube\/config does not exist/);
    }
  });

  it('--mesh-config (or --aks-cluster) with no other input does not scan the demo', async () => {
    for (const args of [['--mesh-config', 'examples/scanner-config.yaml'], ['--aks-cluster', 'demo/aks-contaminated/aks-cluster.json']]) {
      const { status, stdout, stderr } = await cli(['scan', ...args]);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/describes the cluster being scanned: give manifests .* or --kubeconfig too/);
    }
  });
});
