/**
 * `scan --format html --output report.html` through the real CLI (the command the README
 * shows), and the renderer and layout library loaded only when HTML is asked for.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../../../src/report/json.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function cli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('scan --format html', () => {
  it('writes one self-contained page for the demo fleet, with its graphs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-html-cli-'));
    const file = join(dir, 'report.html');
    const run = cli(['scan', '--format', 'html', '--output', file, '--output', `json=${join(dir, 'report.json')}`]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Wrote the html report to ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // One graph per demo cluster with tenants, one node per tenant namespace (the JSON report counts them).
    const clusters = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonReport).clusters;
    const withTenants = clusters.filter((cluster) => cluster.tenantNamespaces > 0);
    expect(withTenants.length).toBeGreaterThanOrEqual(3);
    expect(html.match(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="exposure-graph"/g)).toHaveLength(withTenants.length);
    expect(html.match(/<g class="node tenant/g)).toHaveLength(clusters.reduce((sum, cluster) => sum + cluster.tenantNamespaces, 0));
  });

  it('takes the format from the file name, and also writes next to other formats', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-html-cli-'));
    const run = cli(['scan', '--output', join(dir, 'report.html'), '--output', `json=${join(dir, 'report.json')}`]);
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<section id="findings">');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toHaveProperty('clusters');
  });
});

describe('lazy loading', () => {
  it('imports the HTML renderer and elkjs only dynamically, so other formats never load them', () => {
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
    })(join(root, 'src'));
    const staticImports = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gm)].map((match) => ({ file: relative(root, file), specifier: match[1]! }));
    });
    const offenders = staticImports.filter(({ file, specifier }) => {
      if (specifier.startsWith('elkjs')) return !specifier.endsWith('elk-api.js') || !/import type/.test(readFileSync(join(root, file), 'utf8'));
      return /html\/(render|layout)\.js$/.test(specifier) && !file.startsWith('src/report/html/');
    });
    expect(offenders).toEqual([]);
    expect(readFileSync(join(root, 'src/report/formats.ts'), 'utf8')).toContain("await import('./html/render.js')");
    expect(readFileSync(join(root, 'src/report/html/layout.ts'), 'utf8')).toContain("await import('elkjs/lib/elk.bundled.js')");
  });
});
