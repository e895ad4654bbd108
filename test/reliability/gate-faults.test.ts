/**
 * A gate that cannot see must not pass. The CLI (in-process, exactly as `main.ts` runs it, or
 * as a child process where it needs its own environment) against the Kubernetes API server,
 * managed identity, ARM and Logs Ingestion doubles over real sockets: a cluster that could not
 * be read is `failed`, named on one stderr line and exits 2; a partial scan exits 2 unless
 * --allow-incomplete; results that could not be delivered exit 2 naming every cluster; inputs
 * that would be silently ignored are usage errors. Findings that could be read are never lost.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { AKS_SERVER_APP_ID, RefreshingTokenProvider } from '../../src/access/token.js';
import { runCli } from '../../src/cli/program.js';
import { defaultConfig } from '../../src/config/types.js';
import { scanOneCluster } from '../../src/fleet/scan-cluster.js';
import { ArmClusterReader } from '../../src/inventory/arm.js';
import type { ScanClusterMessage } from '../../src/inventory/types.js';
import type { JsonReport } from '../../src/report/json.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { collectLiveSnapshot } from '../../src/snapshot/live/index.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../doubles/arm/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { startLogsIngestionDouble } from '../doubles/logs-ingestion/index.js';
import { startManagedIdentityDouble } from '../doubles/managed-identity/index.js';
import { scanner } from '../helpers/cli.js';
import { generateTestPki } from '../helpers/tls.js';
import { startAzureDoubles } from '../integration/azure/fixture.js';
import { DEMO_DIR, REPO_ROOT } from '../integration/live/helpers.js';
import { expectNoFindingLost, scenarioSummary } from './scenarios.js';

let double: KubeApiServerDouble;
let dir: string;
/** FindingIds of the fault-free scan of the healthy context. */
let baseline: JsonReport['clusters'][number];

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

const JSON_NO_GATE = ['--format', 'json', '--fail-on', 'none'];
const ids = (cluster: { findings: Array<{ findingId: string }> }) => cluster.findings.map((finding) => finding.findingId);

/** Baseline findings a scan that could not read `unread` still makes (rules not needing them, not about them). */
function baselineIdsNotNeeding(unread: string[]): string[] {
  const blind = new Set(ALL_RULES.filter((rule) => rule.meta.requires.some((kind) => unread.includes(kind))).map((rule) => rule.meta.id));
  return baseline.findings.filter((finding) => !blind.has(finding.ruleId) && finding.ruleId !== 'scan-incomplete' && !unread.includes(finding.resource?.kind ?? '')).map((finding) => finding.findingId);
}

beforeAll(async () => {
  double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'aks-contaminated') });
  dir = mkdtempSync(join(tmpdir(), 'gate-faults-'));
  const clean = await cli(['scan', '--kubeconfig', kubeconfigWith('clean', {}), ...JSON_NO_GATE]);
  expect(clean.status).toBe(0);
  baseline = (JSON.parse(clean.stdout) as JsonReport).clusters[0]!;
  expect(baseline.status).toBe('succeeded');
  expect(baseline.findings.length).toBeGreaterThan(5);
});
afterAll(async () => {
  process.stdout.write(`\n[reliability] gate-faults: ${scenarioSummary()}\n`);
  await double?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a cluster that could not be read fails the run', () => {
  it('gate-cluster-unreadable: failed, one stderr line naming cluster and cause, exit 2; the other context scanned in full', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['http', { server: 'http://127.0.0.1:9' }, /must be reached over https/],
      ['skip-verify', { 'insecure-skip-tls-verify': true }, /insecure-skip-tls-verify/],
      ['untrusted-ca', { 'certificate-authority-data': Buffer.from(generateTestPki().caPem).toString('base64') }, /certificate/i],
      ['closed-port', { server: 'https://127.0.0.1:9' }, /ECONNREFUSED/],
    ];
    const delivered: string[] = [];
    for (const [label, cluster, cause] of cases) {
      const { status, stdout, stderr } = await cli(['scan', '--kubeconfig', kubeconfigWith(label, { broken: { cluster } }), '--all-contexts', ...JSON_NO_GATE]);
      expect(status).toBe(2);
      const report = JSON.parse(stdout) as JsonReport;
      expect(report.clusters.map((c) => [c.cluster.name, c.status])).toEqual([
        ['healthy', 'succeeded'],
        ['broken', 'failed'],
      ]);
      // Progress lines of retries (a closed port is retried) come before the one error line.
      const lines = stderr.split('\n').filter((line) => line.includes('broken') && !/^broken: GET \S+ failed .*; waiting [\d.]+ s before attempt \d+$/.test(line));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: cluster broken could not be scanned: /);
      expect(lines[0]).toMatch(cause);
      expect(stderr).toContain('Exit code 2: 1 cluster(s) could not be scanned');
      delivered.push(...ids(report.clusters[0]!));
    }
    expectNoFindingLost('gate-cluster-unreadable', { expectedFindingIds: ids(baseline), deliveredFindingIds: delivered });
  });

  it('gate-credentials-rejected: a 401 is "could not authenticate", one finding for the cluster, exit 2', async () => {
    const kubeconfig = kubeconfigWith('wrong-token', { 'wrong-token': { user: { token: 'not-the-token' } } });
    const { status, stdout, stderr } = await cli(['scan', '--kubeconfig', kubeconfig, '--context', 'wrong-token', ...JSON_NO_GATE]);
    expect(status).toBe(2);
    const [cluster] = (JSON.parse(stdout) as JsonReport).clusters;
    expect(cluster!.status).toBe('failed');
    expect(cluster!.error).toMatch(/^could not authenticate/);
    expect(cluster!.apiRequests).toBeGreaterThan(0);
    const incomplete = cluster!.findings.filter((finding) => finding.ruleId === 'scan-incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]!.message).toMatch(/^Could not authenticate to cluster wrong-token/);
    expect(incomplete[0]!.evidence.reason).toBe('unauthenticated');
    expect(stdout).not.toContain('rule(s) is unknown');
    expect(stderr).toMatch(/^error: cluster wrong-token could not be scanned: could not authenticate/m);
    expectNoFindingLost('gate-credentials-rejected', { expectedFindingIds: ids({ findings: incomplete }), deliveredFindingIds: ids(cluster!) });
  });
});

describe('a partial scan fails the default gate', () => {
  it('gate-partial-scan: some kinds forbidden: exit 2 naming the cluster, unless --allow-incomplete', async () => {
    const kubeconfig = kubeconfigWith('partial', {});
    double.setFaults([{ kind: 'Sidecar', status: 403 }]);
    try {
      const strict = await cli(['scan', '--kubeconfig', kubeconfig, ...JSON_NO_GATE]);
      expect(strict.status).toBe(2);
      const cluster = (JSON.parse(strict.stdout) as JsonReport).clusters[0]!;
      expect(cluster.status).toBe('partial');
      expect(strict.stderr).toMatch(/^error: cluster healthy was read only in part \(Could not read: Sidecar \(forbidden\)\).*--allow-incomplete/m);

      const accepted = await cli(['scan', '--kubeconfig', kubeconfig, '--allow-incomplete', ...JSON_NO_GATE]);
      expect(accepted.status).toBe(0);
      expect(accepted.stderr).toMatch(/^warning: cluster healthy was read only in part/m);
      // Accepting a partial scan does not switch the findings gate off.
      const gated = await cli(['scan', '--kubeconfig', kubeconfig, '--allow-incomplete', '--format', 'json', '--fail-on', 'high']);
      expect(gated.status).toBe(1);
      expectNoFindingLost('gate-partial-scan', { expectedFindingIds: baselineIdsNotNeeding(['Sidecar']), deliveredFindingIds: ids(cluster) });
    } finally {
      double.setFaults([]);
    }
  });
});

describe('manifest files that could not be read fail the default gate', () => {
  it('gate-unreadable-manifests: partial, naming the files; exit 2 unless --allow-incomplete', async () => {
    const folder = join(dir, 'aks-contaminated');
    cpSync(join(DEMO_DIR, 'aks-contaminated'), folder, { recursive: true });
    const clean = await cli(['scan', folder, ...JSON_NO_GATE]);
    expect(clean.status).toBe(0);
    const cleanCluster = (JSON.parse(clean.stdout) as JsonReport).clusters[0]!;
    expect(cleanCluster.status).toBe('succeeded');

    writeFileSync(join(folder, 'broken.yaml'), 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: x, namespace: tenant-a\nspec: [\n');
    writeFileSync(join(folder, 'binary.yaml'), Buffer.from([0, 1, 2, 3, 0x62, 0x69, 0x6e]));
    const strict = await cli(['scan', folder, ...JSON_NO_GATE]);
    expect(strict.status).toBe(2);
    const cluster = (JSON.parse(strict.stdout) as JsonReport).clusters[0]!;
    expect(cluster.status).toBe('partial');
    expect(cluster.error).toContain('Could not read 2 input file(s) or document(s)');
    expect(cluster.error).toContain(join(folder, 'broken.yaml'));
    expect(cluster.error).toContain(join(folder, 'binary.yaml'));
    expect(strict.stderr).toMatch(/^error: cluster aks-contaminated was read only in part \(Could not read 2 input file\(s\).*--allow-incomplete/m);
    const incomplete = cluster.findings.filter((finding) => finding.ruleId === 'scan-incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]!.evidence).toMatchObject({ reason: 'input-unread', unreadCount: 2 });
    expect(cluster.findings.filter((finding) => finding.ruleId === 'resource-invalid' && /broken\.yaml|binary\.yaml/.test(finding.message))).toHaveLength(2);

    const accepted = await cli(['scan', folder, '--allow-incomplete', ...JSON_NO_GATE]);
    expect(accepted.status).toBe(0);
    expect(accepted.stderr).toMatch(/^warning: cluster aks-contaminated was read only in part/m);
    const gated = await cli(['scan', folder, '--allow-incomplete', '--format', 'json', '--fail-on', 'high']);
    expect(gated.status).toBe(1);
    // Everything the readable files hold is still found.
    expectNoFindingLost('gate-unreadable-manifests', { expectedFindingIds: ids(cleanCluster), deliveredFindingIds: ids(cluster) });
  });
});

describe('inputs that would be silently ignored are usage errors', () => {
  it('gate-ignored-inputs: no kubeconfig at all for --all-contexts/--context; side inputs without a scan input', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    for (const args of [['--all-contexts'], ['--context', 'prod']]) {
      const { status, stdout, stderr } = await cli(['scan', ...args], { HOME: home });
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/needs a kubeconfig: --kubeconfig was not given, KUBECONFIG is not set and ~\/\.kube\/config does not exist/);
    }
    for (const args of [['--mesh-config', 'examples/scanner-config.yaml'], ['--aks-cluster', 'demo/aks-contaminated/aks-cluster.json']]) {
      const { status, stdout, stderr } = await cli(['scan', ...args]);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/describes the cluster being scanned: give manifests .* or --kubeconfig too/);
    }
    expectNoFindingLost('gate-ignored-inputs', { expectedFindingIds: [], deliveredFindingIds: [] });
  });
});

describe('a fleet cluster the identity may not read', () => {
  it('gate-no-read-access: a failed record at once, whose ApiRequests counts every request the collection made', async () => {
    const SUB = 'eeeeeeee-0000-4000-8000-000000000005';
    const AKS_TOKEN = 'aks-token-for-no-read-access';
    const azure = await startAzureDoubles({ fixedTokens: { [AKS_SERVER_APP_ID]: AKS_TOKEN } });
    // The identity authenticates but holds no Kubernetes role: every request is 403.
    const kube = await startKubeApiServerDouble({ token: AKS_TOKEN, objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a' } }], rbac: { clusterRules: [], namespaceRules: [] } });
    try {
      azure.arm.addCluster({ subscriptionId: SUB, resourceGroup: 'rg', name: 'no-kube-role', location: 'westeurope', properties: healthyClusterProperties(), userKubeconfig: aksUserKubeconfig('no-kube-role', kube.url, kube.caPem) });
      const message: ScanClusterMessage = {
        version: 1,
        scanId: 'scan-no-read-access',
        cluster: { resourceId: managedClusterId({ subscriptionId: SUB, resourceGroup: 'rg', name: 'no-kube-role' }), name: 'no-kube-role', subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' },
        enqueuedAt: '',
      };
      const result = await scanOneCluster(message, {
        config: defaultConfig(),
        arm: new ArmClusterReader(azure.credential, azure.endpoints),
        aksTokens: new RefreshingTokenProvider(azure.credential),
        collect: (kubeConfig, options) => collectLiveSnapshot(kubeConfig as Parameters<typeof collectLiveSnapshot>[0], options),
        deadlineMs: 60_000,
        probeTimeoutMs: 2000,
      });
      expect(result.record.status).toBe('failed');
      expect(result.record.error).toContain('may not read any kind');
      expect(kube.requests.length).toBeGreaterThan(0);
      expect(kube.requests.every((request) => request.status === 403)).toBe(true);
      expect(result.record.apiRequests).toBe(kube.requests.length);
      const incomplete = result.findings.filter((finding) => finding.ruleId === 'scan-incomplete');
      expect(incomplete).toHaveLength(1);
      expectNoFindingLost('gate-no-read-access', { expectedFindingIds: incomplete.map((finding) => finding.findingId), deliveredFindingIds: result.findings.map((finding) => finding.findingId) });
    } finally {
      await Promise.allSettled([azure.close(), kube.close()]);
    }
  });
});

describe('results that could not be delivered', () => {
  it('logs-cli-cluster-undelivered: one cluster fails to upload, the others are still sent; exit 2 names it', async () => {
    const TOKEN = 'logs-token-for-cli-delivery';
    const logs = await startLogsIngestionDouble({ token: TOKEN });
    const msi = await startManagedIdentityDouble({ clientId: '0a1b2c3d-0000-4000-8000-00000000000c', fixedTokens: { 'https://monitor.azure.com': TOKEN, 'https://monitor.azure.com/': TOKEN } });
    const caFile = join(dir, 'logs-ca.pem');
    writeFileSync(caFile, logs.caPem);
    try {
      const findingsStream = logs.env.LOGS_FINDINGS_STREAM!;
      const scansStream = logs.env.LOGS_SCANS_STREAM!;
      // Every attempt of the first findings upload fails (the SDK makes 1 + 3 retries).
      logs.setFaults([{ kind: 'server-error', times: 4, stream: findingsStream }]);
      const reportFile = join(dir, 'demo.json');
      const env = { ...process.env, ...logs.env, NO_COLOR: '1', NODE_EXTRA_CA_CERTS: caFile, IDENTITY_ENDPOINT: msi.endpoint, IDENTITY_HEADER: msi.header, AZURE_CLIENT_ID: msi.clientId };
      const run = await scanner(['scan', '--send-to-log-analytics', '--output', `json=${reportFile}`], { env });
      expect(run.status).toBe(2);
      const report = JSON.parse((await import('node:fs')).readFileSync(reportFile, 'utf8')) as JsonReport;
      const [first, ...others] = report.clusters;
      expect(run.stderr).toMatch(new RegExp(`^error: the results of cluster ${first!.cluster.name} were not delivered to Log Analytics`, 'm'));
      expect(run.stderr).toContain(`error: 1 of ${report.clusters.length} cluster(s) not delivered to Log Analytics: ${first!.cluster.name}`);
      for (const cluster of others) expect(run.stderr).toContain(`and the scan record of ${cluster.cluster.name} to Log Analytics`);
      // Each cluster has its own scan record; the undelivered one says why.
      const records = logs.rows(scansStream) as Array<{ ClusterName: string; Status: string; Error: string }>;
      expect(records.map((row) => row.ClusterName).sort()).toEqual(report.clusters.map((c) => c.cluster.name).sort());
      expect(records.find((row) => row.ClusterName === first!.cluster.name)).toMatchObject({ Status: 'failed', Error: expect.stringContaining('not delivered') });
      const deliveredIds = (logs.rows(findingsStream) as Array<{ FindingId: string }>).map((row) => row.FindingId);
      expectNoFindingLost('logs-cli-cluster-undelivered', { expectedFindingIds: others.flatMap(ids), deliveredFindingIds: deliveredIds });
    } finally {
      await Promise.allSettled([logs.close(), msi.close()]);
    }
    // A child process (the CLI with its own environment) and the SDK's retry delays: slow on a loaded machine.
  }, 240_000);
});
