/**
 * Benchmark 1 (evaluation), run in its own process per size so memory figures are not
 * polluted by other sizes:
 *   node --max-old-space-size=2048 --import tsx bench/eval-worker.ts huge 5 120000
 * (size, runs, time budget in ms). Prints one JSON line (EvalWorkerResult).
 *
 * Measured: evaluateSnapshot only (mesh model + every rule + finding ids + suppression) on an
 * in-memory snapshot. Generating, normalizing and assembling the snapshot are not timed.
 * Peak heap comes from V8's GC profiler: the largest used-heap size seen just before any
 * garbage collection during evaluation (the heap is at its fullest then), or at the end.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { defaultConfig } from '../src/config/types.js';
import { evaluateSnapshot } from '../src/rules/engine.js';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { SIZES, generateFleet } from './generator.js';

export interface EvalWorkerResult {
  size: string;
  namespaces: number;
  objects: number;
  findings: number;
  /** One entry per completed run. */
  timesMs: number[];
  /** Largest used heap during any evaluation run (MB). */
  peakHeapMb: number;
  heapLimitMb: number;
  /** Peak resident set of the whole worker process, generation included (MB). */
  maxRssMb: number;
}

const sizeName = process.argv[2] ?? 'small';
const runs = Math.max(1, Number(process.argv[3] ?? 5));
// Stop early (after at least one run) once this much evaluation time was spent, so that a slow
// build does not make `npm run bench` take hours; the runs actually made are reported.
const budgetMs = Number(process.argv[4] ?? Infinity);
const size = SIZES[sizeName as keyof typeof SIZES];
if (!size) throw new Error(`unknown size ${sizeName}; use one of ${Object.keys(SIZES).join(', ')}`);

const objects: K8sObject[] = [];
for (const raw of generateFleet(size)) {
  const result = normalizeObject(raw);
  if ('object' in result) objects.push(result.object);
}

const timesMs: number[] = [];
let findingCount = 0;
let peakHeapBytes = 0;
for (let run = 0; run < runs; run++) {
  // A fresh snapshot each run: the mesh model is built inside evaluation and must be paid for.
  const snapshot = assembleSnapshot({ cluster: { name: `bench-${size.name}` }, source: 'manifests', objects });
  const profiler = new GCProfiler();
  profiler.start();
  const started = performance.now();
  const findings = evaluateSnapshot(snapshot, defaultConfig());
  timesMs.push(performance.now() - started);
  const gcs = profiler.stop()?.statistics ?? [];
  for (const gc of gcs) {
    peakHeapBytes = Math.max(peakHeapBytes, gc.beforeGC.heapStatistics.usedHeapSize);
  }
  peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  findingCount = findings.length;
  if (timesMs.reduce((sum, ms) => sum + ms, 0) > budgetMs) break;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const result: EvalWorkerResult = {
  size: size.name,
  namespaces: size.namespaces,
  objects: objects.length,
  findings: findingCount,
  timesMs,
  peakHeapMb: mb(peakHeapBytes),
  heapLimitMb: mb(getHeapStatistics().heap_size_limit),
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.log(JSON.stringify(result));
