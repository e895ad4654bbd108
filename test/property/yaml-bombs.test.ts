/**
 * YAML bombs and oversized input: every YAML entry point of the scanner refuses them with a
 * clear error, in bounded memory (asserted on heap growth), instead of expanding them. Time is
 * bounded by construction (nothing is expanded) and by the test timeout; no timing assertion.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { apiServerFromKubeconfig } from '../../src/access/user-credential.js';
import { loadManifests, MAX_MANIFEST_FILE_BYTES, parseManifestText } from '../../src/snapshot/manifests.js';
import { InputFileError, readMeshConfigFile } from '../../src/snapshot/offline.js';

/** Heap growth allowed while refusing a bomb. A 9-level billion-laughs would need gigabytes. */
const HEAP_BUDGET_BYTES = 64 * 1024 * 1024;

/** Classic billion laughs: `levels` anchors, each a list of 10 aliases of the previous one (10^levels strings). */
function billionLaughs(levels: number, indent = ''): string {
  const lines = [`${indent}l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let level = 1; level <= levels; level++) lines.push(`${indent}l${level}: &l${level} [${Array.from({ length: 10 }, () => `*l${level - 1}`).join(',')}]`);
  return lines.join('\n');
}

function heapGrowth(work: () => void): number {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  work();
  return process.memoryUsage().heapUsed - before;
}

const folder = mkdtempSync(join(tmpdir(), 'yaml-bombs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('YAML bombs are refused, not expanded', () => {
  it.each([3, 6, 9])('a %i-level billion-laughs manifest is refused with a clear problem and the next document is still read', (levels) => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol, namespace: default}\ndata:\n${billionLaughs(levels, '  ')}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: after-the-bomb}\n`;
    let result: ReturnType<typeof parseManifestText> | undefined;
    expect(heapGrowth(() => (result = parseManifestText(text, 'bomb.yaml')))).toBeLessThan(HEAP_BUDGET_BYTES);
    expect(result!.problems).toEqual([expect.objectContaining({ type: 'parse', message: expect.stringMatching(/refused document in bomb\.yaml at line 1: .*(alias|resource exhaustion)/i) })]);
    expect(result!.objects.map((object) => object.metadata.name)).toEqual(['after-the-bomb']);
  });

  it('a bomb in --mesh-config (MeshConfig document or the ConfigMap data.mesh string) is an InputFileError', () => {
    const direct = join(folder, 'mesh-direct.yaml');
    writeFileSync(direct, billionLaughs(9));
    expect(() => readMeshConfigFile(direct)).toThrow(InputFileError);
    expect(() => readMeshConfigFile(direct)).toThrow(/cannot parse mesh config .*mesh-direct\.yaml/);

    const nested = join(folder, 'mesh-configmap.yaml');
    writeFileSync(nested, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n${billionLaughs(9, '    ')}\n`);
    expect(heapGrowth(() => expect(() => readMeshConfigFile(nested)).toThrow(/cannot parse data\.mesh of .*mesh-configmap\.yaml/))).toBeLessThan(HEAP_BUDGET_BYTES);
  });

  it('a bomb in the cluster user credential ARM returns is refused (fleet path)', () => {
    const kubeconfig = `apiVersion: v1\nkind: Config\n${billionLaughs(9)}\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: "x"}}]\n`;
    expect(() => apiServerFromKubeconfig(kubeconfig)).toThrow(/not a readable kubeconfig/);
  });

  it('a manifest file over the size limit is refused unread with a problem naming the limit', () => {
    const big = join(folder, 'huge.yaml');
    // A comment line repeated past the limit: cheap to write, and it must not even be parsed.
    writeFileSync(big, `# ${'x'.repeat(1022)}\n`.repeat(Math.ceil((MAX_MANIFEST_FILE_BYTES + 1) / 1024)));
    const result = loadManifests([big], folder);
    expect(result.filesRead).toBe(0);
    expect(result.problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/refused huge\.yaml: \d+ bytes exceeds the \d+-byte limit/) })]);
  });

  it('a large but legitimate document (20,000 objects in one List) is read in full', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: `tenant-${i % 50}` }, spec: { containers: [{ name: 'app', image: 'app:1' }] } }));
    const result = parseManifestText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), 'big-list.json');
    expect(result.problems).toEqual([]);
    expect(result.objects).toHaveLength(20_000);
  });
});
