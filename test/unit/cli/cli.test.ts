/**
 * End-to-end: spawns the real CLI (`node --import tsx src/cli/main.ts`) on the bundled demo
 * fleet and on files, and checks exit codes and the machine-readable outputs against their
 * schemas (our JSON report schema, the official SARIF 2.1.0 schema).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { JSON_REPORT_SCHEMA, type JsonReport } from '../../../src/report/json.js';
import { ALL_RULES } from '../../../src/rules/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function cli(args: string[], cwd = root): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateJson = ajv.compile(JSON_REPORT_SCHEMA);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(root, 'test/fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object);

describe('istio-isolation-scanner CLI', () => {
  it('scans the bundled demo fleet by default, readable, exit 0 (demo default --fail-on none)', () => {
    const { status, stdout, stderr } = cli(['scan']);
    expect(status).toBe(0);
    for (const cluster of ['aks-compliant', 'aks-contaminated', 'aks-shared-ingress', 'self-managed-istio']) expect(stdout).toContain(`Cluster ${cluster}`);
    expect(stdout).toContain('Tenant exposure matrix');
    expect(stdout).not.toContain('\u001b[');
    expect(stderr).toContain('--fail-on none');
  });

  it('writes JSON that conforms to the findings.md report schema', () => {
    const { status, stdout } = cli(['scan', '--format', 'json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    if (!validateJson(report)) throw new Error(JSON.stringify(validateJson.errors, null, 2));
    expect(report.clusters.map((c) => c.cluster.name)).toEqual(['aks-compliant', 'aks-contaminated', 'aks-shared-ingress', 'self-managed-istio']);
    const contaminated = report.clusters[1]!;
    expect(contaminated.cluster.subscriptionId).toBe('00000000-0000-0000-0000-000000000002');
    expect(contaminated.meshRevisions).toEqual(['asm-1-22']);
    const invalid = contaminated.findings.find((f) => f.ruleId === 'resource-invalid');
    expect(invalid?.resource).toMatchObject({ kind: 'ServiceEntry', name: 'metrics-sink' });
    expect(invalid?.source?.file).toBe('demo/aks-contaminated/tenants.yaml');
  });

  it('writes SARIF 2.1.0 that validates against the official schema, with file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-cli-'));
    const out = join(dir, 'report.sarif');
    const { status, stderr } = cli(['scan', '--manifests', 'demo/aks-contaminated', '--aks-cluster', 'demo/aks-contaminated/aks-cluster.json', '--format', 'sarif', '--output', out, '--fail-on', 'none']);
    expect(status).toBe(0);
    expect(stderr).toContain('Wrote the sarif report');
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    if (!validateSarif(log)) throw new Error(JSON.stringify(validateSarif.errors, null, 2));
    expect(log.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.meta.id));
    const located = log.runs[0]!.results.find((r) => r.ruleId === 'resource-invalid');
    expect(located?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'demo/aks-contaminated/tenants.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 163 } });
  });

  it('exits 1 when a finding reaches --fail-on and 0 with --fail-on none', () => {
    expect(cli(['scan', '--manifests', 'demo/aks-contaminated', '--fail-on', 'low']).status).toBe(1);
    expect(cli(['scan', '--manifests', 'demo/aks-contaminated', '--fail-on', 'none']).status).toBe(0);
  });

  it('reports a malformed document with file and line and scans the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n---\nkind: [oops\n');
    const { status, stdout } = cli(['scan', '--manifests', dir, '--format', 'json', '--fail-on', 'none']);
    // The broken document could hold anything: the scan is partial and the gate fails closed.
    expect(status).toBe(2);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.clusters[0]!.status).toBe('partial');
    expect(report.clusters[0]!.resourceCounts).toEqual({ Namespace: 1 });
    const problem = report.clusters[0]!.findings.find((f) => f.ruleId === 'resource-invalid');
    expect(problem?.message).toMatch(/malformed YAML in .*bad\.yaml at line \d/);
    expect(problem?.source?.line).toBeGreaterThanOrEqual(6);
    expect(cli(['scan', '--manifests', dir, '--format', 'json', '--fail-on', 'none', '--allow-incomplete']).status).toBe(0);

    // A file that cannot hold an object (no apiVersion, no kind: a broken tool config) is named but leaves the scan complete.
    const beside = mkdtempSync(join(tmpdir(), 'iis-cli-'));
    writeFileSync(join(beside, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n');
    writeFileSync(join(beside, 'tsconfig.json'), '{\n  "compilerOptions": { "lib": ["es2022"\n}\n');
    const complete = cli(['scan', '--manifests', beside, '--format', 'json', '--fail-on', 'none']);
    expect(complete.status).toBe(0);
    const cluster = (JSON.parse(complete.stdout) as JsonReport).clusters[0]!;
    expect(cluster.status).toBe('succeeded');
    expect(cluster.findings.filter((f) => f.ruleId === 'resource-invalid').map((f) => f.message)).toEqual([expect.stringContaining('malformed YAML in')]);
    expect(cluster.findings.some((f) => f.ruleId === 'scan-incomplete')).toBe(false);
  });

  it('exits 2 on usage and input errors', () => {
    const missing = cli(['scan', '--manifests', 'no/such/folder']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nothing could be read');
    expect(cli(['scan', '--format', 'xml']).status).toBe(2);
    expect(cli(['scan', '--no-such-option']).status).toBe(2);
    expect(cli(['scan', '--istio-version', 'latest']).status).toBe(2);
    expect(cli(['scan', '--manifests', 'demo/aks-compliant', '--kubeconfig', 'x']).status).toBe(2);
  });

  it('exits 2 when a side file or the live input cannot be used', () => {
    const badMesh = cli(['scan', '--manifests', 'demo/aks-compliant', '--mesh-config', 'no/such/mesh.yaml']);
    expect(badMesh.status).toBe(2);
    expect(badMesh.stderr).toContain('cannot read mesh config');
    const live = cli(['scan', '--kubeconfig', 'no/such/kubeconfig']);
    expect(live.status).toBe(2);
    expect(live.stderr).toContain('cannot load kubeconfig no/such/kubeconfig');
    const oneClusterFileForMany = cli(['scan', '--kubeconfig', 'no/such/kubeconfig', '--all-contexts', '--aks-cluster', 'demo/aks-contaminated/aks-cluster.json']);
    expect(oneClusterFileForMany.status).toBe(2);
    expect(oneClusterFileForMany.stderr).toContain('describe one cluster');
  });

  it('refuses --send-to-log-analytics without its settings, naming them (exit 2)', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LOGS_')));
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'scan', '--manifests', 'demo/aks-compliant', '--send-to-log-analytics', '--format', 'json', '--output', join(mkdtempSync(join(tmpdir(), 'iis-cli-')), 'r.json')], { cwd: root, encoding: 'utf8', env });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('LOGS_INGESTION_ENDPOINT');
  });

  it('renders markdown for a pull-request comment', () => {
    const { status, stdout } = cli(['scan', '--manifests', 'demo/aks-contaminated', '--format', 'markdown', '--fail-on', 'none']);
    expect(status).toBe(0);
    expect(stdout.startsWith('## Istio isolation scan')).toBe(true);
    expect(stdout).toContain('### Cluster aks-contaminated');
  });

  it('lists the rule catalogue and has --help on every command', () => {
    const rules = cli(['rules', '--format', 'json']);
    expect(rules.status).toBe(0);
    expect((JSON.parse(rules.stdout) as Array<{ id: string }>).map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.meta.id));
    for (const args of [['--help'], ['scan', '--help'], ['rules', '--help']]) {
      const help = cli(args);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Usage: istio-isolation-scanner');
    }
  });

  it('runs through the package bin as well', () => {
    const result = spawnSync(process.execPath, [join(root, 'bin/istio-isolation-scanner.js'), '--version'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
