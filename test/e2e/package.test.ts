/**
 * Packaging, end to end: `npm pack` of a copy of the repository (its prepack builds the
 * compiled output and the CLI bundle), the tarball installed into an empty folder with Node 22
 * first on PATH, and `istio-isolation-scanner` run from there on the demo and on manifests: no
 * tsx, no dev dependencies, no sources. Then the Azure Pipelines template
 * (ci/azure-pipelines/istio-isolation-scanner.yml) is parsed, checked and its steps run as an
 * agent would, installing that same tarball, so the template and the package are proven
 * together.
 *
 * Offline, as CI runs: npm runs with `offline` (cache only, never the network). The install
 * folder gets a lockfile pinning the production dependencies to the repository's lockfile, so
 * they come from the cache the repository's own `npm ci` filled, at the versions it tested.
 */
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse } from 'yaml';
import { repoRoot, runCommand, type CliRun } from '../helpers/cli.js';
import { CORRECT_TENANT_SERVICE_ENTRY, serviceEntry, tempDir, writeTree } from '../helpers/ci-fixtures.js';

jest.setTimeout(600_000);

const node22Path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; files: string[]; scripts: Record<string, string>; bin: Record<string, string> };

/** npm reads only its cache: the tests must pass without a network. */
const offlineNpm = { npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

interface LockEntry {
  dev?: boolean;
  link?: boolean;
  version?: string;
  license?: string;
  dependencies?: Record<string, string>;
  engines?: Record<string, string>;
  bin?: Record<string, string>;
}

/**
 * An empty install folder that depends on the tarball, with a lockfile holding the
 * repository's production dependencies as its own lockfile resolved them (dev ones left out).
 */
function pinnedInstallFolder(dir: string, tarballPath: string): string {
  mkdirSync(dir, { recursive: true });
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const root = lock.packages['']!;
  const spec = `file:${tarballPath}`;
  const packages: Record<string, unknown> = {
    '': { dependencies: { [packageJson.name]: spec } },
    [`node_modules/${packageJson.name}`]: { version: packageJson.version, resolved: spec, license: root.license, dependencies: root.dependencies, engines: root.engines, bin: root.bin },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path && !entry.dev && !entry.link) packages[path] = entry;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { [packageJson.name]: spec } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'install', lockfileVersion: 3, requires: true, packages }, null, 2));
  return dir;
}

function npm(args: string[], cwd: string): Promise<CliRun> {
  const npmCli = process.env.npm_execpath;
  const env = { ...process.env, PATH: node22Path, ...offlineNpm };
  return npmCli ? runCommand(process.execPath, [npmCli, ...args], { cwd, env }) : runCommand('npm', args, { cwd, env });
}

let tarball: string;
let packedFiles: string[];

beforeAll(async () => {
  // A copy of what a clean checkout has (the repository's own dist/ must not leak in), with the
  // installed node_modules for the build tools.
  const work = tempDir('iis-pack-');
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'scripts', 'src', 'functions', 'demo']) cpSync(join(repoRoot, entry), join(work, entry), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
  const out = tempDir('iis-tarball-');
  const pack = await npm(['pack', '--json', '--pack-destination', out], work);
  expect(pack.status).toBe(0);
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(out, info!.filename);
  packedFiles = info!.files.map((file) => file.path);
});

describe('npm pack', () => {
  it('builds the compiled output before packing and ships it with the bin, the demo and no sources', () => {
    expect(packageJson.scripts.prepack).toBe('npm run build && npm run build:cli');
    expect(existsSync(tarball)).toBe(true);
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/istio-isolation-scanner.js', 'dist/cli/main.js', 'dist/src/cli/main.js', 'demo/aks-contaminated/tenants.yaml']));
    for (const path of packedFiles) expect(path).not.toMatch(/^(src|test|node_modules|bench|scripts)\/|\.map$|\.ts$|tsconfig/);
  });
});

describe('the packed package installed into an empty folder', () => {
  let prefix: string;

  beforeAll(async () => {
    prefix = pinnedInstallFolder(tempDir('iis-install-'), tarball);
    const install = await npm(['ci', '--omit=dev'], prefix);
    expect(install.stderr).not.toMatch(/EBADENGINE|ERR!/);
    expect(install.status).toBe(0);
  });

  const installed = (args: string[], cwd: string) => runCommand(join(prefix, 'node_modules/.bin/istio-isolation-scanner'), args, { cwd, env: { ...process.env, PATH: node22Path, NO_COLOR: '1' } });

  it('has no tsx, no dev dependency and no TypeScript sources', () => {
    for (const dev of ['tsx', 'typescript', 'jest', 'esbuild', 'eslint']) expect(existsSync(join(prefix, 'node_modules', dev))).toBe(false);
    expect(existsSync(join(prefix, 'node_modules/istio-isolation-scanner/src'))).toBe(false);
    expect(existsSync(join(prefix, 'node_modules/istio-isolation-scanner/dist/cli/main.js'))).toBe(true);
  });

  it('runs istio-isolation-scanner on Node 22 from the compiled output: the demo fleet', async () => {
    const version = await installed(['--version'], prefix);
    expect(version.stdout.trim()).toBe(packageJson.version);
    const run = await installed(['scan'], prefix);
    expect(run.status).toBe(0);
    for (const cluster of ['aks-compliant', 'aks-contaminated', 'self-managed-istio']) expect(run.stdout).toContain(`Cluster ${cluster}`);
    const nodeVersion = await runCommand('node', ['--version'], { env: { ...process.env, PATH: node22Path } });
    expect(nodeVersion.stdout).toMatch(/^v22\./);
  });

  it('scans manifests and writes reports like the checkout does', async () => {
    const dir = writeTree(tempDir(), { 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com') });
    const run = await installed(['scan', 'k8s', '--output', 'json=r.json', '--output', 'sarif=r.sarif'], dir);
    expect(run.status).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { scanner: { version: string }; clusters: Array<{ findings: Array<{ ruleId: string }> }> };
    expect(report.scanner.version).toBe(packageJson.version);
    expect(report.clusters[0]!.findings.map((f) => f.ruleId)).toContain('exportto-missing');
    expect(existsSync(join(dir, 'r.sarif'))).toBe(true);
  });
});

interface PipelineStep {
  task?: string;
  bash?: string;
  displayName: string;
  condition?: string;
  workingDirectory?: string;
  env?: Record<string, string>;
  inputs?: Record<string, string | boolean>;
}

interface PipelineTemplate {
  parameters: Array<{ name: string; type: string; default: string; values?: string[] }>;
  steps: PipelineStep[];
}

const templateText = readFileSync(join(repoRoot, 'ci/azure-pipelines/istio-isolation-scanner.yml'), 'utf8');
const template = parse(templateText) as PipelineTemplate;

/** Template expressions and macros as Azure Pipelines expands them for this run. */
function expand(text: string, parameters: Record<string, string>, variables: Record<string, string>): string {
  return text
    .replace(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g, (_m, name: string) => {
      if (!(name in parameters)) throw new Error(`unknown parameter ${name}`);
      return parameters[name]!;
    })
    .replace(/\$\(([\w.]+)\)/g, (_m, name: string) => {
      if (!(name in variables)) throw new Error(`unknown variable ${name}`);
      return variables[name]!;
    });
}

interface AgentRun {
  results: Map<string, 'succeeded' | 'failed' | 'skipped'>;
  logs: string;
}

/** Runs the template's steps in order as an agent would (bash steps for real; tasks checked and emulated). */
async function runTemplate(values: Record<string, string>, workspace: string): Promise<AgentRun> {
  const parameters = Object.fromEntries(template.parameters.map((parameter) => [parameter.name, String(parameter.default)]));
  Object.assign(parameters, values);
  const variables = { 'Agent.TempDirectory': join(workspace, '..', 'agent-temp'), 'System.DefaultWorkingDirectory': workspace };
  mkdirSync(variables['Agent.TempDirectory'], { recursive: true });
  // The install step's folder, pinned (see pinnedInstallFolder): the step installs into it.
  pinnedInstallFolder(join(variables['Agent.TempDirectory'], 'istio-isolation-scanner'), parameters.scannerPackage!);
  const results = new Map<string, 'succeeded' | 'failed' | 'skipped'>();
  let failed = false;
  let logs = '';
  for (const step of template.steps) {
    const condition = step.condition ?? 'succeeded()';
    expect(['succeeded()', 'succeededOrFailed()']).toContain(condition);
    if (failed && condition === 'succeeded()') {
      results.set(step.displayName, 'skipped');
      continue;
    }
    let ok = true;
    if (step.bash !== undefined) {
      const env = { ...process.env, PATH: node22Path, NO_COLOR: '1', ...offlineNpm, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), parameters, variables)])) };
      const run = await runCommand('bash', ['-c', expand(step.bash, parameters, variables)], { cwd: step.workingDirectory ? expand(step.workingDirectory, parameters, variables) : workspace, env });
      logs += run.stdout + run.stderr;
      ok = run.status === 0;
    } else if (step.task === 'NodeTool@0') {
      expect(expand(String(step.inputs!.versionSpec), parameters, variables)).toBe('22.x');
    } else if (step.task === 'PublishTestResults@2') {
      const file = expand(String(step.inputs!.testResultsFiles), parameters, variables);
      const xml = readFileSync(file, 'utf8');
      ok = XMLValidator.validate(xml) === true;
      logs += `##published-tests ${file}\n`;
    } else if (step.task === 'PublishPipelineArtifact@1') {
      ok = existsSync(expand(String(step.inputs!.targetPath), parameters, variables));
    } else throw new Error(`step ${step.displayName} uses an unknown task ${step.task}`);
    results.set(step.displayName, ok ? 'succeeded' : 'failed');
    if (!ok) failed = true;
  }
  return { results, logs };
}

describe('Azure Pipelines template', () => {
  it('declares the parameters CI needs and publishes JUnit, SARIF and the summary even when the gate fails', () => {
    const names = template.parameters.map((parameter) => parameter.name);
    expect(names).toEqual(expect.arrayContaining(['paths', 'tenant', 'against', 'baseline', 'failOn', 'config', 'scannerPackage', 'nodeVersion', 'workingDirectory']));
    expect(template.parameters.find((p) => p.name === 'failOn')).toMatchObject({ default: 'high', values: ['critical', 'high', 'medium', 'low', 'info', 'none'] });
    const tests = template.steps.find((step) => step.task === 'PublishTestResults@2')!;
    expect(tests).toMatchObject({ condition: 'succeededOrFailed()', inputs: { testResultsFormat: 'JUnit', failTaskOnFailedTests: false } });
    const scan = template.steps.find((step) => step.bash?.includes('istio-isolation-scanner" "${args[@]}"'))!;
    expect(scan.bash).toContain('--output "junit=$reports/junit.xml"');
    expect(String(tests.inputs!.testResultsFiles)).toBe('$(Agent.TempDirectory)/istio-isolation-scanner/reports/junit.xml');
    expect(scan.bash).toContain('##vso[task.uploadsummary]');
    expect(template.steps.find((step) => step.inputs?.artifact === 'CodeAnalysisLogs')).toMatchObject({ condition: 'succeededOrFailed()' });
    // Every expression names a declared parameter (Azure refuses the template otherwise).
    for (const match of templateText.matchAll(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g)) expect(names).toContain(match[1]);
  });

  it('runs: installs the packed scanner, fails the job on a leak, and publishes JUnit with the failing finding', async () => {
    const workspace = join(tempDir('iis-azp-'), 's');
    writeTree(workspace, { 'k8s/open.yaml': serviceEntry('team-a', 'open', 'api.example.com', ['*']), 'k8s/ok.yaml': CORRECT_TENANT_SERVICE_ENTRY });
    const run = await runTemplate({ paths: 'k8s', tenant: 'team-a', scannerPackage: tarball }, workspace);
    expect(run.results.get('Install istio-isolation-scanner')).toBe('succeeded');
    expect(run.results.get('Scan with istio-isolation-scanner')).toBe('failed');
    expect(run.results.get('Publish scan results (JUnit)')).toBe('succeeded');
    expect(run.results.get('Publish SARIF (CodeAnalysisLogs)')).toBe('succeeded');
    expect(run.logs).toMatch(/##vso\[task\.uploadsummary\].*summary\.md/);
    expect(run.logs).toContain('##vso[task.logissue type=error]Findings fail the istio-isolation-scanner gate');
    const xml = readFileSync(join(workspace, '..', 'agent-temp/istio-isolation-scanner/reports/junit.xml'), 'utf8');
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml) as { testsuites: { failures: string; testsuite: Array<{ testcase: Array<{ name: string; failure?: unknown }> }> } };
    const failed = junit.testsuites.testsuite[0]!.testcase.filter((testcase) => testcase.failure).map((testcase) => testcase.name);
    expect(failed).toEqual(expect.arrayContaining(['exportto-wildcard: ServiceEntry team-a/open']));
  });
});
