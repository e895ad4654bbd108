/**
 * The GitHub Action as a runner runs it: action.yml's `runs.main`, bundled by
 * `npm run build:action` into a copy of the repository (what `uses: owner/repo@tag` checks
 * out), started with the environment GitHub Actions sets (INPUT_*, GITHUB_WORKSPACE,
 * GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP) in a workspace with a pull request's
 * manifests. Checks the job summary, the annotations, the SARIF file, the outputs and the
 * exit code.
 */
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { annotationCommands, escapeData, escapeProperty, inputList } from '../../src/cli/github-action.js';
import type { JsonReport } from '../../src/report/json.js';
import { repoRoot, runCommand, scanner } from '../helpers/cli.js';
import { CORRECT_TENANT_SERVICE_ENTRY, serviceEntry, tempDir, writeTree } from '../helpers/ci-fixtures.js';

jest.setTimeout(300_000);

interface ActionMetadata {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const metadata = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionMetadata;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object);

/** A checkout of the action's repository at a release: action.yml, package.json and the bundle. */
let actionDir: string;

beforeAll(() => {
  actionDir = tempDir('iis-action-');
  copyFileSync(join(repoRoot, 'action.yml'), join(actionDir, 'action.yml'));
  copyFileSync(join(repoRoot, 'package.json'), join(actionDir, 'package.json'));
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-action.mjs'), join(actionDir, metadata.runs.main)], { cwd: repoRoot, stdio: 'pipe' });
});

interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
}

/** Runs the action's main file as the runner does: cwd = workspace, inputs as INPUT_<NAME> (hyphens kept). */
async function runAction(workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
  const runnerTemp = join(workspace, '..', 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  const summaryFile = join(runnerTemp, 'step-summary.md');
  const outputFile = join(runnerTemp, 'output.txt');
  writeFileSync(summaryFile, '## Earlier step\n\n');
  writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: runnerTemp, GITHUB_EVENT_NAME: 'pull_request' };
  for (const [name, input] of Object.entries(metadata.inputs)) env[`INPUT_${name.toUpperCase()}`] = input.default ?? '';
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const run = await runCommand(process.execPath, [join(actionDir, metadata.runs.main)], { cwd: workspace, env });
  const outputs = Object.fromEntries(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  return { ...run, summary: readFileSync(summaryFile, 'utf8'), outputs };
}

function workspaceWith(files: Record<string, string>): string {
  const workspace = join(tempDir('iis-gh-'), 'repo');
  writeTree(workspace, files);
  mkdirSync(join(workspace, '.git'));
  return workspace;
}

describe('action.yml', () => {
  it('runs the compiled entry on the node24 runtime and has the inputs and outputs CI needs', () => {
    expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/action/index.js' });
    for (const input of ['paths', 'tenant', 'against', 'removed', 'baseline', 'fail-on', 'config', 'sarif-file', 'working-directory']) expect(Object.keys(metadata.inputs)).toContain(input);
    for (const [name, input] of Object.entries(metadata.inputs)) {
      expect([name, input.required ?? false]).toEqual([name, false]);
      expect(input.description.length).toBeGreaterThan(10);
    }
    expect(Object.keys(metadata.outputs).sort()).toEqual(['exit-code', 'failing-findings', 'sarif-file']);
  });
});

describe('the action on a pull request', () => {
  it('fails on a leak the tenant introduces: an error annotation on the line, the job summary, SARIF and outputs', async () => {
    const workspace = workspaceWith({ 'k8s/team a #1.yaml': serviceEntry('team-a', 'open', 'api.example.com', ['*']), 'k8s/ok.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await runAction(workspace, { paths: 'k8s', tenant: 'team-a', 'sarif-file': 'out/scan.sarif' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error file=k8s/team a #1.yaml,line=1,title=exportto-wildcard (high) fails the gate::ServiceEntry team-a/open sets exportTo');
    expect(run.stdout.match(/^::error /gm)).toHaveLength(1);
    // Cluster-level context is shown, never raised as an error.
    expect(run.stdout).toMatch(/^::notice title=admission-exportto-policy-missing \(high\)::/m);
    expect(run.summary.startsWith('## Earlier step\n\n## Istio isolation scan')).toBe(true);
    expect(run.summary).toContain('**Gate failed:** 1 finding(s) at or above high fail it.');
    expect(run.outputs).toEqual({ 'sarif-file': 'out/scan.sarif', 'failing-findings': '1', 'exit-code': '1' });
    const sarif = JSON.parse(readFileSync(join(workspace, 'out/scan.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }> }> }> };
    if (!validateSarif(sarif)) throw new Error(JSON.stringify(validateSarif.errors));
    const result = sarif.runs[0]!.results.find((r) => r.ruleId === 'exportto-wildcard')!;
    const location = result.locations[0]!.physicalLocation.artifactLocation;
    expect(location).toEqual({ uri: 'k8s/team%20a%20%231.yaml', uriBaseId: '%SRCROOT%' });
    expect(fileURLToPath(new URL(location.uri, `file://${workspace}/`))).toBe(join(workspace, 'k8s/team a #1.yaml'));
    for (const r of sarif.runs[0]!.results) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBeTruthy();
  });

  it('passes a tenant folder whose only problems are cluster-level', async () => {
    const workspace = workspaceWith({ 'k8s/ok.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await runAction(workspace, { paths: 'k8s', tenant: 'team-a' });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(run.summary).toContain('**Gate passed:**');
    expect(run.outputs['failing-findings']).toBe('0');
  });

  it('gates a change against a base snapshot on what it introduces only', async () => {
    const workspace = workspaceWith({
      'base/cluster.yaml': [serviceEntry('team-a', 'old', 'old.example.com'), serviceEntry('team-b', 'other', 'other.example.com')].join('---\n'),
      'pr/stripe.yaml': serviceEntry('team-a', 'stripe', 'api.stripe.com', ['.']),
    });
    const snapshot = await scanner(['snapshot', 'base', '--output', 'cluster.json'], { cwd: workspace });
    expect(snapshot.status).toBe(0);
    const clean = await runAction(workspace, { paths: 'pr', tenant: 'team-a', against: 'cluster.json' });
    expect(clean.status).toBe(0);
    expect(clean.summary).toContain('Compared with snapshot cluster.json');
    writeTree(workspace, { 'pr/leak.yaml': serviceEntry('team-a', 'leak', 'leak.example.com') });
    const leaking = await runAction(workspace, { paths: 'pr', tenant: 'team-a', against: 'cluster.json' });
    expect(leaking.status).toBe(1);
    expect(leaking.stdout).toMatch(/^::error file=pr\/leak\.yaml,line=1,title=exportto-missing \(high\) fails the gate::/m);
    expect(leaking.stdout).not.toMatch(/^::error [^\n]*old/m);
  });

  it('fails with exit code 2 and an error annotation when the scan cannot run', async () => {
    const workspace = workspaceWith({ 'k8s/ok.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await runAction(workspace, { paths: 'missing-folder', 'fail-on': 'high' });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('::error title=istio-isolation-scanner::The scan could not run (exit code 2)');
    expect(run.stderr).toContain('nothing could be read from missing-folder');
  });
});

describe('workflow commands', () => {
  it('escape data and properties, so hostile text cannot forge a command or a property', () => {
    expect(escapeData('50% done\r\n::error::forged')).toBe('50%25 done%0D%0A::error::forged');
    expect(escapeProperty('a,b:c\nd')).toBe('a%2Cb%3Ac%0Ad');
    expect(inputList('k8s\n  charts/a \n')).toEqual(['k8s', 'charts/a']);
    expect(inputList('k8s charts')).toEqual(['k8s', 'charts']);
  });

  it('cap annotations per level, failing findings first, and never name a file outside the workspace', () => {
    const finding = (n: number, failsGate: boolean, file = 'k8s/a.yaml') => ({ findingId: n.toString(16).padStart(32, '0'), ruleId: 'exportto-missing', severity: 'high', category: 'exposure', title: 't', message: `m${n}\n::error::x`, namespace: 'team-a', resource: null, affectedNamespaces: [], affectedNamespaceCount: 0, evidence: {}, remediation: 'r', fix: null, suppressed: false, suppressionReason: '', source: { file, line: n + 1 }, failsGate });
    const findings = [...Array.from({ length: 15 }, (_, n) => finding(n, false)), ...Array.from({ length: 12 }, (_, n) => finding(100 + n, true)), finding(999, true, '../elsewhere.yaml')];
    const report = { scanId: 's', scanner: { version: '1' }, clusters: [{ cluster: { name: 'c' }, findings }] } as unknown as JsonReport;
    const lines = annotationCommands(report, '/ws', '/ws');
    expect(lines.filter((l) => l.startsWith('::error')).length).toBe(10);
    expect(lines.filter((l) => l.startsWith('::warning')).length).toBe(10);
    expect(lines.indexOf(lines.find((l) => l.startsWith('::warning'))!)).toBeGreaterThan(lines.indexOf(lines.find((l) => l.startsWith('::error'))!));
    expect(lines.at(-1)).toBe('::notice title=istio-isolation-scanner::8 more finding(s) are in the job summary and the SARIF report (GitHub shows 10 annotations of each level per step).');
    for (const line of lines) expect(line).not.toContain('\n');
    expect(lines.some((l) => l.includes('elsewhere'))).toBe(false);
  });
});
