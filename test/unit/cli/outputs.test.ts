/**
 * Outputs that cannot be turned against the reader: reports never land on what the scan
 * reads and are replaced whole (temporary file + rename); fix files stay inside their folder
 * whatever the names in the input, never go where scanned manifests live, and a re-run
 * removes the fix files it wrote earlier for objects that no longer need a fix.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli } from '../../../src/cli/program.js';
import { FIX_INDEX_FILE, safeSegment, writeFixTree } from '../../../src/report/fixes.js';
import { writeReportFile } from '../../../src/cli/write-report.js';
import { writeFileAtomically } from '../../../src/report/write-file.js';

async function cli(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTty: false, env: {}, cwd };
  const status = await runCli(['node', 'istio-isolation-scanner', ...args], io);
  return { status, stdout, stderr };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iis-outputs-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** Every file under `dir`, relative, dot files included. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const NAMESPACE = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
/** A ServiceEntry without exportTo: exportto-missing, whose fix is a merge patch adding exportTo ["."]. */
const OPEN_SERVICE_ENTRY = (name: string, namespace: string, exportTo = '') =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  hosts: [${name}.example.com]\n  resolution: DNS\n  ports: [{number: 443, name: https, protocol: TLS}]\n${exportTo ? `  exportTo: ${exportTo}\n` : ''}`;

describe('--output never destroys an input', () => {
  it.each([
    ['a manifest named on the command line', (dir: string) => ['scan', join(dir, 'k8s', 'ns.yaml'), '--output', join(dir, 'k8s', 'ns.yaml')], 'k8s/ns.yaml'],
    ['a manifest inside a scanned folder', (dir: string) => ['scan', join(dir, 'k8s'), '--output', join(dir, 'k8s', 'ns.yaml')], 'k8s/ns.yaml'],
    ['the --config file', (dir: string) => ['scan', join(dir, 'k8s'), '--config', join(dir, 'config.yaml'), '--output', join(dir, 'config.yaml')], 'config.yaml'],
    ['a link to an input', (dir: string) => ['scan', join(dir, 'k8s'), '--output', join(dir, 'k8s', 'ns.yaml').replace('k8s', 'k8s/../k8s')], 'k8s/ns.yaml'],
  ])('refuses %s before scanning, exit 2, the file unchanged', async (_label, args, input) => {
    const dir = folder({ 'k8s/ns.yaml': NAMESPACE('team-a'), 'config.yaml': 'sharedNamespaces: []\n' });
    const before = readFileSync(join(dir, input), 'utf8');
    const { status, stdout, stderr } = await cli([...args(dir), '--fail-on', 'none'], dir);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--output .* (is an input of this scan|is a manifest this scan reads)/);
    expect(readFileSync(join(dir, input), 'utf8')).toBe(before);
  });

  it('writes a new report next to the inputs, replacing an older report whole', async () => {
    const dir = folder({ 'k8s/ns.yaml': NAMESPACE('team-a'), 'report.json': 'old report' });
    const { status, stderr } = await cli(['scan', join(dir, 'k8s'), '--format', 'json', '--output', join(dir, 'report.json'), '--fail-on', 'none'], dir);
    expect(status).toBe(0);
    expect(stderr).toContain('Wrote the json report');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toHaveProperty('clusters');
    expect(tree(dir)).toEqual(['k8s/ns.yaml', 'report.json']);
  });
});

describe('reports are written through a temporary file and a rename', () => {
  function* failingHalfWay(): Generator<string> {
    yield '{"clusters": [';
    throw new Error('renderer crashed');
  }

  it('a report whose rendering fails half-way leaves the previous report intact and no temporary file behind', async () => {
    const dir = folder({ 'report.json': 'previous report\n' });
    await expect(writeReportFile(join(dir, 'report.json'), failingHalfWay())).rejects.toThrow('renderer crashed');
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous report\n');
    expect(tree(dir)).toEqual(['report.json']);
  });

  it('the same for fix files', () => {
    const dir = folder({ 'fix.yaml': 'previous fix\n' });
    expect(() => writeFileAtomically(join(dir, 'fix.yaml'), failingHalfWay())).toThrow('renderer crashed');
    expect(readFileSync(join(dir, 'fix.yaml'), 'utf8')).toBe('previous fix\n');
    expect(tree(dir)).toEqual(['fix.yaml']);
  });

  it('writes streamed chunks in order', () => {
    const dir = folder({});
    writeFileAtomically(join(dir, 'out', 'big.txt'), (function* () {
      for (let i = 0; i < 5000; i++) yield `${i}\n`;
    })());
    expect(readFileSync(join(dir, 'out', 'big.txt'), 'utf8').split('\n')[4999]).toBe('4999');
  });
});

describe('--write-fixes stays inside its folder', () => {
  it('names that try to leave the folder become safe, distinct file names', () => {
    expect(safeSegment('tenant-a')).toBe('tenant-a');
    for (const hostile of ['..', '.', '../../etc', '.hidden', '', 'a/b', 'C:\\x', '\u0000', 'x'.repeat(300)]) {
      const segment = safeSegment(hostile);
      expect(segment).toMatch(/^[a-z0-9_][a-z0-9._-]*$/);
      expect(segment.length).toBeLessThanOrEqual(120);
    }
    expect(safeSegment('a/b')).not.toBe(safeSegment('a_b'));
    expect(safeSegment('..')).not.toBe(safeSegment('__'));
  });

  it('refuses a fix path with a `..` segment', () => {
    const dir = folder({});
    expect(() => writeFixTree(join(dir, 'fixes'), [{ path: '../outside.yaml', text: 'x' }])).toThrow(/outside/);
    expect(() => writeFixTree(join(dir, 'fixes'), [{ path: 'a/../../outside.yaml', text: 'x' }])).toThrow(/outside/);
    expect(existsSync(join(dir, 'outside.yaml'))).toBe(false);
  });

  it('a hostile rootNamespace in the mesh config is reported and never becomes a folder', async () => {
    const dir = folder({
      'k8s/mesh.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    rootNamespace: ../../escaped\n',
      'k8s/ns.yaml': `${NAMESPACE('istio-system')}---\n${NAMESPACE('team-a')}`,
    });
    const { status, stdout } = await cli(['scan', join(dir, 'k8s'), '--format', 'json', '--write-fixes', join(dir, 'out', 'fixes'), '--fail-on', 'none'], dir);
    expect(status).toBe(0);
    expect(stdout).toContain('rootNamespace \\"../../escaped\\"');
    expect(readdirSync(join(dir, 'out'))).toEqual(['fixes']);
    for (const file of tree(join(dir, 'out', 'fixes'))) expect(file.split('/')).not.toContain('..');
    expect(tree(dir).filter((file) => !file.startsWith('out/') && !file.startsWith('k8s/'))).toEqual([]);
  });
});

describe('--write-fixes never touches scanned manifests', () => {
  it('refuses the scanned folder itself, a folder inside it holding manifests, and a folder holding a scanned file', async () => {
    const dir = folder({ 'k8s/ns.yaml': NAMESPACE('team-a'), 'k8s/fixes/team-a/old.yaml': NAMESPACE('team-b'), 'repo/app/se.yaml': OPEN_SERVICE_ENTRY('api', 'team-a') });
    for (const [args, why] of [
      [[join(dir, 'k8s'), '--write-fixes', join(dir, 'k8s')], /holds an input of this scan/],
      [[join(dir, 'k8s'), '--write-fixes', join(dir, 'k8s', 'fixes')], /lies inside the scanned folder .* holds manifests this scan read/],
      [[join(dir, 'repo', 'app', 'se.yaml'), '--write-fixes', join(dir, 'repo')], /holds an input of this scan/],
    ] as const) {
      const { status, stdout, stderr } = await cli(['scan', ...args, '--fail-on', 'none'], dir);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(why);
    }
    expect(readFileSync(join(dir, 'k8s', 'fixes', 'team-a', 'old.yaml'), 'utf8')).toBe(NAMESPACE('team-b'));
  });

  it('a re-run removes the fix files it wrote for objects that no longer need a fix, and nothing else', async () => {
    const dir = folder({ 'k8s/ns.yaml': `${NAMESPACE('team-a')}---\n${NAMESPACE('team-b')}`, 'k8s/a.yaml': OPEN_SERVICE_ENTRY('api-a', 'team-a'), 'k8s/b.yaml': OPEN_SERVICE_ENTRY('api-b', 'team-b') });
    const fixes = join(dir, 'fixes');
    const first = await cli(['scan', join(dir, 'k8s'), '--write-fixes', fixes, '--format', 'json', '--fail-on', 'none'], dir);
    expect(first.status).toBe(0);
    const firstFiles = tree(fixes);
    expect(firstFiles).toEqual(expect.arrayContaining([FIX_INDEX_FILE, 'team-a/serviceentry-api-a.yaml', 'team-b/serviceentry-api-b.yaml']));
    writeFileSync(join(fixes, 'team-a', 'my-notes.yaml'), 'kept: true\n');

    // team-b's ServiceEntry is fixed by hand: its fix file must go, the rest stays.
    writeFileSync(join(dir, 'k8s', 'b.yaml'), OPEN_SERVICE_ENTRY('api-b', 'team-b', '["."]'));
    const second = await cli(['scan', join(dir, 'k8s'), '--write-fixes', fixes, '--format', 'json', '--fail-on', 'none'], dir);
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('Removed 1 fix manifest(s) an earlier run wrote');
    const expected = [...firstFiles.filter((file) => file !== 'team-b/serviceentry-api-b.yaml'), 'team-a/my-notes.yaml'].sort();
    expect(tree(fixes)).toEqual(expected);
    expect(JSON.parse(readFileSync(join(fixes, FIX_INDEX_FILE), 'utf8')).files).toEqual(expected.filter((file) => file !== FIX_INDEX_FILE && file !== 'team-a/my-notes.yaml'));
  });
});
