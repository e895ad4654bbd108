/**
 * The CLI bundle the installed package's bin runs (dist/cli/, scripts/build-cli.mjs): built
 * into a package-shaped folder (package.json, node_modules, demo), it must load nothing but its
 * own chunks, Node's modules and the package's production dependencies, and scan exactly as the
 * TypeScript sources do.
 */
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonReport } from '../../src/report/json.js';
import { repoRoot, scanner } from '../helpers/cli.js';
import { serviceEntry, tempDir, writeTree } from '../helpers/ci-fixtures.js';

jest.setTimeout(120_000);

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

let packageDir: string;
let bundleDir: string;

beforeAll(() => {
  packageDir = tempDir('iis-cli-bundle-');
  copyFileSync(join(repoRoot, 'package.json'), join(packageDir, 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
  symlinkSync(join(repoRoot, 'demo'), join(packageDir, 'demo'), 'dir');
  bundleDir = join(packageDir, 'dist/cli');
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-cli.mjs'), bundleDir], { cwd: repoRoot, stdio: 'pipe' });
});

/** Every module specifier the bundle's files import, statically or on first use. */
function importedSpecifiers(): Set<string> {
  const specifiers = new Set<string>();
  for (const file of readdirSync(bundleDir).filter((name) => name.endsWith('.js'))) {
    const code = readFileSync(join(bundleDir, file), 'utf8');
    // esbuild writes static imports as statements at the start of a line, dynamic ones as import("...").
    for (const match of code.matchAll(/^(?:import|export)\b[^;"]*?(?:from\s*)?"([^"]+)"|\bimport\("([^"]+)"\)/gm)) specifiers.add((match[1] ?? match[2])!);
  }
  return specifiers;
}

/** The findings of each cluster of a JSON report, without what differs between two runs (times, ids, where the package is). */
function findingsOf(reportPath: string, packageRoot: string): unknown {
  const report = JSON.parse(readFileSync(reportPath, 'utf8').replaceAll(`${packageRoot}/`, '<package>/')) as JsonReport;
  return report.clusters.map((cluster) => ({ cluster: cluster.cluster, status: cluster.status, findings: cluster.findings }));
}

describe('the CLI bundle', () => {
  it('loads only its own chunks, Node modules and production dependencies', () => {
    const specifiers = importedSpecifiers();
    const chunks = new Set(readdirSync(bundleDir).map((name) => `./${name}`));
    const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
    const outside = [...specifiers].filter((s) => !chunks.has(s) && !s.startsWith('node:') && !(packageOf(s) in packageJson.dependencies));
    expect(outside).toEqual([]);
    // The fleet command and the output formats stay chunks of their own, loaded on first use.
    expect(readFileSync(join(bundleDir, 'main.js'), 'utf8')).not.toContain('@kubernetes/client-node');
    expect([...specifiers].some((s) => chunks.has(s))).toBe(true);
  });

  it('prints the package version', async () => {
    const run = await scanner(['--version'], { entry: join(bundleDir, 'main.js') });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(packageJson.version);
  });

  it('scans the demo fleet and manifests exactly as the sources do', async () => {
    const files = { 'k8s/se.yaml': serviceEntry('team-a', 'open', 'api.example.com') };
    for (const args of [['scan', '--fail-on', 'high'], ['scan', 'k8s', '--no-config']]) {
      const [bundleCwd, sourcesCwd] = [writeTree(tempDir(), files), writeTree(tempDir(), files)];
      const fromBundle = await scanner([...args, '--output', 'json=report.json'], { cwd: bundleCwd, entry: join(bundleDir, 'main.js') });
      const fromSources = await scanner([...args, '--output', 'json=report.json'], { cwd: sourcesCwd });
      expect(fromBundle.stderr).toBe(fromSources.stderr);
      expect(fromBundle.stdout).toBe(fromSources.stdout);
      expect(fromBundle.status).toBe(1);
      expect(fromSources.status).toBe(1);
      expect(findingsOf(join(bundleCwd, 'report.json'), packageDir)).toEqual(findingsOf(join(sourcesCwd, 'report.json'), repoRoot));
    }
  });

  it('loads its other chunks on first use: the rules command and every output format', async () => {
    const entry = join(bundleDir, 'main.js');
    const [rulesFromBundle, rulesFromSources] = [await scanner(['rules'], { entry }), await scanner(['rules'])];
    expect(rulesFromBundle.status).toBe(0);
    expect(rulesFromBundle.stdout).toBe(rulesFromSources.stdout);
    const formats = ['table', 'json', 'sarif', 'markdown', 'html', 'junit'];
    const dir = tempDir();
    const run = await scanner(['scan', ...formats.flatMap((format) => ['--output', `${format}=report.${format}`])], { cwd: dir, entry });
    expect(run.status).toBe(0);
    for (const format of formats) expect(run.stderr).toContain(`Wrote the ${format} report to report.${format}`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<svg');
  });
});
