/**
 * Reading a `kubectl get -A -o json` export of a large cluster (issue 19): 65,000 objects,
 * about 36 MB, one List in one .json file. Times the scanner's reader (loadManifests: depth
 * scan, JSON.parse, item lines, normalisation) against the floor (readFileSync + JSON.parse)
 * and reports the heap the parsed export holds.
 *
 *   node --import tsx bench/json-export.ts [OBJECTS]     (default 65000)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../src/snapshot/manifests.js';

const objects = Number(process.argv[2] ?? 65_000);
const kinds = ['Pod', 'Service', 'ConfigMap', 'Secret', 'Event', 'ReplicaSet', 'Endpoints'];
const items = Array.from({ length: objects }, (_, index) => ({
  apiVersion: 'v1',
  kind: kinds[index % kinds.length],
  metadata: { name: `object-${index}`, namespace: `tenant-${index % 400}`, uid: `0b5c1d9e-0000-4000-8000-${String(index).padStart(12, '0')}`, resourceVersion: String(100_000 + index), labels: { app: `app-${index % 50}`, 'app.kubernetes.io/part-of': 'shop' }, annotations: { 'deployment.kubernetes.io/revision': '3' } },
  spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/app:1.2.3', ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'MODE', value: 'production' }] }] },
}));
const dir = mkdtempSync(join(tmpdir(), 'bench-json-export-'));
const file = join(dir, 'export.json');
writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4));
const bytes = readFileSync(file).length;

function measure(work: () => unknown): { ms: number; heapMb: number } {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const kept = work();
  const ms = performance.now() - start;
  const heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  void kept;
  return { ms, heapMb };
}

const floor = measure(() => JSON.parse(readFileSync(file, 'utf8')));
const scanner = measure(() => loadManifests([file], dir));
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ objects, megabytes: +(bytes / 2 ** 20).toFixed(1), floorMs: Math.round(floor.ms), scannerMs: Math.round(scanner.ms), ratio: +(scanner.ms / floor.ms).toFixed(2), scannerHeapMb: Math.round(scanner.heapMb) }));
