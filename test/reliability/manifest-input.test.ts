/**
 * Hostile and unusual manifest input (issue 15 "Input that must not crash, hang or be
 * skipped"): each scenario scans a folder built from the demo's contaminated cluster with
 * one twist, and every finding of the plain folder must still arrive. Problems the twist
 * causes are asserted too (each names its file or folder).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { defaultConfig } from '../../src/config/types.js';
import { scanSnapshot } from '../../src/report/scan-result.js';
import type { ClusterScanResult } from '../../src/report/types.js';
import type { ManifestFs } from '../../src/snapshot/manifests.js';
import { snapshotFromManifests, type OfflineOptions } from '../../src/snapshot/offline.js';
import { expectNoFindingLost, scenarioSummary } from './scenarios.js';

const root = join(new URL('.', import.meta.url).pathname, '../..');
const DEMO = join(root, 'demo/aks-contaminated');
const work = mkdtempSync(join(tmpdir(), 'manifest-input-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`\n[reliability] manifest-input: ${scenarioSummary()}\n`);
});

/** The demo cluster's manifests (side files left out: they are passed as options). */
function demoManifests(): Array<{ name: string; text: string }> {
  return readdirSync(DEMO)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => ({ name, text: readFileSync(join(DEMO, name), 'utf8') }));
}

function scan(paths: string[], options: OfflineOptions = {}): ClusterScanResult & { problems: string[] } {
  const { snapshot } = snapshotFromManifests(paths, { clusterName: 'input', baseDir: work, ...options });
  const result = scanSnapshot(snapshot, defaultConfig(), { scanId: 'scan-manifest-input', startedAt: Date.now() });
  return Object.assign(result, { problems: snapshot.inputProblems.map((problem) => problem.message) });
}

const ids = (result: ClusterScanResult) => result.findings.map((finding) => finding.findingId);

function folderWith(name: string, files: Array<{ name: string; text: string }> = demoManifests()): string {
  const folder = join(work, name);
  mkdirSync(folder, { recursive: true });
  for (const file of files) writeFileSync(join(folder, file.name), file.text);
  return folder;
}

/**
 * The real file system, except that the (real, empty) folder `folder` lists `count` files
 * whose bytes are made on demand. The scanner walks and reads it through the same calls as
 * any folder (readdir with file types, open, fstat, read to the end, close), so the counts
 * that could overflow a stack are the real ones; only creating and deleting 150,000 inodes,
 * minutes of disk work on a loaded 2-core machine, is skipped.
 */
function folderHeldInMemory(folder: string, count: number, file: (index: number) => { name: string; text: string }): { fs: ManifestFs; opened: () => number; readToEnd: () => number } {
  const byName = new Map<string, number>();
  for (let index = 0; index < count; index += 1) byName.set(file(index).name, index);
  const open = new Map<number, { bytes: Buffer; position: number; index: number }>();
  const openedIndexes = new Set<number>();
  const finishedIndexes = new Set<number>();
  let nextFd = 1_000_000_000; // far above any descriptor the process holds
  const indexOf = (path: nodeFs.PathLike): number | undefined => (dirname(String(path)) === folder ? byName.get(basename(String(path))) : undefined);
  const dirent = (name: string) => ({ name, parentPath: folder, path: folder, isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false, isFIFO: () => false, isSocket: () => false, isBlockDevice: () => false, isCharacterDevice: () => false });
  const fs: ManifestFs = {
    ...nodeFs,
    readdirSync: ((path: nodeFs.PathLike, options?: unknown) => {
      if (String(path) !== folder) return (nodeFs.readdirSync as (p: nodeFs.PathLike, o?: unknown) => unknown)(path, options);
      return [...byName.keys()].map(dirent);
    }) as ManifestFs['readdirSync'],
    openSync: ((path: nodeFs.PathLike, flags?: nodeFs.OpenMode) => {
      const index = indexOf(path);
      if (index === undefined) return nodeFs.openSync(path, flags ?? 'r');
      if (openedIndexes.has(index)) throw new Error(`${String(path)} opened twice`);
      openedIndexes.add(index);
      const fd = nextFd++;
      open.set(fd, { bytes: Buffer.from(file(index).text), position: 0, index });
      return fd;
    }) as ManifestFs['openSync'],
    fstatSync: ((fd: number, options?: unknown) => {
      const virtual = open.get(fd);
      if (!virtual) return (nodeFs.fstatSync as (f: number, o?: unknown) => unknown)(fd, options);
      return { isFile: () => true, isDirectory: () => false, size: virtual.bytes.length };
    }) as ManifestFs['fstatSync'],
    readSync: ((fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: nodeFs.ReadPosition | null) => {
      const virtual = open.get(fd);
      if (!virtual) return nodeFs.readSync(fd, buffer, offset, length, position);
      const copied = virtual.bytes.copy(buffer as Uint8Array, offset, virtual.position, Math.min(virtual.bytes.length, virtual.position + length));
      virtual.position += copied;
      if (copied === 0) finishedIndexes.add(virtual.index);
      return copied;
    }) as ManifestFs['readSync'],
    closeSync: (fd: number) => {
      if (!open.delete(fd)) nodeFs.closeSync(fd);
    },
  };
  return { fs, opened: () => openedIndexes.size, readToEnd: () => finishedIndexes.size };
}

const baseline = scan([folderWith('baseline')]);
/** ConfigMaps among the demo manifests (a scenario adding ConfigMaps counts them on top). */
const baselineConfigMaps = snapshotFromManifests([join(work, 'baseline')], { baseDir: work }).snapshot.coverage.ConfigMap?.objects ?? 0;
/** Problems a scenario adds to those of the plain folder (the demo carries one invalid object on purpose). */
const added = (result: { problems: string[] }) => result.problems.filter((problem) => !baseline.problems.includes(problem));

describe('manifest input that must not crash, hang or be skipped', () => {
  it('has a baseline with findings to lose', () => {
    expect(baseline.findings.length).toBeGreaterThan(5);
    expect(baseline.problems).toHaveLength(1);
  });

  it('reads symlinked files once and reports loops and links that leave the folder', () => {
    const outside = folderWith('outside-target', [{ name: 'secret.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: outside}\n' }]);
    const folder = join(work, 'links');
    const real = folderWith('links/real');
    mkdirSync(join(folder, 'linked'), { recursive: true });
    for (const file of demoManifests()) symlinkSync(join(real, file.name), join(folder, 'linked', file.name));
    symlinkSync(folder, join(folder, 'linked', 'loop'));
    symlinkSync(join(outside, 'secret.yaml'), join(folder, 'linked', 'escape.yaml'));
    symlinkSync(join(folder, 'missing.yaml'), join(folder, 'linked', 'broken.yaml'));
    const result = scan([folder]);
    expect(added(result)).toEqual(expect.arrayContaining([
      expect.stringMatching(/symbolic link links\/linked\/loop points to a folder that contains it \(a loop\)/),
      expect.stringMatching(/symbolic link links\/linked\/escape\.yaml leads outside the scanned folder/),
      expect.stringMatching(/broken symbolic link links\/linked\/broken\.yaml/),
    ]));
    expect(result.findings.some((finding) => finding.namespace === 'outside')).toBe(false);
    expectNoFindingLost('input-symlinks-and-loops', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('reports one unreadable subfolder by its path and scans the rest', () => {
    const folder = folderWith('unreadable');
    folderWith('unreadable/locked', [{ name: 'hidden.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: locked}\n' }]);
    // root ignores file permissions, so the walker gets the error a non-root user would see.
    const faulty: ManifestFs = {
      ...nodeFs,
      readdirSync: ((path: nodeFs.PathLike, options?: unknown) => {
        if (String(path).endsWith('locked')) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(path)}'`), { code: 'EACCES' });
        return (nodeFs.readdirSync as (p: nodeFs.PathLike, o?: unknown) => unknown)(path, options);
      }) as ManifestFs['readdirSync'],
    };
    expect(added(scan([folder]))).toEqual([]); // the folder itself is readable
    const result = scan([folder], { fs: faulty });
    expect(added(result)).toEqual([expect.stringMatching(/^cannot read folder unreadable\/locked: permission denied \(EACCES\); the rest of .* is still scanned$/)]);
    expect(result.findings.some((finding) => finding.namespace === 'locked')).toBe(false);
    expectNoFindingLost('input-unreadable-subfolder', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('reads 150,000 documents in one file', () => {
    const filler = Array.from({ length: 150_000 }, (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: filler-${index}, namespace: tenant-filler}\n`).join('---\n');
    const folder = folderWith('many-documents', [...demoManifests(), { name: 'filler.yaml', text: filler }]);
    const result = scan([folder]);
    expect(added(result)).toEqual([]);
    expectNoFindingLost('input-150k-documents', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  }, 600_000);

  it('reads 150,000 files in one folder', () => {
    const FILES = 150_000;
    const folder = folderWith('many-files');
    const filler = join(folder, 'filler');
    mkdirSync(filler);
    const fillerFile = (index: number) => ({ name: `cm-${index}.json`, text: `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f${index}", "namespace": "tenant-filler"}}\n` });
    const memory = folderHeldInMemory(filler, FILES, fillerFile);
    const { snapshot } = snapshotFromManifests([folder], { clusterName: 'input', baseDir: work, fs: memory.fs });
    // Every file opened once and read to its end, and each one's object arrived.
    expect(memory.opened()).toBe(FILES);
    expect(memory.readToEnd()).toBe(FILES);
    expect(snapshot.coverage.ConfigMap).toEqual({ status: 'read', objects: FILES + baselineConfigMaps });
    expect(snapshot.inputProblems.map((problem) => problem.message)).toEqual(baseline.problems);
    const result = scanSnapshot(snapshot, defaultConfig(), { scanId: 'scan-manifest-input', startedAt: Date.now() });
    expectNoFindingLost('input-150k-files', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  }, 300_000);

  it('refuses documents nested deeper than 512 levels before parsing them', () => {
    const folder = folderWith('deep');
    writeFileSync(join(folder, 'brackets.yaml'), '['.repeat(30 * 1024 * 1024));
    writeFileSync(join(folder, 'deep.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: a}\ndata:\n${Array.from({ length: 600 }, (_, level) => `${' '.repeat(level + 2)}k${level}:`).join('\n')} x\n`);
    const heapBefore = process.memoryUsage().heapUsed;
    const result = scan([folder]);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
    expect(added(result)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^refused document in deep\/brackets\.yaml at line 1: nested deeper than 512 levels$/),
      expect.stringMatching(/^refused document in deep\/deep\.yaml at line \d+: nested deeper than 512 levels$/),
    ]));
    expect(result.findings.filter((finding) => finding.ruleId === 'resource-invalid').length).toBeGreaterThanOrEqual(2);
    expectNoFindingLost('input-deep-nesting', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  }, 300_000);

  it('expands YAML merge keys as kubectl does', () => {
    // One anchored mapping per object, merged into the next List item which overrides `kind`.
    const merged = demoManifests().map(({ name, text }) => ({
      name,
      text: parseAllDocuments(text)
        .map((document) => document.toJS() as Record<string, unknown> | null)
        .filter((value): value is Record<string, unknown> => value !== null)
        .map((value, index) => {
          const { kind, ...rest } = value;
          return `apiVersion: v1\nkind: List\nitems:\n- &b${index} ${JSON.stringify({ ...rest, kind: 'Overridden' })}\n- <<: *b${index}\n  kind: ${JSON.stringify(kind)}\n`;
        })
        .join('---\n'),
    }));
    const result = scan([folderWith('merge-keys', merged)]);
    expectNoFindingLost('input-yaml-merge-keys', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('reads standard input (scan -) and a FIFO named directly', () => {
    const stream = demoManifests().map((file) => file.text).join('\n---\n');
    const fromStdin = scan(['-'], { stdin: Buffer.from(stream) });
    const fifo = join(work, 'manifests.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const source = join(work, 'stream.yaml.txt');
    writeFileSync(source, stream);
    // The writer is another process: the (synchronous) read of the FIFO waits for it, then reads to its end.
    const writer = spawn('sh', ['-c', `cat '${source}' > '${fifo}'`], { stdio: 'ignore' });
    const fromFifo = scan([fifo]);
    writer.unref();
    expect(added(fromFifo)).toEqual([]);
    expectNoFindingLost('input-stdin-and-fifo', { expectedFindingIds: ids(baseline), deliveredFindingIds: [...ids(fromStdin), ...ids(fromFifo)].filter((id) => ids(fromStdin).includes(id) && ids(fromFifo).includes(id)) });
  });

  it('flattens a List inside a List', () => {
    const items = demoManifests().flatMap((file) => parseAllDocuments(file.text).map((document) => document.toJS()).filter((value) => value !== null));
    const nested = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'List', items: items.slice(0, 5) }, ...items.slice(5)] };
    const result = scan([folderWith('list-in-list', [{ name: 'nested.json', text: JSON.stringify(nested, null, 1) }])]);
    expect(added(result)).toEqual([]);
    expectNoFindingLost('input-list-in-list', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('reports invalid UTF-8 with its line instead of replacing it', () => {
    const folder = folderWith('utf8');
    writeFileSync(join(folder, 'bad.yaml'), Buffer.concat([Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const result = scan([folder]);
    expect(added(result)).toEqual([expect.stringMatching(/^refused utf8\/bad\.yaml: invalid UTF-8 at byte \d+ \(line 4\)$/)]);
    expectNoFindingLost('input-invalid-utf8', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('reads a kubectl -o json export larger than the YAML limit with JSON.parse, items keeping their lines', () => {
    const items: unknown[] = demoManifests().flatMap((file) => parseAllDocuments(file.text).map((document) => document.toJS()).filter((value) => value !== null));
    for (let index = 0; index < 60_000; index += 1) items.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pad-${index}`, namespace: 'tenant-filler', labels: { app: 'pad', padding: 'x'.repeat(60) } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1', env: [{ name: 'PADDING', value: 'y'.repeat(300) }] }] } });
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4);
    expect(text.length).toBeGreaterThan(32 * 1024 * 1024);
    const folder = folderWith('json-export', [{ name: 'export.json', text }]);
    const result = scan([folder]);
    expect(added(result)).toEqual([]);
    const lines = text.split('\n');
    for (const finding of result.findings.filter((candidate) => candidate.source)) {
      expect(lines[finding.source!.line - 1]).toMatch(/^ {8}\{$/); // each item's opening brace
    }
    expectNoFindingLost('input-json-export', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  }, 300_000);
});

