/**
 * CI-facing behaviour of the real binary: several reports in one run, format guessing,
 * configuration found without --config, paths relative to where the user ran the command
 * (also through `npm run`), and machine-readable output free of npm's banner.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLValidator } from 'fast-xml-parser';
import { JSON_REPORT_SCHEMA, type JsonReport } from '../../src/report/json.js';
import { binPath, repoRoot, runCommand, scanner } from '../helpers/cli.js';
import { CORRECT_TENANT_SERVICE_ENTRY, serviceEntry, tempDir, writeTree } from '../helpers/ci-fixtures.js';

// Each case spawns the real binary (a few seconds each, more on a loaded machine): a generous guard, not a timing.
jest.setTimeout(300_000);

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateJson = ajv.compile(JSON_REPORT_SCHEMA);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object);

function npm(args: string[], cwd: string) {
  const npmCli = process.env.npm_execpath;
  return npmCli ? runCommand(process.execPath, [npmCli, ...args], { cwd }) : runCommand('npm', args, { cwd });
}

describe('several outputs in one run', () => {
  it('writes json, sarif, markdown and junit together, valid each, with nothing on stdout', async () => {
    const dir = writeTree(tempDir(), { 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com') });
    const run = await scanner(['scan', 'k8s', '--output', 'json=out/report.json', '--output', 'sarif=out/r.sarif', '--output', 'markdown=out/comment.md', '--output', 'junit=out/junit.xml'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    for (const line of ['Wrote the json report to out/report.json', 'Wrote the sarif report to out/r.sarif', 'Wrote the markdown report to out/comment.md', 'Wrote the junit report to out/junit.xml']) expect(run.stderr).toContain(line);
    const json = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as JsonReport;
    if (!validateJson(json)) throw new Error(JSON.stringify(validateJson.errors));
    expect(json.gate?.failOn).toBe('high');
    expect(json.gate?.failingFindings).toBeGreaterThan(0);
    const sarif = JSON.parse(readFileSync(join(dir, 'out/r.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }> }> }> };
    if (!validateSarif(sarif)) throw new Error(JSON.stringify(validateSarif.errors));
    const located = sarif.runs[0]!.results.find((r) => r.ruleId === 'exportto-missing')!;
    expect(located.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'k8s/se.yaml', uriBaseId: '%SRCROOT%' });
    expect(readFileSync(join(dir, 'out/comment.md'), 'utf8')).toContain('**Gate failed:**');
    expect(XMLValidator.validate(readFileSync(join(dir, 'out/junit.xml'), 'utf8'))).toBe(true);
  });

  it('guesses the format of a plain --output from its extension and keeps --format for stdout', async () => {
    const dir = writeTree(tempDir(), { 'k8s/se.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await scanner(['scan', 'k8s', '--fail-on', 'none', '--output', 'r.json'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toHaveProperty('clusters');
    const both = await scanner(['scan', 'k8s', '--fail-on', 'none', '--format', 'json', '--output', 'sarif=r.sarif'], { cwd: dir });
    expect(JSON.parse(both.stdout)).toHaveProperty('scanId');
    expect(existsSync(join(dir, 'r.sarif'))).toBe(true);
    const toStdout = await scanner(['scan', 'k8s', '--fail-on', 'none', '--output', 'junit=-', '--output', 'json=r2.json'], { cwd: dir });
    expect(XMLValidator.validate(toStdout.stdout)).toBe(true);
  });

  it('refuses unknown formats, two outputs onto one file and two onto stdout (exit 2)', async () => {
    const dir = writeTree(tempDir(), { 'k8s/se.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const unknown = await scanner(['scan', 'k8s', '--output', 'pdf=r.pdf'], { cwd: dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown format "pdf"');
    const same = await scanner(['scan', 'k8s', '--output', 'json=r.json', '--output', 'sarif=./r.json'], { cwd: dir });
    expect(same.status).toBe(2);
    expect(same.stderr).toContain('name the same file');
    const twice = await scanner(['scan', 'k8s', '--output', 'json=-', '--output', 'sarif=-'], { cwd: dir });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain('only one report can go to standard output');
  });
});

describe('configuration found without --config', () => {
  const config = 'disabledRules: [exportto-missing]\n';

  it('uses the nearest .istio-isolation-scanner.yaml up to the repository root and says so', async () => {
    const repo = writeTree(tempDir(), { '.istio-isolation-scanner.yaml': config, 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com') });
    mkdirSync(join(repo, '.git'));
    const run = await scanner(['scan', '.', '--format', 'json', '--fail-on', 'none'], { cwd: join(repo, 'k8s') });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('Using configuration ../.istio-isolation-scanner.yaml (found without --config');
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.clusters[0]!.findings.map((f) => f.ruleId)).not.toContain('exportto-missing');
    const ignored = JSON.parse((await scanner(['scan', '.', '--format', 'json', '--fail-on', 'none', '--no-config'], { cwd: join(repo, 'k8s') })).stdout) as JsonReport;
    expect(ignored.clusters[0]!.findings.map((f) => f.ruleId)).toContain('exportto-missing');
  });

  it('prefers the working directory over the repository root, and --config over both', async () => {
    const repo = writeTree(tempDir(), { '.istio-isolation-scanner.yaml': config, 'k8s/.istio-isolation-scanner.yaml': 'disabledRules: [quota-serviceentry-missing]\n', 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com'), 'other.yaml': 'disabledRules: [namespace-mtls-not-strict]\n' });
    mkdirSync(join(repo, '.git'));
    const nearest = JSON.parse((await scanner(['scan', '.', '--format', 'json', '--fail-on', 'none'], { cwd: join(repo, 'k8s') })).stdout) as JsonReport;
    const rules = nearest.clusters[0]!.findings.map((f) => f.ruleId);
    expect(rules).toContain('exportto-missing');
    expect(rules).not.toContain('quota-serviceentry-missing');
    const explicit = JSON.parse((await scanner(['scan', '.', '--format', 'json', '--fail-on', 'none', '--config', '../other.yaml'], { cwd: join(repo, 'k8s') })).stdout) as JsonReport;
    expect(explicit.clusters[0]!.findings.map((f) => f.ruleId)).not.toContain('namespace-mtls-not-strict');
    expect(explicit.clusters[0]!.findings.map((f) => f.ruleId)).toContain('quota-serviceentry-missing');
  });

  it('outside a repository looks only in the working directory', async () => {
    const outside = writeTree(tempDir(), { '.istio-isolation-scanner.yaml': config, 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com') });
    const run = await scanner(['scan', '.', '--format', 'json', '--fail-on', 'none'], { cwd: join(outside, 'k8s') });
    expect(run.stderr).not.toContain('Using configuration');
    expect((JSON.parse(run.stdout) as JsonReport).clusters[0]!.findings.map((f) => f.ruleId)).toContain('exportto-missing');
  });

  it('reports a broken discovered file as a usage error naming it (exit 2)', async () => {
    const dir = writeTree(tempDir(), { '.istio-isolation-scanner.yaml': 'supressions: []\n', 'se.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await scanner(['scan', 'se.yaml'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/\.istio-isolation-scanner\.yaml:1: supressions is not a known setting/);
  });
});

describe('npm run from another directory', () => {
  it('resolves relative paths against the directory npm was run in, and -s keeps stdout pure JSON', async () => {
    const dir = writeTree(tempDir(), { 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com') });
    const run = await npm(['--prefix', repoRoot, 'run', '-s', 'scan', '--', 'k8s', '--format', 'json', '--fail-on', 'none', '--output', 'sarif=out.sarif'], dir);
    expect(run.stderr).not.toMatch(/nothing could be read/);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.clusters[0]!.cluster.name).toBe('k8s');
    expect(report.clusters[0]!.findings.find((f) => f.ruleId === 'exportto-missing')?.source?.file).toBe('k8s/se.yaml');
    expect(existsSync(join(dir, 'out.sarif'))).toBe(true);
  });

  it('without -s npm prints its banner on stdout, which is why CI recipes use --output (or npm run -s)', async () => {
    const dir = writeTree(tempDir(), { 'k8s/se.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await npm(['--prefix', repoRoot, 'run', 'scan', '--', 'k8s', '--fail-on', 'none', '--output', 'json=report.json'], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\n?> istio-isolation-scanner@/);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toHaveProperty('clusters');
  });
});

describe('a reader that closes standard output early', () => {
  it('(scan --format json | head) stops writing without a crash and keeps the exit code of the gate', async () => {
    const dir = writeTree(tempDir(), { 'k8s/ok.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const child = spawn(process.execPath, [binPath, 'scan', 'k8s', '--tenant', 'team-a', '--format', 'json'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.ts:\d+/);
    expect(status).toBe(0);
  });
});
