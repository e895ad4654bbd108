/**
 * The README's "In CI" recipes, run as written: the shell blocks in bash with
 * `istio-isolation-scanner` on PATH (the real binary), real git and `kubectl kustomize`, and a
 * Kubernetes API server (the protocol double) as the cluster; the workflow and pipeline YAML
 * blocks parsed and checked against action.yml and the Azure Pipelines template they use.
 *
 * helm cannot be installed on the machines this project runs on (no Debian or npm package),
 * so the `helm` on PATH here is a stand-in that prints a chart rendered in `helm template`'s
 * output format (`---`, `# Source:` comments, no namespaces); everything after the pipe is real.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { parse } from 'yaml';
import type { JsonReport } from '../../src/report/json.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { binPath, repoRoot, runCommand, type CliRun } from '../helpers/cli.js';
import { CORRECT_TENANT_SERVICE_ENTRY, serviceEntry, tempDir, writeTree } from '../helpers/ci-fixtures.js';

jest.setTimeout(300_000);

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The code block after `<!-- ci-recipe: NAME -->` in the README. */
function recipe(name: string): string {
  const match = new RegExp(`<!-- ci-recipe: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README has no recipe ${name}`);
  return match[1]!;
}

/** A PATH with the scanner command (the repository's binary on this Node 22) and the helm stand-in. */
function toolsDir(chart: string): string {
  const dir = tempDir('iis-tools-');
  writeFileSync(join(dir, 'istio-isolation-scanner'), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`);
  writeFileSync(join(dir, 'chart.yaml'), chart);
  writeFileSync(join(dir, 'helm'), `#!/bin/sh\n# Stand-in for helm (not installable here): prints the chart as 'helm template' renders it.\n[ "$1" = template ] || { echo "helm stand-in: only 'template' is supported" >&2; exit 64; }\ncat "${join(dir, 'chart.yaml')}"\n`);
  for (const tool of ['istio-isolation-scanner', 'helm']) chmodSync(join(dir, tool), 0o755);
  return dir;
}

function bash(script: string, cwd: string, tools: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const env = { ...process.env, ...extraEnv, PATH: [tools, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter), NO_COLOR: '1', GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@example.com' };
  return runCommand('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env });
}

/** `helm template`'s output format: a `---` and a `# Source:` comment per document, no namespace. */
function renderedChart(exportTo: string): string {
  return ['---', '# Source: payments/templates/serviceentry.yaml', serviceEntry('team-a', 'payments-psp', 'psp.example.com', [exportTo]).replace('  namespace: team-a\n', '')].join('\n');
}

function tenantRepository(): string {
  const repo = join(tempDir('iis-tenant-'), 'repo');
  writeTree(repo, {
    '.istio-isolation-scanner.yaml': 'tenant: [team-a]\n',
    'k8s/stripe.yaml': CORRECT_TENANT_SERVICE_ENTRY,
    'charts/payments/Chart.yaml': 'apiVersion: v2\nname: payments\nversion: 0.1.0\n',
    'overlays/base/kustomization.yaml': 'resources: [maps.yaml]\n',
    'overlays/base/maps.yaml': serviceEntry('placeholder', 'maps', 'maps.example.com', ['.']).replace('  namespace: placeholder\n', ''),
    'overlays/prod/kustomization.yaml': 'namespace: team-a\nresources: [../base]\n',
  });
  mkdirSync(join(repo, '.git'));
  return repo;
}

describe('README recipe: a tenant repository', () => {
  it('scans the folder, a rendered chart and a kustomize overlay with the repository\'s tenant, all passing', async () => {
    const repo = tenantRepository();
    const run = await bash(recipe('tenant-repo'), repo, toolsDir(renderedChart('.')));
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.status).toBe(0);
    expect(XMLValidator.validate(readFileSync(join(repo, 'reports/junit.xml'), 'utf8'))).toBe(true);
    expect(readFileSync(join(repo, 'reports/comment.md'), 'utf8')).toContain('**Gate passed:**');
    expect(existsSync(join(repo, 'reports/results.sarif'))).toBe(true);
    const chart = JSON.parse(readFileSync(join(repo, 'reports/chart.json'), 'utf8')) as JsonReport;
    // Objects of the rendered chart have no namespace: they land in the tenant's.
    expect(chart.clusters[0]!.cluster.name).toBe('stdin');
    expect(chart.clusters[0]!.scope?.tenants).toEqual(['team-a']);
    const overlay = JSON.parse(readFileSync(join(repo, 'reports/overlay.json'), 'utf8')) as JsonReport;
    expect(overlay.clusters[0]!.resourceCounts.ServiceEntry).toBe(1);
    // kustomize put the overlay's object into team-a: nothing was outside the tenant.
    expect(run.stderr).not.toContain('outside the tenant namespaces');
    expect(overlay.clusters[0]!.scope?.outOfScope).toBe(0);
  });

  it('fails the pipeline when the chart leaks (exportTo "*"), with the finding on <stdin>', async () => {
    const repo = tenantRepository();
    const run = await bash(recipe('tenant-repo'), repo, toolsDir(renderedChart('*')));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('finding(s) at or above high: exit code 1');
    expect(existsSync(join(repo, 'reports/overlay.json'))).toBe(false);
    const chart = JSON.parse(readFileSync(join(repo, 'reports/chart.json'), 'utf8')) as JsonReport;
    const failing = chart.clusters[0]!.findings.filter((f) => f.failsGate);
    expect(failing.map((f) => [f.ruleId, f.resource?.namespace, f.source?.file])).toEqual([['exportto-wildcard', 'team-a', '<stdin>']]);
  });
});

describe('README recipe: a pull-request gate against the cluster', () => {
  let cluster: KubeApiServerDouble;
  const mainBranch = {
    'k8s/stripe.yaml': CORRECT_TENANT_SERVICE_ENTRY,
    'k8s/legacy.yaml': serviceEntry('team-a', 'legacy', 'legacy.example.com'),
  };

  beforeAll(async () => {
    // The cluster runs what main holds, plus another tenant.
    const objects = [...Object.values(mainBranch), serviceEntry('team-b', 'other', 'other.example.com', ['.'])].map((text) => parse(text) as Record<string, unknown>);
    cluster = await startKubeApiServerDouble({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } }, ...objects] });
  });
  afterAll(async () => {
    await cluster.close();
  });

  async function pullRequest(change: (repo: string) => void): Promise<{ repo: string; run: CliRun }> {
    const repo = join(tempDir('iis-pr-'), 'repo');
    writeTree(repo, mainBranch);
    writeFileSync(join(repo, '..', 'kubeconfig'), cluster.kubeconfigYaml('prod'), { mode: 0o600 });
    const tools = toolsDir('');
    const setup = await bash('git init -q -b main . && git add -A && git commit -qm main && git update-ref refs/remotes/origin/main HEAD && git checkout -qb feature', repo, tools);
    expect(setup.status).toBe(0);
    change(repo);
    expect((await bash('git add -A && git commit -qm change', repo, tools)).status).toBe(0);
    const run = await bash(recipe('pr-gate'), repo, tools, { KUBECONFIG: join(repo, '..', 'kubeconfig') });
    return { repo, run };
  }

  it('passes a PR that deletes the legacy leak, and lists it as resolved', async () => {
    const { repo, run } = await pullRequest((dir) => rmSync(join(dir, 'k8s/legacy.yaml')));
    expect(run.stderr).toContain('Saved a snapshot of prod');
    expect(run.stderr).toContain('0 object(s) added, 1 replaced, 1 removed');
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(join(repo, 'report.json'), 'utf8')) as JsonReport;
    expect(report.clusters[0]!.comparison!.resolved.map((f) => `${f.ruleId} ${f.resource?.name}`)).toContain('exportto-missing legacy');
    expect(readFileSync(join(repo, 'comment.md'), 'utf8')).toContain('resolved finding(s)');
    expect(existsSync(join(repo, 'results.sarif'))).toBe(true);
    expect(readFileSync(join(repo, 'removed/k8s/legacy.yaml'), 'utf8')).toBe(mainBranch['k8s/legacy.yaml']);
  });

  it('fails a PR that widens an export, on that finding only (the old leak it keeps does not count)', async () => {
    const { repo, run } = await pullRequest((dir) => writeFileSync(join(dir, 'k8s/stripe.yaml'), serviceEntry('team-a', 'stripe', 'api.stripe.com', ['*'])));
    expect(run.status).toBe(1);
    const cluster = (JSON.parse(readFileSync(join(repo, 'report.json'), 'utf8')) as JsonReport).clusters[0]!;
    expect(cluster.findings.filter((f) => f.failsGate).map((f) => `${f.ruleId} ${f.resource?.name ?? f.namespace}`)).toEqual(expect.arrayContaining(['exportto-wildcard stripe']));
    expect(cluster.findings.find((f) => f.ruleId === 'exportto-missing' && f.resource?.name === 'legacy')).toMatchObject({ baselineState: 'unchanged', failsGate: false });
  });
});

describe('README recipes for CI services', () => {
  const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };

  it('the GitHub workflow uses the action with inputs it declares and uploads the SARIF file it writes', () => {
    const workflow = parse(recipe('github-workflow')) as { on: string; permissions: Record<string, string>; jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string>; if?: string }> }> };
    expect(workflow.permissions['security-events']).toBe('write');
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const scan = steps.find((step) => step.uses?.startsWith('istio-isolation-scanner/istio-isolation-scanner@'))!;
    for (const input of Object.keys(scan.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with!.sarif_file).toBe(scan.with!['sarif-file'] ?? action.inputs['sarif-file']!.default);
  });

  it('the Azure pipeline uses the template of this repository with parameters it declares', () => {
    const pipeline = parse(recipe('azure-pipeline')) as { resources: { repositories: Array<{ repository: string }> }; steps: Array<{ template?: string; parameters?: Record<string, string> }> };
    const step = pipeline.steps.find((s) => s.template)!;
    const [path, alias] = step.template!.split('@');
    expect(pipeline.resources.repositories.map((r) => r.repository)).toContain(alias);
    const template = parse(readFileSync(join(repoRoot, path!), 'utf8')) as { parameters: Array<{ name: string }> };
    for (const parameter of Object.keys(step.parameters ?? {})) expect(template.parameters.map((p) => p.name)).toContain(parameter);
  });
});
