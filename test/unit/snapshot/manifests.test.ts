import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifests, parseManifestText } from '../../../src/snapshot/manifests.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

function names(objects: Array<{ kind: string; metadata: { name: string } }>): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`);
}

describe('loadManifests', () => {
  it('reads multi-document YAML and JSON Lists from a folder tree, keeping file and line', () => {
    const result = loadManifests([join(fixtures, 'mixed')], fixtures);
    expect(result.problems).toEqual([]);
    expect(names(result.objects)).toEqual(['Sidecar/default', 'VirtualService/orders', 'Namespace/tenant-a', 'Namespace/tenant-b', 'ServiceEntry/payments-api']);
    const serviceEntry = result.objects.find((o) => o.kind === 'ServiceEntry');
    expect(serviceEntry?.source).toEqual({ file: 'mixed/tenants.yaml', line: 12 });
    expect(serviceEntry?.apiVersion).toBe('networking.istio.io/v1alpha3');
    const sidecar = result.objects.find((o) => o.kind === 'Sidecar');
    expect(sidecar?.source).toEqual({ file: 'mixed/nested/export.json', line: 6 });
    expect(sidecar?.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
  });

  it('reads side files (aks-cluster.json) met in a folder for Kubernetes objects only', () => {
    const result = loadManifests([join(fixtures, 'mixed')], fixtures);
    expect(result.filesRead).toBe(3);
    expect(result.sideFiles).toEqual([join(fixtures, 'mixed', 'aks-cluster.json')]);
    // ARM JSON is no Kubernetes object: nothing to report about it.
    expect(result.problems.filter((p) => p.source?.file === 'mixed/aks-cluster.json')).toEqual([]);

    // A ServiceEntry saved under a side file's name is what kubectl apply -R would apply: it is read.
    const dir = mkdtempSync(join(tmpdir(), 'iis-side-'));
    writeFileSync(join(dir, 'mesh-config.yaml'), 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: disguised, namespace: team}\nspec: {hosts: [a.example.com]}\n');
    writeFileSync(join(dir, 'scanner-config.yaml'), 'sharedNamespaces: [shared]\n');
    const disguised = loadManifests([dir], dir);
    expect(names(disguised.objects)).toEqual(['ServiceEntry/disguised']);
    expect(disguised.problems).toEqual([]);
  });

  it('reads a kubectl get -A -o json export item by item', () => {
    const result = loadManifests([join(fixtures, 'kubectl-export.json')], fixtures);
    expect(result.problems).toEqual([]);
    expect(names(result.objects)).toEqual(['DestinationRule/payments', 'Pod/web-0']);
    expect(result.objects[0]?.source).toEqual({ file: 'kubectl-export.json', line: 4 });
    expect(result.objects[0]?.metadata.uid).toBe('0b5c1d9e-0000-4000-8000-000000000001');
  });

  it('reports a malformed document with file and line and still reads the others', () => {
    const result = loadManifests([join(fixtures, 'broken.yaml')], fixtures);
    expect(names(result.objects)).toEqual(['Namespace/before-the-break', 'ServiceEntry/wrong-types', 'Namespace/after-the-break']);
    const parse = result.problems.find((p) => p.type === 'parse');
    expect(parse?.source?.file).toBe('broken.yaml');
    expect(parse?.source?.line).toBeGreaterThanOrEqual(6);
    expect(parse?.source?.line).toBeLessThanOrEqual(13);
    expect(parse?.message).toContain('malformed YAML in broken.yaml at line');
  });

  it('marks unparseable text that names neither apiVersion nor kind as holding no object, and only that', () => {
    const text = (body: string) => parseManifestText(body, 'x.json').problems.filter((p) => p.type === 'parse');
    // A broken tool config: it could not hold an object kubectl would apply.
    const tsconfig = text('{\n  "compilerOptions": { "lib": ["es2022"\n}\n');
    expect(tsconfig).toHaveLength(1);
    expect(tsconfig[0]!.holdsNoObject).toBe(true);
    for (const body of [
      '{\n  "apiVersion": "networking.istio.io/v1", "spec": { "hosts": ["a"\n}\n',
      '{\n  "\\u0061piVersion": "v1", "spec": { "hosts": ["a"\n}\n',
      'metadata: {name: x\nkind: [\n',
    ]) {
      const problems = text(body);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.holdsNoObject).toBeUndefined();
    }
  });

  it('reports an unknown API version of a known kind as unsupported', () => {
    const result = loadManifests([join(fixtures, 'broken.yaml')], fixtures);
    const unsupported = result.problems.find((p) => p.type === 'unsupported');
    expect(unsupported?.message).toContain('unknown API version networking.istio.io/v2 ServiceEntry');
    expect(unsupported?.resource).toMatchObject({ kind: 'ServiceEntry', name: 'future', namespace: 'tenant-a' });
    expect(unsupported?.source).toEqual({ file: 'broken.yaml', line: 24 });
  });

  it('refuses a YAML alias bomb with a clear error and keeps reading', () => {
    const result = loadManifests([join(fixtures, 'bomb.yaml')], fixtures);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(/refused document in bomb\.yaml at line 1: .*resource exhaustion/);
    expect(names(result.objects)).toEqual(['Namespace/survives-the-bomb']);
  });

  it('reports a missing path instead of throwing', () => {
    const result = loadManifests([join(fixtures, 'does-not-exist')], fixtures);
    expect(result.filesRead).toBe(0);
    expect(result.problems[0]?.message).toContain('ENOENT');
  });

  it('ignores kinds the scanner does not need and documents that are not objects', () => {
    const result = parseManifestText('apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: db}\n---\n- just\n- a list\n---\n', 'x.yaml');
    expect(result.objects).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ type: 'schema', message: 'document is not an object (x.yaml:5)' });
  });

  it('reads hidden files and folders as kubectl apply -R does, quietly skipping what holds no object there; skips .git', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-hidden-'));
    for (const folder of ['.github/workflows', '.hidden', '.git/refs', 'team']) mkdirSync(join(dir, folder), { recursive: true });
    const entry = (name: string) => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ${name}, namespace: team}\nspec: {hosts: [${name}.example.com]}\n`;
    writeFileSync(join(dir, '.sneaky.yaml'), entry('sneaky'));
    writeFileSync(join(dir, '.hidden', 'deep.yaml'), entry('deep'));
    writeFileSync(join(dir, 'team', 'visible.yaml'), entry('visible'));
    writeFileSync(join(dir, '.git', 'refs', 'x.yaml'), entry('in-git'));
    // Tool configuration under hidden names: no apiVersion and kind, or unparseable text naming neither.
    writeFileSync(join(dir, '.github', 'workflows', 'ci.yml'), 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n');
    writeFileSync(join(dir, '.gitlab-ci.yml'), 'job:\n  script:\n    - !reference [.setup, script]\n');
    writeFileSync(join(dir, '.broken-tool.json'), '{\n  "lib": ["es2022"\n}\n');
    // Unparseable text under a hidden name that could be a manifest is still reported.
    writeFileSync(join(dir, '.hidden', 'broken.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: [\n');
    // Outside hidden names, a document that is no object is still named.
    writeFileSync(join(dir, 'team', 'values.yaml'), 'replicas: 2\n');

    const result = loadManifests([dir], dir);
    expect(names(result.objects).sort()).toEqual(['ServiceEntry/deep', 'ServiceEntry/sneaky', 'ServiceEntry/visible']);
    expect(result.problems.map((problem) => [problem.type, problem.source?.file, problem.holdsNoObject ?? false])).toEqual([
      ['parse', '.hidden/broken.yaml', false],
      ['schema', 'team/values.yaml', true],
    ]);
  });

  it('refuses a file above the size limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-'));
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, Buffer.alloc(33 * 1024 * 1024, 0x20));
    const result = loadManifests([file], dir);
    expect(result.problems[0]?.message).toContain('exceeds the 33554432-byte limit');
  });
});

describe('Istio API versions', () => {
  const networking = ['ServiceEntry', 'Sidecar', 'VirtualService', 'DestinationRule', 'Gateway'];
  const cases = networking.flatMap((kind) => ['v1', 'v1beta1', 'v1alpha3'].map((version) => [`networking.istio.io/${version}`, kind]));
  cases.push(...['PeerAuthentication', 'AuthorizationPolicy'].flatMap((kind) => ['v1', 'v1beta1'].map((version) => [`security.istio.io/${version}`, kind])));
  it.each(cases)('reads %s %s', (apiVersion, kind) => {
    const result = parseManifestText(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x, namespace: a}\nspec: {}\n`, 'v.yaml');
    expect(result.problems).toEqual([]);
    expect(result.objects[0]).toMatchObject({ apiVersion, kind, snapshotKind: kind });
  });
});
