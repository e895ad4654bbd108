/**
 * The pull-request questions, through the real binary: tenant scope, a change on top of a
 * saved or live cluster (introduced, resolved, unchanged; the gate on introduced), the
 * snapshot command (read-only, no Secrets or tokens, loads offline), and --baseline.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonReport } from '../../src/report/json.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { scanner } from '../helpers/cli.js';
import { CORRECT_TENANT_SERVICE_ENTRY, serviceEntry, tempDir, writeTree } from '../helpers/ci-fixtures.js';

// Each case spawns the real binary (a few seconds each, more on a loaded machine): a generous guard, not a timing.
jest.setTimeout(300_000);

const SECRET_ENV_VALUE = 'pa55w0rd-in-a-pod-env';

/** The cluster the changes are made to: two tenants, one old leak (team-b/legacy has no exportTo). */
const BASE_OBJECTS: Array<Record<string, unknown>> = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'istio-injection': 'enabled' }, creationTimestamp: '2024-01-01T00:00:00Z' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b', labels: { 'istio-injection': 'enabled' }, creationTimestamp: '2024-01-01T00:00:00Z' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', creationTimestamp: '2024-01-01T00:00:00Z' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'rootNamespace: istio-system\n', 'not-for-scanners': 'internal-setting-xyz' } },
  { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'stripe', namespace: 'team-a', creationTimestamp: '2024-02-01T00:00:00Z' }, spec: { hosts: ['api.stripe.com'], exportTo: ['.'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] } },
  { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'old-open', namespace: 'team-a', creationTimestamp: '2024-02-01T00:00:00Z' }, spec: { hosts: ['old.example.com'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] } },
  { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'legacy', namespace: 'team-b', creationTimestamp: '2024-02-01T00:00:00Z' }, spec: { hosts: ['legacy.example.com'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'team-a', labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'example/app:1', env: [{ name: 'DB_PASSWORD', value: SECRET_ENV_VALUE }] }] } },
];

let apiServer: KubeApiServerDouble;
let work: string;

beforeAll(async () => {
  apiServer = await startKubeApiServerDouble({ objects: BASE_OBJECTS });
  work = tempDir('iis-compare-');
  writeFileSync(join(work, 'kubeconfig'), apiServer.kubeconfigYaml('prod'), { mode: 0o600 });
});
afterAll(async () => {
  await apiServer.close();
});

const json = (text: string) => JSON.parse(text) as JsonReport;

describe('tenant scope', () => {
  it('passes a tenant folder with one correct ServiceEntry that fails without --tenant (the issue\'s example)', async () => {
    const dir = writeTree(tempDir(), { 'k8s/se.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const whole = await scanner(['scan', 'k8s'], { cwd: dir });
    expect(whole.status).toBe(1);
    const tenant = await scanner(['scan', 'k8s', '--tenant', 'team-a', '--format', 'json'], { cwd: dir });
    expect(tenant.status).toBe(0);
    const cluster = json(tenant.stdout).clusters[0]!;
    expect(cluster.scope).toEqual({ tenants: ['team-a'], outOfScope: 0 });
    const contextHighs = cluster.findings.filter((f) => f.scope === 'context' && f.severity === 'high').map((f) => f.ruleId).sort();
    expect(contextHighs).toEqual(['admission-exportto-policy-missing', 'namespace-missing-default-sidecar', 'namespace-mtls-not-strict']);
    expect(cluster.findings.every((f) => f.failsGate === false)).toBe(true);
  });

  it('still fails on what the tenant owns, and reads the tenant from the configuration', async () => {
    const dir = writeTree(tempDir(), { '.istio-isolation-scanner.yaml': 'tenant: [team-a]\n', 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com', ['*']) });
    const run = await scanner(['scan', 'k8s', '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    const failing = json(run.stdout).clusters[0]!.findings.filter((f) => f.failsGate).map((f) => f.ruleId);
    expect(failing).toEqual(['exportto-wildcard']);
    // --tenant overrides the configuration: team-b owns nothing here, so nothing of team-a is judged.
    const other = await scanner(['scan', 'k8s', '--tenant', 'team-b', '--format', 'json'], { cwd: dir });
    expect(other.status).toBe(0);
    expect(json(other.stdout).clusters[0]!.scope!.outOfScope).toBeGreaterThan(0);
    expect(other.stderr).toMatch(/warning: 1 scanned object\(s\) are outside the tenant namespaces \(team-b\): ServiceEntry team-a\/open/);
  });

  it('puts namespace-less objects (a rendered chart) into the one tenant namespace', async () => {
    const chart = serviceEntry('team-a', 'open', 'api.example.com').replace('  namespace: team-a\n', '');
    const dir = writeTree(tempDir(), { 'rendered.yaml': chart });
    const run = await scanner(['scan', 'rendered.yaml', '--tenant', 'team-a', '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(json(run.stdout).clusters[0]!.findings.find((f) => f.ruleId === 'exportto-missing')?.resource?.namespace).toBe('team-a');
  });

  it('refuses a --tenant that is not a namespace name or glob (exit 2)', async () => {
    const dir = writeTree(tempDir(), { 'se.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await scanner(['scan', 'se.yaml', '--tenant', 'Team A'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--tenant: "Team A" is not a namespace name or glob');
  });
});

describe('snapshot, then changes against it offline', () => {
  let snapshotText: string;

  beforeAll(async () => {
    const run = await scanner(['snapshot', '--kubeconfig', 'kubeconfig', '--output', 'cluster.json'], { cwd: work });
    expect(run.stderr).toContain('Saved a snapshot of prod');
    expect(run.status).toBe(0);
    snapshotText = readFileSync(join(work, 'cluster.json'), 'utf8');
  });

  it('saves a versioned, read-only snapshot without Secrets, tokens or data the rules do not read', () => {
    const document = JSON.parse(snapshotText) as { apiVersion: string; metadata: { cluster: { name: string } }; objects: Array<{ kind: string }> };
    expect(document.apiVersion).toBe('istio-isolation-scanner.io/v1');
    expect(document.metadata.cluster.name).toBe('prod');
    expect(document.objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'ServiceEntry', 'ConfigMap', 'Pod']));
    for (const forbidden of [apiServer.token, SECRET_ENV_VALUE, 'internal-setting-xyz', 'BEGIN CERTIFICATE', apiServer.url]) expect(snapshotText).not.toContain(forbidden);
    expect(apiServer.requests.filter((request) => request.method !== 'GET' || request.path.includes('/secrets'))).toEqual([]);
  });

  it('reports what a change introduces, resolves and leaves, and gates only on what it introduces', async () => {
    const dir = writeTree(tempDir(), {
      // team-a/stripe widened to "*" (introduced); team-a/old-open fixed (resolved); a new correct one added.
      'pr/stripe.yaml': serviceEntry('team-a', 'stripe', 'api.stripe.com', ['*']),
      'pr/old-open.yaml': serviceEntry('team-a', 'old-open', 'old.example.com', ['.']),
      'pr/new.yaml': serviceEntry('team-a', 'maps', 'maps.example.com', ['.']),
    });
    const run = await scanner(['scan', 'pr', '--against', join(work, 'cluster.json'), '--tenant', 'team-a', '--output', 'json=report.json', '--output', 'markdown=comment.md'], { cwd: dir });
    expect(run.stderr).toContain('Applied the change to snapshot');
    expect(run.stderr).toContain('1 object(s) added, 2 replaced, 0 removed');
    expect(run.status).toBe(1);
    const cluster = json(readFileSync(join(dir, 'report.json'), 'utf8')).clusters[0]!;
    expect(cluster.comparison!.kind).toBe('change');
    const introduced = cluster.findings.filter((f) => f.baselineState === 'new').map((f) => `${f.ruleId} ${f.resource?.name ?? f.namespace}`);
    expect(introduced).toEqual(expect.arrayContaining(['exportto-wildcard stripe']));
    expect(cluster.comparison!.resolved.map((f) => `${f.ruleId} ${f.resource?.name}`)).toContain('exportto-missing old-open');
    // The base's own leak of another tenant is not team-a's, and unchanged findings never fail.
    expect(cluster.findings.filter((f) => f.failsGate).every((f) => f.baselineState !== 'unchanged')).toBe(true);
    expect(cluster.findings.some((f) => f.resource?.name === 'legacy' && f.ruleId === 'exportto-missing')).toBe(false);
    const comment = readFileSync(join(dir, 'comment.md'), 'utf8');
    expect(comment).toContain('resolved finding(s)');
    expect(comment).toMatch(/\| high \(new\) \| \[`exportto-wildcard`\]/);
  });

  it('passes a change that only fixes things, listing what it resolved', async () => {
    const dir = writeTree(tempDir(), { 'pr/old-open.yaml': serviceEntry('team-a', 'old-open', 'old.example.com', ['.']) });
    const run = await scanner(['scan', 'pr', '--against', join(work, 'cluster.json'), '--tenant', 'team-a', '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(json(run.stdout).clusters[0]!.comparison!.resolved.length).toBeGreaterThan(0);
  });

  it('deletes objects through removed files and object references', async () => {
    const dir = writeTree(tempDir(), {
      'old/old-open.yaml': serviceEntry('team-a', 'old-open', 'old.example.com'),
      'gone.txt': '# objects the PR deletes\nServiceEntry/team-b/legacy\n',
    });
    const run = await scanner(['scan', '--against', join(work, 'cluster.json'), '--removed', 'old/old-open.yaml', '--removed-object', '@gone.txt', '--removed-object', 'Sidecar/team-a/never-there', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toContain('0 object(s) added, 0 replaced, 2 removed');
    expect(run.stderr).toContain('warning: Sidecar/team-a/never-there is listed as removed but is not in snapshot');
    expect(run.status).toBe(0);
    const resolved = json(run.stdout).clusters[0]!.comparison!.resolved.map((f) => `${f.ruleId} ${f.resource?.name ?? ''}`);
    expect(resolved).toEqual(expect.arrayContaining(['exportto-missing old-open', 'exportto-missing legacy']));
  });

  it('reads the change from standard input (a rendered chart piped in)', async () => {
    const dir = tempDir();
    const chart = serviceEntry('team-a', 'stripe', 'api.stripe.com', ['*']).replace('  namespace: team-a\n', '');
    const run = await scanner(['scan', '-', '--against', join(work, 'cluster.json'), '--tenant', 'team-a', '--format', 'json'], { cwd: dir, input: chart });
    expect(run.stderr).toContain('0 object(s) added, 1 replaced, 0 removed');
    expect(run.status).toBe(1);
    const failing = json(run.stdout).clusters[0]!.findings.filter((f) => f.failsGate);
    expect(failing.map((f) => [f.ruleId, f.source?.file])).toEqual([['exportto-wildcard', '<stdin>']]);
  });

  it('uses a live cluster as the base with --against and --kubeconfig', async () => {
    const dir = writeTree(tempDir(), { 'pr/stripe.yaml': serviceEntry('team-a', 'stripe', 'api.stripe.com', ['*']) });
    const run = await scanner(['scan', 'pr', '--against', '--kubeconfig', join(work, 'kubeconfig'), '--tenant', 'team-a', '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    const cluster = json(run.stdout).clusters[0]!;
    expect(cluster.comparison!.against).toBe('live cluster prod');
    expect(cluster.findings.filter((f) => f.failsGate).map((f) => f.ruleId)).toContain('exportto-wildcard');
  });

  it('refuses contradictory or incomplete comparisons (exit 2)', async () => {
    const dir = writeTree(tempDir(), { 'pr/se.yaml': CORRECT_TENANT_SERVICE_ENTRY, 'r.sarif': '{"version":"2.1.0","runs":[]}' });
    const cases: Array<[string[], string]> = [
      [['scan', '--against', join(work, 'cluster.json')], '--against needs the change'],
      [['scan', 'pr', '--removed', 'x.yaml'], '--removed and --removed-object describe a change: use them with --against'],
      [['scan', 'pr', '--against', join(work, 'cluster.json'), '--kubeconfig', join(work, 'kubeconfig')], 'both name a base cluster'],
      [['scan', 'pr', '--against'], '--against needs a base'],
      [['scan', 'pr', '--against', 'pr/se.yaml'], 'a saved snapshot is the file `istio-isolation-scanner snapshot --output FILE` writes'],
      [['scan', 'pr', '--against', 'r.sarif'], 'r.sarif is not a saved cluster snapshot'],
      [['scan', 'pr', '--baseline', 'r.sarif'], 'it is SARIF; write the baseline with --output json=FILE'],
      [['scan', 'pr', '--against', join(work, 'cluster.json'), '--removed-object', 'ServiceEntry/stripe'], 'expected Kind/namespace/name'],
    ];
    for (const [args, message] of cases) {
      const run = await scanner(args, { cwd: dir });
      expect([args.join(' '), run.status]).toEqual([args.join(' '), 2]);
      expect(run.stderr).toContain(message);
    }
  });
});

describe('a base that cannot be read', () => {
  it('stops with exit 2 when the live base could not be read at all: the change is not judged', async () => {
    const gone = await startKubeApiServerDouble({});
    const kubeconfig = gone.kubeconfigYaml('gone');
    await gone.close();
    const dir = writeTree(tempDir(), { kubeconfig, 'pr/se.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await scanner(['scan', 'pr', '--against', '--kubeconfig', 'kubeconfig', '--tenant', 'team-a', '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('could not read the base cluster gone');
    expect(run.stdout).toBe('');
  });

  it('refuses to save a snapshot of a cluster it could not read at all (exit 2, nothing written)', async () => {
    const gone = await startKubeApiServerDouble({});
    const kubeconfig = gone.kubeconfigYaml('gone');
    await gone.close();
    const dir = writeTree(tempDir(), { kubeconfig });
    const run = await scanner(['snapshot', '--kubeconfig', 'kubeconfig', '--output', 'cluster.json'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('could not read cluster gone');
    expect(run.stderr).toContain('nothing was saved');
  });
});

describe('--baseline', () => {
  it('gates only on findings not in the previous report and lists the fixed ones', async () => {
    const dir = writeTree(tempDir(), { 'k8s/a.yaml': serviceEntry('team-a', 'one', 'one.example.com'), 'k8s/b.yaml': serviceEntry('team-a', 'two', 'two.example.com') });
    const first = await scanner(['scan', 'k8s', '--fail-on', 'none', '--output', 'json=previous.json'], { cwd: dir });
    expect(first.status).toBe(0);
    const same = await scanner(['scan', 'k8s', '--baseline', 'previous.json'], { cwd: dir });
    expect(same.status).toBe(0);
    // One fixed, one new leak.
    writeTree(dir, { 'k8s/a.yaml': serviceEntry('team-a', 'one', 'one.example.com', ['.']), 'k8s/c.yaml': serviceEntry('team-a', 'three', 'three.example.com') });
    const later = await scanner(['scan', 'k8s', '--baseline', 'previous.json', '--format', 'json'], { cwd: dir });
    expect(later.status).toBe(1);
    const cluster = json(later.stdout).clusters[0]!;
    expect(cluster.findings.filter((f) => f.failsGate).map((f) => `${f.ruleId} ${f.resource?.name}`)).toEqual(['exportto-missing three']);
    expect(cluster.comparison!.resolved.map((f) => `${f.ruleId} ${f.resource?.name}`)).toEqual(['exportto-missing one']);
    expect(cluster.comparison!.against).toBe('baseline previous.json');
  });
});
