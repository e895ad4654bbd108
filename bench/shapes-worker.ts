/**
 * Benchmark 5 (shapes, issue 19), one process per size:
 *   node --expose-gc --max-old-space-size=2048 --import tsx bench/shapes-worker.ts 2500 3 [--shape-rule-runs=12] [--no-rules] [--no-render]
 * (tenant namespaces, runs; runs of the shape rules, at least `runs`). Prints one JSON line (ShapesWorkerResult).
 *
 * On the tenant fleet (bench/tenant-fleet.ts) it times, median of the runs:
 *  - evaluateSnapshot as a whole (fresh snapshot per run, so the mesh model is paid for);
 *  - each rule alone, with a fresh model whose config objects are already built: the rule
 *    pays for every index it needs, so a rule that grows faster than linearly shows as itself;
 *  - each output format rendered from one scan result (JSON, SARIF, Markdown, table), with its
 *    size in bytes: rendering reads the lazily built affectedNamespaces lists.
 */
import { GCProfiler } from 'node:v8';
import { defaultConfig } from '../src/config/types.js';
import { REPORT_FORMATS, type RenderedReport } from '../src/report/formats.js';
import { buildMeshModel } from '../src/mesh/model.js';
import { createRuleContext, evaluateSnapshot } from '../src/rules/engine.js';
import { ALL_RULES } from '../src/rules/registry.js';
import { scanSnapshot } from '../src/report/scan-result.js';
import type { ScanReport } from '../src/report/types.js';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { processCpuMs, settleHeap } from './settle.js';
import { SHAPE_RULES, generateTenantFleet } from './tenant-fleet.js';

export interface ShapesWorkerResult {
  namespaces: number;
  objects: number;
  findings: number;
  /** CPU time of evaluateSnapshot per run (ms); evalWallMs the wall time of the same runs. */
  evalMs: number[];
  evalWallMs: number[];
  /** Time V8 spent collecting garbage during each evaluation run (ms), included in evalMs. */
  evalGcMs: number[];
  /** Rule id -> times of the runs (ms). */
  ruleMs: Record<string, number[]>;
  /** Format -> times of the runs (ms), or the error that stopped it. */
  renderMs: Record<string, number[]>;
  renderBytes: Record<string, number>;
  renderErrors: Record<string, string>;
  peakHeapMb: number;
  maxRssMb: number;
}

const namespaces = Number(process.argv[2] ?? 1250);
const runs = Math.max(1, Number(process.argv[3] ?? 3));
const withRules = !process.argv.includes('--no-rules');
const withRender = !process.argv.includes('--no-render');
const shapeRuleRuns = Math.max(runs, Number(process.argv.find((arg) => arg.startsWith('--shape-rule-runs='))?.split('=')[1] ?? runs));

const objects: K8sObject[] = [];
for (const raw of generateTenantFleet(namespaces)) {
  const result = normalizeObject(raw);
  if ('object' in result) objects.push(result.object);
}
const config = defaultConfig();
const snapshotOf = () => assembleSnapshot({ cluster: { name: `bench-tenants-${namespaces}` }, source: 'manifests', objects });

let peakHeapBytes = 0;
let gcMs = 0;
const gcByType: Record<string, number> = {};
/**
 * CPU time of the process (processCpuMs), not wall time, of `work` from a settled heap: the
 * benchmark machine is shared, and a pinned process that waits for its CPU must not look
 * slower. Single-threaded work (all of evaluation and rendering) has CPU time = wall time on
 * an idle machine.
 */
function measured<T>(work: () => T): { value: T; ms: number; wallMs: number } {
  settleHeap();
  const profiler = new GCProfiler();
  profiler.start();
  const started = processCpuMs();
  const wallStarted = performance.now();
  const value = work();
  const wallMs = performance.now() - wallStarted;
  const ms = processCpuMs() - started;
  for (const gc of profiler.stop()?.statistics ?? []) {
    peakHeapBytes = Math.max(peakHeapBytes, gc.beforeGC.heapStatistics.usedHeapSize);
    gcMs += gc.cost / 1000;
    gcByType[gc.gcType] = (gcByType[gc.gcType] ?? 0) + gc.cost / 1000;
  }
  peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  return { value, ms, wallMs };
}

const result: ShapesWorkerResult = { namespaces, objects: objects.length, findings: 0, evalMs: [], evalWallMs: [], evalGcMs: [], ruleMs: {}, renderMs: {}, renderBytes: {}, renderErrors: {}, peakHeapMb: 0, maxRssMb: 0 };

for (let run = 0; run < runs; run++) {
  const snapshot = snapshotOf();
  gcMs = 0;
  const { value: findings, ms, wallMs } = measured(() => evaluateSnapshot(snapshot, config));
  result.evalMs.push(ms);
  result.evalGcMs.push(gcMs);
  result.evalWallMs.push(wallMs);
  result.findings = findings.length;
}

if (withRules) {
  const shapeRules = new Set<string>(SHAPE_RULES);
  for (let run = 0; run < shapeRuleRuns; run++) {
    const snapshot = snapshotOf();
    for (const rule of ALL_RULES) {
      if (run >= runs && !shapeRules.has(rule.meta.id)) continue;
      const model = buildMeshModel(snapshot, config);
      model.configObjects();
      const ctx = createRuleContext(snapshot, config, model);
      const { ms } = measured(() => rule.evaluate(ctx));
      (result.ruleMs[rule.meta.id] ??= []).push(ms);
    }
  }
}

/** Reads a rendered report (one string or chunks) to the end; returns its size in bytes. */
async function byteLength(rendered: RenderedReport): Promise<number> {
  if (typeof rendered === 'string') return Buffer.byteLength(rendered);
  let bytes = 0;
  for await (const chunk of rendered) bytes += Buffer.byteLength(chunk);
  return bytes;
}

if (withRender) {
  const report: ScanReport = { scanId: 'bench', scanner: { version: 'bench' }, clusters: [scanSnapshot(snapshotOf(), config, { scanId: 'bench', startedAt: Date.now() })] };
  const context = { failOn: 'none' as const, color: false, docsBaseUrl: 'https://example.com/istio-isolation-scanner', cwd: process.cwd(), warn: () => undefined };
  // Run -1 is a warm-up: it loads each renderer and compiles it.
  for (let run = -1; run < runs; run++) {
    for (const format of REPORT_FORMATS) {
      if (result.renderErrors[format.name]) continue;
      try {
        const render = await format.load();
        settleHeap();
        const started = processCpuMs();
        const bytes = await byteLength(await render(report, context));
        const ms = processCpuMs() - started;
        if (run < 0) continue;
        (result.renderMs[format.name] ??= []).push(ms);
        result.renderBytes[format.name] = bytes;
      } catch (error) {
        result.renderErrors[format.name] = (error as Error).message;
      }
    }
  }
}

result.peakHeapMb = Math.round(peakHeapBytes / 2 ** 20);
result.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
if (process.argv.includes('--gc-detail')) console.error(JSON.stringify(gcByType));
console.log(JSON.stringify(result));
