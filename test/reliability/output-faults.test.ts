/**
 * Outputs that cannot be turned against the reader, through the CLI as a user runs it: a
 * huge open mesh is reported whole (streamed, bounded lists, exact counts), reports never land
 * on what the scan reads and never leave half a file, fix files stay inside their folder
 * whatever the names in the input, never go where scanned manifests live, and a re-run removes
 * the fix files it wrote for objects that no longer need one.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { runCli } from '../../src/cli/program.js';
import { writeReportFile } from '../../src/cli/write-report.js';
import { defaultConfig } from '../../src/config/types.js';
import { MAX_LISTED_ITEMS } from '../../src/report/bounded.js';
import { FIX_INDEX_FILE } from '../../src/report/fixes.js';
import type { JsonReport } from '../../src/report/json.js';
import { scanSnapshot } from '../../src/report/scan-result.js';
import { writeFileAtomically } from '../../src/report/write-file.js';
import { snapshotFromManifests } from '../../src/snapshot/offline.js';
import { startKubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { DEMO_DIR } from '../integration/live/helpers.js';
import { expectNoFindingLost, scenarioSummary } from './scenarios.js';

const folders: string[] = [];
afterAll(() => {
  process.stdout.write(`\n[reliability] output-faults: ${scenarioSummary()}\n`);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function cli(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTty: false, env: {}, cwd };
  const status = await runCli(['node', 'istio-isolation-scanner', ...args], io);
  return { status, stdout, stderr };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iis-output-faults-'));
  folders.push(dir);
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
/** A ServiceEntry without exportTo (exportto-missing, fixed by a merge patch adding exportTo ["."]) unless `exportTo` is given. */
const SERVICE_ENTRY = (name: string, namespace: string, exportTo = '') =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  hosts: [${name}.example.com]\n  resolution: DNS\n  ports: [{number: 443, name: https, protocol: TLS}]\n${exportTo ? `  exportTo: ${exportTo}\n` : ''}`;

describe('reports of huge open meshes', () => {
  it('output-open-mesh: 3,000 namespaces that all import each other give a whole, bounded JSON report', async () => {
    const NAMESPACES = 3000;
    const names = Array.from({ length: NAMESPACES }, (_, i) => `tenant-${String(i).padStart(4, '0')}`);
    const dir = folder({ 'mesh/mesh.yaml': names.map((ns) => `${NAMESPACE(ns)}---\n${SERVICE_ENTRY('api', ns)}`).join('---\n') });
    const { status, stderr } = await cli(['scan', join(dir, 'mesh'), '--output', `json=${join(dir, 'report.json')}`, '--fail-on', 'none'], dir);
    expect(stderr).not.toContain('Invalid string length');
    expect(status).toBe(0);
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    const cluster = (JSON.parse(text) as JsonReport).clusters[0]!;

    // Counts stay exact while every list holds at most MAX_LISTED_ITEMS names.
    const imports = cluster.findings.filter((finding) => finding.ruleId === 'namespace-imports-foreign-config');
    expect(imports).toHaveLength(NAMESPACES);
    expect(imports[0]!.evidence).toMatchObject({ foreignOwnerCount: NAMESPACES - 1, foreignOwnersTruncated: true });
    expect((imports[0]!.evidence.foreignOwners as string[]).length).toBe(MAX_LISTED_ITEMS);
    const exported = cluster.findings.find((finding) => finding.ruleId === 'exportto-missing')!;
    expect(exported.affectedNamespaceCount).toBe(NAMESPACES - 1);
    expect(exported.affectedNamespaces).toHaveLength(MAX_LISTED_ITEMS);
    expect(Object.values(cluster.exposureMatrix).every((owners) => owners.length === MAX_LISTED_ITEMS)).toBe(true);
    expect(Object.values(cluster.exposureMatrixCounts).every((count) => count === NAMESPACES - 1)).toBe(true);
    // Linear: a few kilobytes per namespace, not one line per pair of namespaces.
    expect(text.length / NAMESPACES).toBeLessThan(40_000);

    const { snapshot } = snapshotFromManifests([join(dir, 'mesh')], { baseDir: dir });
    const expected = scanSnapshot(snapshot, defaultConfig(), { scanId: 'expected', startedAt: 0 }).findings.map((finding) => finding.findingId);
    expectNoFindingLost('output-open-mesh', { expectedFindingIds: expected, deliveredFindingIds: cluster.findings.map((finding) => finding.findingId) });
  }, 300_000);
});

describe('--output never destroys an input', () => {
  it('output-onto-input: refused before scanning, exit 2, the file unchanged', async () => {
    const cases: Array<[(dir: string) => string[], string]> = [
      [(dir) => [join(dir, 'k8s', 'ns.yaml'), '--output', join(dir, 'k8s', 'ns.yaml')], 'k8s/ns.yaml'],
      [(dir) => [join(dir, 'k8s'), '--output', `json=${join(dir, 'k8s', 'ns.yaml')}`], 'k8s/ns.yaml'],
      [(dir) => [join(dir, 'k8s'), '--config', join(dir, 'config.yaml'), '--output', join(dir, 'config.yaml')], 'config.yaml'],
      [(dir) => [join(dir, 'k8s'), '--output', join(dir, 'k8s', '..', 'k8s', 'ns.yaml')], 'k8s/ns.yaml'],
    ];
    for (const [args, input] of cases) {
      const dir = folder({ 'k8s/ns.yaml': NAMESPACE('team-a'), 'config.yaml': 'sharedNamespaces: []\n' });
      const before = readFileSync(join(dir, input), 'utf8');
      const { status, stdout, stderr } = await cli(['scan', ...args(dir), '--fail-on', 'none'], dir);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/--output .* (is an input of this scan|is a manifest this scan reads)/);
      expect(readFileSync(join(dir, input), 'utf8')).toBe(before);
      expect(tree(dir)).toEqual(['config.yaml', 'k8s/ns.yaml']);
    }
    // A report beside the inputs is fine, and replaces an older one whole.
    const dir = folder({ 'k8s/ns.yaml': NAMESPACE('team-a'), 'report.json': 'old report' });
    const fine = await cli(['scan', join(dir, 'k8s'), '--output', `json=${join(dir, 'report.json')}`, '--fail-on', 'none'], dir);
    expect(fine.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toHaveProperty('clusters');
    expect(tree(dir)).toEqual(['k8s/ns.yaml', 'report.json']);
    expectNoFindingLost('output-onto-input', { expectedFindingIds: [], deliveredFindingIds: [] });
  });

  it('output-interrupted: a report or fix file that fails half-way leaves the earlier one intact, no temporary file', async () => {
    function* failingHalfWay(): Generator<string> {
      yield '{"clusters": [';
      throw new Error('renderer crashed');
    }
    const dir = folder({ 'report.json': 'previous report\n', 'fixes/team-a/sidecar-default.yaml': 'previous fix\n' });
    await expect(writeReportFile(join(dir, 'report.json'), failingHalfWay())).rejects.toThrow('renderer crashed');
    expect(() => writeFileAtomically(join(dir, 'fixes', 'team-a', 'sidecar-default.yaml'), failingHalfWay())).toThrow('renderer crashed');
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous report\n');
    expect(readFileSync(join(dir, 'fixes', 'team-a', 'sidecar-default.yaml'), 'utf8')).toBe('previous fix\n');
    expect(tree(dir)).toEqual(['fixes/team-a/sidecar-default.yaml', 'report.json']);
    expectNoFindingLost('output-interrupted', { expectedFindingIds: [], deliveredFindingIds: [] });
  });
});

describe('--write-fixes stays inside its folder and away from scanned manifests', () => {
  it('fixes-hostile-names: context names and a rootNamespace that try to leave the folder', async () => {
    const double = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, 'aks-contaminated') });
    try {
      const dir = folder({});
      // Two contexts on one cluster, named to climb out of the fix folder.
      const base = parse(double.kubeconfigYaml('base')) as { clusters: Array<{ cluster: unknown }>; users: Array<{ user: unknown }> };
      const contexts = ['../../../escaped', '..'];
      const kubeconfig = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: base.clusters[0]!.cluster }],
        users: [{ name: 'u', user: base.users[0]!.user }],
        contexts: contexts.map((name) => ({ name, context: { cluster: 'c', user: 'u' } })),
        'current-context': contexts[0],
      };
      writeFileSync(join(dir, 'kubeconfig'), stringify(kubeconfig), { mode: 0o600 });
      const live = await cli(['scan', '--kubeconfig', join(dir, 'kubeconfig'), '--all-contexts', '--write-fixes', join(dir, 'out', 'fixes'), '--format', 'json', '--fail-on', 'none'], dir);
      expect(live.status).toBe(0);
      const written = tree(join(dir, 'out', 'fixes'));
      expect(written.length).toBeGreaterThan(2);
      const clusterFolders = new Set(written.filter((file) => file !== FIX_INDEX_FILE).map((file) => file.split('/')[0]));
      expect(clusterFolders.size).toBe(2);
      for (const name of clusterFolders) expect(name).toMatch(/^_[a-z0-9._-]*-[0-9a-f]{8}$/);
      expect(readdirSync(dir).sort()).toEqual(['kubeconfig', 'out']);
      expect(readdirSync(join(dir, 'out'))).toEqual(['fixes']);

      // A mesh config whose rootNamespace is a path: reported, and no fix goes there.
      const offline = folder({
        'k8s/mesh.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    rootNamespace: ../../escaped\n',
        'k8s/ns.yaml': `${NAMESPACE('istio-system')}---\n${NAMESPACE('team-a')}`,
      });
      const { status, stdout } = await cli(['scan', join(offline, 'k8s'), '--format', 'json', '--write-fixes', join(offline, 'out', 'fixes'), '--fail-on', 'none'], offline);
      expect(status).toBe(0);
      expect(stdout).toContain('rootNamespace \\"../../escaped\\"');
      expect(stdout).toContain('is not a namespace name');
      for (const file of tree(join(offline, 'out', 'fixes'))) expect(file.split('/')).not.toContain('..');
      expect(readdirSync(offline).sort()).toEqual(['k8s', 'out']);
      expect(existsSync(join(offline, '..', 'escaped'))).toBe(false);
      expectNoFindingLost('fixes-hostile-names', { expectedFindingIds: [], deliveredFindingIds: [] });
    } finally {
      await double.close();
    }
  });

  it('fixes-into-scanned-folder: refuses the scanned folder, a manifest-holding folder inside it, a folder holding a scanned file', async () => {
    const dir = folder({ 'k8s/ns.yaml': NAMESPACE('team-a'), 'k8s/fixes/team-a/old.yaml': NAMESPACE('team-b'), 'repo/app/se.yaml': SERVICE_ENTRY('api', 'team-a') });
    const before = tree(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')]);
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
    expect(tree(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')])).toEqual(before);
    expectNoFindingLost('fixes-into-scanned-folder', { expectedFindingIds: [], deliveredFindingIds: [] });
  });

  it('fixes-rerun-stale: a re-run removes the fix files it wrote for objects that no longer need a fix, and nothing else', async () => {
    const dir = folder({ 'k8s/ns.yaml': `${NAMESPACE('team-a')}---\n${NAMESPACE('team-b')}`, 'k8s/a.yaml': SERVICE_ENTRY('api-a', 'team-a'), 'k8s/b.yaml': SERVICE_ENTRY('api-b', 'team-b') });
    const fixes = join(dir, 'fixes');
    const first = await cli(['scan', join(dir, 'k8s'), '--write-fixes', fixes, '--format', 'json', '--fail-on', 'none'], dir);
    expect(first.status).toBe(0);
    const firstFiles = tree(fixes);
    expect(firstFiles).toEqual(expect.arrayContaining([FIX_INDEX_FILE, 'team-a/serviceentry-api-a.yaml', 'team-b/serviceentry-api-b.yaml']));
    writeFileSync(join(fixes, 'team-a', 'my-notes.yaml'), 'kept: true\n');

    // team-b's ServiceEntry is fixed by hand: its fix file must go, everything else stays.
    writeFileSync(join(dir, 'k8s', 'b.yaml'), SERVICE_ENTRY('api-b', 'team-b', '["."]'));
    const second = await cli(['scan', join(dir, 'k8s'), '--write-fixes', fixes, '--format', 'json', '--fail-on', 'none'], dir);
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('Removed 1 fix manifest(s) an earlier run wrote');
    const expected = [...firstFiles.filter((file) => file !== 'team-b/serviceentry-api-b.yaml'), 'team-a/my-notes.yaml'].sort();
    expect(tree(fixes)).toEqual(expected);
    expect(JSON.parse(readFileSync(join(fixes, FIX_INDEX_FILE), 'utf8')).files).toEqual(expected.filter((file) => file !== FIX_INDEX_FILE && file !== 'team-a/my-notes.yaml'));
    expectNoFindingLost('fixes-rerun-stale', { expectedFindingIds: [], deliveredFindingIds: [] });
  });
});
