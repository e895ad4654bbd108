/**
 * What `azd deploy` uploads to the Flex Consumption app, and whether it builds there. azd
 * deploys Functions with a remote build (azure.yaml `remoteBuild: true`): it zips the project
 * less what .funcignore lists, and the platform runs `npm install` + `npm run build` on Linux.
 * This test copies exactly the files .funcignore keeps, adds node_modules (standing in for the
 * remote `npm install`), runs the build script's `tsc -p tsconfig.build.json` there and loads
 * the entry point, so an excluded source folder or tsconfig fails here instead of in Azure.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';
import { readRepoFile, readRepoJson, repoPath, repoRoot } from './helpers.js';

const ignorePatterns = readRepoFile('.funcignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** .funcignore uses only anchored top-level entries ("/name", "/name/", "/glob*"): matched on the entry name. */
function isIgnored(entryName: string, isDirectory: boolean): boolean {
  return ignorePatterns.some((pattern) => {
    const directoryOnly = pattern.endsWith('/');
    const glob = pattern.slice(1, directoryOnly ? -1 : undefined);
    return (!directoryOnly || isDirectory) && minimatch(entryName, glob, { dot: true });
  });
}

const keptEntries = readdirSync(repoRoot, { withFileTypes: true })
  .filter((entry) => !isIgnored(entry.name, entry.isDirectory()))
  .map((entry) => entry.name)
  .sort();

describe('.funcignore', () => {
  it('uses only anchored top-level patterns (what isIgnored understands)', () => {
    for (const pattern of ignorePatterns) expect(pattern).toMatch(/^\/[^/]+\/?$/);
  });

  it('leaves out node_modules (rebuilt remotely on Linux) and keeps what the remote build needs', () => {
    const azureYaml = parse(readRepoFile('azure.yaml')) as { services: { scanner: { remoteBuild?: boolean } } };
    expect(azureYaml.services.scanner.remoteBuild).toBe(true);
    expect(keptEntries).not.toContain('node_modules');
    expect(keptEntries).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'host.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'functions']));
  });

  it('uploads no tests, infrastructure, local settings or tooling', () => {
    for (const name of ['test', 'infra', 'docs', 'scripts', 'local.settings.sample.json', 'local.settings.json', '.git', '.tools', 'dist']) {
      expect(isIgnored(name, !name.includes('.json'))).toBe(true);
    }
  });
});

describe('the uploaded project', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'iis-funcpkg-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('builds with the build script and its entry point registers the three Functions', () => {
    for (const name of keptEntries) cpSync(repoPath(name), join(workDir, name), { recursive: true });
    symlinkSync(repoPath('node_modules'), join(workDir, 'node_modules'), 'dir');

    const packageJson = readRepoJson<{ main: string; scripts: { build: string } }>('package.json');
    expect(packageJson.scripts.build).toBe('tsc -p tsconfig.build.json');
    execFileSync(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: workDir, stdio: 'pipe' });
    expect(existsSync(join(workDir, packageJson.main))).toBe(true);

    // Outside the Functions host, @azure/functions runs in "test mode" and names each registration it skips.
    const load = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(`./${packageJson.main}`)});`], { cwd: workDir, encoding: 'utf8' });
    expect(load.status).toBe(0);
    for (const name of ['scheduleFleetScan', 'scanCluster', 'recordFailedScan']) expect(load.stderr).toContain(`register function "${name}"`);
  }, 120_000);
});
