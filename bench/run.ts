/**
 * `npm run bench`: the five fleet-scale benchmarks (evaluation, shapes, collection, end to end,
 * ingestion; issues 8 and 19) and the start-up of the compiled CLI (issue 19), a table on stdout and the same
 * figures as JSON in bench/results/latest.json. Method and current figures: docs/performance.md.
 *
 *   npm run bench                          # everything, 3 runs each
 *   npm run bench -- --only eval,collect   # a subset (eval, shapes, collect, e2e, ingest, startup)
 *   npm run bench -- --runs 5              # more runs (median, min, max are reported)
 *   npm run bench -- --collect-runs 25     # runs of the (cheap, noisy) collection benchmark, default 15
 *   npm run bench -- --startup-runs 25     # runs of each start-up command (builds dist/ first), default 15
 *   npm run bench -- --sizes small,large   # evaluation sizes (default small,large,huge)
 *   npm run bench -- --fleet small         # fleet of the collect/e2e/ingest benchmarks (default large)
 *   npm run bench -- --tenant-sizes 1250,2500  # namespace counts of the shapes benchmark (default 1250,2500,5000,10000)
 *   npm run bench -- --out FILE            # JSON elsewhere
 *
 * Evaluation runs in one child process per size (pinned to one CPU with taskset when
 * available, heap capped at 2 GB), so one size's garbage never counts against another;
 * collection in a child process of its own (unpinned: the API server double serves from it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { CollectResult } from './collect.js';
import { benchmarkEndToEnd, type EndToEndResult } from './e2e.js';
import type { EvalWorkerResult } from './eval-worker.js';
import { SIZES, type FleetSize } from './generator.js';
import { benchmarkIngestion, type IngestResult } from './ingest.js';
import { fmt, growthPerDoubling, summarize, type Summary } from './stats.js';
import type { ShapesWorkerResult } from './shapes-worker.js';
import { benchmarkStartup, STARTUP_TARGET_S, type StartupResult } from './startup.js';
import { SHAPE_RULES, TENANT_SIZES } from './tenant-fleet.js';

const BENCHMARKS = ['eval', 'shapes', 'collect', 'e2e', 'ingest', 'startup'] as const;
type Benchmark = (typeof BENCHMARKS)[number];
type SizeName = keyof typeof SIZES;

/** Targets of issue 8. */
export const TARGETS = {
  hugeEvalMs: 10_000,
  hugeHeapMb: 2048,
  /** "Roughly linear": time per object may grow at most this much from one size to the next. */
  perObjectGrowth: 1.5,
  /** Issue 19: live collection's CPU time at most this multiple of its floor's (same pages, HTTPS GET + JSON.parse). */
  collectRatio: 1.3,
  /** Issue 19: the offline CLI's CPU time at most this multiple of merely parsing the same files, at every size. */
  cliFloorRatio: 1.5,
  /** Issue 19: time per object may grow at most this much per doubling of the tenant fleet, for every shape. */
  perDoublingGrowth: 1.2,
} as const;

/** Per-size budget of evaluation time: a slow build stops after one run instead of taking hours. */
const EVAL_BUDGET_MS = 60_000;

interface EvalSizeResult extends Partial<EvalWorkerResult> {
  size: string;
  timeMs?: Summary;
  objectsPerSecond?: number;
  microsPerObject?: number;
  error?: string;
}

interface RuleTiming {
  rule: string;
  smallMs: number;
  largeMs: number;
  /** (large ms / large objects) / (small ms / small objects). */
  perObjectGrowth: number;
}

interface TargetCheck {
  benchmark: Benchmark;
  profile: string;
  target: string;
  actual: string;
  met: boolean;
  cause?: string;
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '3' },
      'collect-runs': { type: 'string', default: '15' },
      'startup-runs': { type: 'string', default: '15' },
      sizes: { type: 'string', default: 'small,large,huge' },
      fleet: { type: 'string', default: 'large' },
      'tenant-sizes': { type: 'string', default: TENANT_SIZES.join(',') },
      out: { type: 'string', default: 'bench/results/latest.json' },
      'no-pin': { type: 'boolean', default: false },
    },
  });
  const only = (values.only ?? BENCHMARKS.join(',')).split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown benchmark ${unknown.join(', ')}; use ${BENCHMARKS.join(', ')}`);
  const runs = Number(values.runs);
  const collectRuns = Number(values['collect-runs']);
  const startupRuns = Number(values['startup-runs']);
  for (const [flag, value] of [['--runs', runs], ['--collect-runs', collectRuns], ['--startup-runs', startupRuns]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got ${value}`);
  }
  const sizes = values.sizes.split(',').map((name) => name.trim());
  for (const name of [...sizes, values.fleet]) if (!(name in SIZES)) throw new Error(`unknown size ${name}; use ${Object.keys(SIZES).join(', ')}`);
  const tenantSizes = values['tenant-sizes'].split(',').map(Number);
  if (tenantSizes.length < 2 || tenantSizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error('--tenant-sizes: at least two namespace counts, e.g. 1250,2500');
  return { tenantSizes, only: only as Benchmark[], runs, collectRuns, startupRuns, sizes: sizes as SizeName[], fleet: SIZES[values.fleet as SizeName], out: values.out, pin: !values['no-pin'] && existsSync('/usr/bin/taskset') };
}

/** Runs `node ARGS` (optionally pinned to CPU 0) and returns its last stdout line. */
function runNode(args: string[], pin: boolean): Promise<{ lastLine: string; exitCode: number; stderr: string }> {
  const command = pin ? '/usr/bin/taskset' : process.execPath;
  const commandArgs = pin ? ['-c', '0', process.execPath, ...args] : args;
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ lastLine: stdout.trim().split('\n').at(-1) ?? '', exitCode: code ?? -1, stderr }));
  });
}

async function benchmarkEvaluation(sizes: SizeName[], runs: number, pin: boolean): Promise<EvalSizeResult[]> {
  const results: EvalSizeResult[] = [];
  for (const size of sizes) {
    progress(`eval ${size}: ${runs} run(s), budget ${EVAL_BUDGET_MS / 1000} s`);
    const child = await runNode(['--max-old-space-size=2048', '--import', 'tsx', 'bench/eval-worker.ts', size, String(runs), String(EVAL_BUDGET_MS)], pin);
    if (child.exitCode !== 0) {
      // An out-of-memory abort lands here: a measured failure, not a crash of the benchmark.
      results.push({ size, error: `worker exited with ${child.exitCode}: ${lastLines(child.stderr, 5)}` });
      continue;
    }
    const worker = JSON.parse(child.lastLine) as EvalWorkerResult;
    const timeMs = summarize(worker.timesMs);
    results.push({ ...worker, timeMs, objectsPerSecond: worker.objects / (timeMs.median / 1000), microsPerObject: (timeMs.median * 1000) / worker.objects });
  }
  return results;
}

/** Time per object of each rule on small and large, to name what grows faster than linearly. */
async function ruleHotSpots(pin: boolean): Promise<RuleTiming[]> {
  progress('eval hot spots: timing each rule on small and large');
  const timings: Record<string, { objects: number; rows: Array<{ rule: string; ms: number }> }> = {};
  for (const size of ['small', 'large']) {
    const child = await runNode(['--max-old-space-size=2048', '--import', 'tsx', 'bench/rule-times.ts', size, '--json'], pin);
    if (child.exitCode !== 0) return [];
    timings[size] = JSON.parse(child.lastLine) as { objects: number; rows: Array<{ rule: string; ms: number }> };
  }
  const small = timings.small!;
  const large = timings.large!;
  const smallMs = new Map(small.rows.map((row) => [row.rule, row.ms]));
  return large.rows.slice(0, 6).map((row) => {
    const before = smallMs.get(row.rule) ?? 0;
    return { rule: row.rule, smallMs: before, largeMs: row.ms, perObjectGrowth: before > 0 ? row.ms / large.objects / (before / small.objects) : Infinity };
  });
}

function evalTargets(results: EvalSizeResult[], hotSpots: RuleTiming[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const cause = hotSpots.length > 0 ? `slowest rules on large (ms, time-per-object growth small->large): ${hotSpots.slice(0, 3).map((h) => `${h.rule} ${fmt(h.largeMs, 0)} ms x${fmt(h.perObjectGrowth)}`).join('; ')}` : undefined;
  const huge = results.find((result) => result.size === 'huge');
  if (huge) {
    const timeMet = huge.timeMs !== undefined && huge.timeMs.median < TARGETS.hugeEvalMs;
    checks.push({ benchmark: 'eval', profile: 'huge', target: `median < ${TARGETS.hugeEvalMs / 1000} s on one core`, actual: huge.timeMs ? `${fmt(huge.timeMs.median / 1000, 2)} s` : (huge.error ?? 'no result'), met: timeMet, cause: timeMet ? undefined : cause });
    const heapMet = huge.peakHeapMb !== undefined && huge.peakHeapMb < TARGETS.hugeHeapMb;
    checks.push({ benchmark: 'eval', profile: 'huge', target: `peak heap < ${TARGETS.hugeHeapMb} MB`, actual: huge.peakHeapMb !== undefined ? `${huge.peakHeapMb} MB` : (huge.error ?? 'no result'), met: heapMet });
  }
  for (const [from, to] of [['small', 'large'], ['large', 'huge']] as const) {
    const a = results.find((result) => result.size === from);
    const b = results.find((result) => result.size === to);
    if (!a?.microsPerObject || !b?.microsPerObject) continue;
    const growth = b.microsPerObject / a.microsPerObject;
    const met = growth <= TARGETS.perObjectGrowth;
    checks.push({ benchmark: 'eval', profile: `${from}->${to}`, target: `time per object grows <= x${TARGETS.perObjectGrowth}`, actual: `x${fmt(growth, 2)}`, met, cause: met ? undefined : cause });
  }
  return checks;
}

/** Benchmark 2 in a child process (bench/collect-worker.ts). */
async function benchmarkCollectionInChild(fleet: FleetSize, runs: number): Promise<CollectResult> {
  const child = await runNode(['--expose-gc', '--import', 'tsx', 'bench/collect-worker.ts', fleet.name, String(runs)], false);
  if (child.exitCode !== 0) throw new Error(`the collection benchmark exited with ${child.exitCode}: ${lastLines(child.stderr, 5)}`);
  return JSON.parse(child.lastLine) as CollectResult;
}

function collectTargets(result: CollectResult): TargetCheck[] {
  const overhead = result.scanCpuMs.median - result.floorCpuMs.median;
  const cause =
    `scan - floor = ${fmt(overhead, 0)} ms CPU, of which normalizing + assembling the snapshot ${fmt(result.assemblyMs.median, 0)} ms; ` +
    `the floor keeping what it parsed takes ${fmt(result.floorKeepingCpuMs.median, 0)} ms CPU (vs ${fmt(result.floorCpuMs.median, 0)} ms; scan / floor keeping x${fmt(result.scanToKeepingCpuRatio.median, 2)}); ` +
    `connections opened: scan ${result.connections.scan}, floor ${result.connections.floor}` +
    (result.connections.scan > result.connections.floor * 2 ? ' (the scan opens a new TLS connection per request: no keep-alive agent is reused)' : '');
  return [
    { benchmark: 'collect', profile: result.size, target: `scan/floor CPU time <= x${TARGETS.collectRatio}`, actual: `x${fmt(result.cpuRatio.median, 2)} (wall x${fmt(result.ratio.median, 2)})`, met: result.cpuRatio.median <= TARGETS.collectRatio, cause: result.cpuRatio.median <= TARGETS.collectRatio ? undefined : cause },
    {
      benchmark: 'collect',
      profile: result.size,
      target: 'requests = discovery + ceil(objects/500) per listed resource + named ConfigMap GETs, none twice',
      actual: `${result.requests.total} = ${result.requests.discovery} + ${result.requests.listPages} + ${result.requests.namedGets} (expected ${result.requests.expectedDiscovery} + ${result.requests.expectedListPages} + ${result.requests.expectedNamedGets})`,
      met: result.requests.matchesExpected,
      cause: result.requests.matchesExpected ? undefined : result.requests.mismatches.join('; '),
    },
    { benchmark: 'collect', profile: result.size, target: 'every kind read', actual: result.unreadKinds.length ? result.unreadKinds.join(', ') : 'all read', met: result.unreadKinds.length === 0 },
  ];
}

/** Benchmark 5: the tenant fleet at each size of TENANT_SIZES, one pinned child process per size. */
async function benchmarkShapes(sizes: readonly number[], runs: number, pin: boolean): Promise<ShapesWorkerResult[]> {
  const results: ShapesWorkerResult[] = [];
  for (const namespaces of sizes) {
    // The shape rules take a few milliseconds on the smaller fleets, where one run's noise (a
    // collection, code compiled on a helper thread) would decide their growth: as many more runs
    // there as the fleet is smaller than the largest, so each size measures about as long.
    const shapeRuleRuns = runs * Math.ceil(sizes[sizes.length - 1]! / namespaces);
    progress(`shapes ${namespaces} namespaces: ${runs} run(s) of evaluation, of each rule (${shapeRuleRuns} of the shape rules) and of each format`);
    const child = await runNode(['--expose-gc', '--max-old-space-size=2048', '--import', 'tsx', 'bench/shapes-worker.ts', String(namespaces), String(runs), `--shape-rule-runs=${shapeRuleRuns}`], pin);
    if (child.exitCode !== 0) throw new Error(`shapes worker (${namespaces}) exited with ${child.exitCode}: ${lastLines(child.stderr, 5)}`);
    results.push(JSON.parse(child.lastLine) as ShapesWorkerResult);
  }
  return results;
}

const median = (values: number[] | undefined) => (values && values.length > 0 ? summarize(values).median : Number.NaN);

function shapesTargets(results: ShapesWorkerResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const largest = results[results.length - 1]!;
  const evalMs = median(largest.evalMs);
  checks.push({ benchmark: 'shapes', profile: `${largest.namespaces} ns`, target: `evaluation < ${TARGETS.hugeEvalMs / 1000} s CPU on one core`, actual: `${fmt(evalMs / 1000, 2)} s (${largest.objects} objects)`, met: evalMs < TARGETS.hugeEvalMs });
  checks.push({ benchmark: 'shapes', profile: `${largest.namespaces} ns`, target: `peak heap < ${TARGETS.hugeHeapMb} MB`, actual: `${largest.peakHeapMb} MB`, met: largest.peakHeapMb < TARGETS.hugeHeapMb });
  const series = (value: (result: ShapesWorkerResult) => number) => results.map((result) => ({ objects: result.objects, value: value(result) }));
  const growthCheck = (profile: string, value: (result: ShapesWorkerResult) => number, what = 'time') => {
    const growth = growthPerDoubling(series(value));
    checks.push({ benchmark: 'shapes', profile, target: `${what} per object grows <= x${TARGETS.perDoublingGrowth} per doubling`, actual: `x${fmt(growth, 2)}`, met: growth <= TARGETS.perDoublingGrowth });
  };
  growthCheck('evaluation', (result) => median(result.evalMs));
  for (const rule of SHAPE_RULES) growthCheck(rule, (result) => median(result.ruleMs[rule]));
  for (const format of Object.keys(largest.renderBytes)) {
    growthCheck(`render ${format}`, (result) => median(result.renderMs[format]));
    growthCheck(`report ${format}`, (result) => result.renderBytes[format] ?? Number.NaN, 'bytes');
  }
  for (const [format, error] of Object.entries(largest.renderErrors)) checks.push({ benchmark: 'shapes', profile: `render ${format}`, target: 'renders at every size', actual: error.slice(0, 80), met: false });
  return checks;
}

// --- printing -----------------------------------------------------------------------------

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}

const ms = (summary: Summary | undefined, digits = 0) => (summary ? `${fmt(summary.median, digits)} (${fmt(summary.min, digits)}-${fmt(summary.max, digits)})` : '-');

function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  return [`\n${title}`, line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function render(report: BenchReport): string {
  const parts: string[] = [`istio-isolation-scanner benchmarks — ${report.generatedAt} — node ${report.environment.node}, ${report.environment.cpus} x ${report.environment.cpuModel}, runs ${report.options.runs}`];
  parts.push('figures: median (min-max)');
  if (report.eval) {
    parts.push(
      table(
        `1. Evaluation from an in-memory snapshot (${report.options.pinnedToOneCpu ? 'pinned to one CPU' : 'not pinned'}, heap limit 2 GB)`,
        ['size', 'namespaces', 'objects', 'runs', 'time ms', 'objects/s', 'µs/object', 'peak heap MB', 'max RSS MB', 'findings'],
        report.eval.map((r) =>
          r.error
            ? [r.size, '-', '-', '-', `FAILED: ${r.error.slice(0, 80)}`, '', '', '', '', '']
            : [r.size, String(r.namespaces), String(r.objects), String(r.timesMs?.length ?? 0), ms(r.timeMs), fmt(r.objectsPerSecond ?? 0, 0), fmt(r.microsPerObject ?? 0, 1), String(r.peakHeapMb), String(r.maxRssMb), String(r.findings)],
        ),
      ),
    );
    const perObject = (size: string) => report.eval?.find((r) => r.size === size)?.microsPerObject;
    const growth = (['small', 'large', 'huge'] as const)
      .slice(1)
      .map((size, index) => {
        const before = perObject(['small', 'large'][index]!);
        const after = perObject(size);
        return before && after ? `${['small', 'large'][index]}->${size} x${fmt(after / before, 2)}` : '';
      })
      .filter(Boolean);
    if (growth.length > 0) parts.push(`   growth of time per object: ${growth.join(', ')} (1.0 = linear)`);
    if (report.evalHotSpots?.length) {
      parts.push(table('   slowest rules (small vs large, growth = time per object large / small)', ['rule', 'small ms', 'large ms', 'growth'], report.evalHotSpots.map((h) => [h.rule, fmt(h.smallMs, 1), fmt(h.largeMs, 0), `x${fmt(h.perObjectGrowth, 1)}`])));
    }
  }
  if (report.shapes) {
    const sizes = report.shapes;
    const header = ['', ...sizes.map((size) => `${size.namespaces} ns`), 'growth/doubling'];
    const row = (label: string, value: (result: ShapesWorkerResult) => number, digits = 0) => [
      label,
      ...sizes.map((size) => fmt(value(size), digits)),
      `x${fmt(growthPerDoubling(sizes.map((size) => ({ objects: size.objects, value: value(size) }))), 2)}`,
    ];
    const rows = [
      ['objects', ...sizes.map((size) => String(size.objects)), ''],
      ['findings', ...sizes.map((size) => String(size.findings)), ''],
      row('evaluation CPU ms', (size) => median(size.evalMs)),
      row('  of which GC ms', (size) => median(size.evalGcMs)),
      ['peak heap MB', ...sizes.map((size) => String(size.peakHeapMb)), ''],
      ...SHAPE_RULES.map((rule) => row(`  ${rule} ms`, (size) => median(size.ruleMs[rule]), 1)),
      ...Object.keys(sizes[sizes.length - 1]!.renderBytes).flatMap((format) => [row(`render ${format} ms`, (size) => median(size.renderMs[format])), row(`  ${format} KB`, (size) => (size.renderBytes[format] ?? Number.NaN) / 1024)]),
    ];
    parts.push(table('5. Shapes of issue 19 on the tenant fleet (bench/tenant-fleet.ts), CPU time, pinned to one CPU; each rule alone with a fresh model', header, rows));
  }
  if (report.collect) {
    const c = report.collect;
    parts.push(
      table(
        `2. Live collection of ${c.size} (${c.objectsServed} objects) from the API server double vs the floor (same pages, HTTPS GET + JSON.parse), ${c.runs} runs in one process, each until what it holds is promoted`,
        ['scan CPU ms', 'floor CPU ms', 'scan/floor CPU', 'scan/floor wall', 'floor keeping bodies CPU ms', 'scan/floor keeping CPU', 'assembly ms', 'requests', 'expected', 'connections scan/floor', 'MB transferred'],
        [[ms(c.scanCpuMs), ms(c.floorCpuMs), ms(c.cpuRatio, 2), ms(c.ratio, 2), ms(c.floorKeepingCpuMs), ms(c.scanToKeepingCpuRatio, 2), ms(c.assemblyMs), String(c.requests.total), String(c.requests.expectedDiscovery + c.requests.expectedListPages + c.requests.expectedNamedGets), `${c.connections.scan}/${c.connections.floor}`, fmt(c.bytesPerScan / 2 ** 20)]],
      ),
    );
  }
  if (report.e2e) {
    const e = report.e2e;
    parts.push(
      table(
        `3. Offline CLI on ${e.size} (${e.objects} objects in ${e.files} YAML files, ${fmt(e.yamlMb)} MB) vs parsing the same files with yaml`,
        ['process', 'CPU ms', 'wall ms', 'peak RSS MB'],
        [
          ['scan --format json', ms(e.cli.cpuMs), ms(e.cli.wallMs), ms(e.cli.maxRssMb)],
          ['parse only', ms(e.parseOnly.cpuMs), ms(e.parseOnly.wallMs), ms(e.parseOnly.maxRssMb)],
          ['ratio', `x${fmt(e.cpuRatio, 2)}`, `x${fmt(e.wallRatio, 2)}`, ''],
        ],
      ),
    );
  }
  if (report.ingest) {
    const i = report.ingest;
    parts.push(
      table(
        `4. Ingestion of ${i.size}'s ${i.findings} findings into the Logs Ingestion double (real SDK, gzip, HTTPS)`,
        ['upload ms', 'findings/s', 'calls', 'wire bytes/finding', 'JSON bytes/finding', 'gzip ratio'],
        [[ms(i.uploadMs), ms(i.findingsPerSecond), String(i.findingCalls), fmt(i.wireBytesPerFinding), fmt(i.jsonBytesPerFinding), `x${fmt(i.compressionRatio)}`]],
      ),
    );
  }
  if (report.startup) {
    const s = report.startup;
    parts.push(
      table(
        `6. Start-up of the compiled CLI (bench/startup.ts: dist/, a tiny manifest folder), ${s.runs} runs each; load average ${fmt(s.loadAverageAtStart, 2)} -> ${fmt(s.loadAverageAtEnd, 2)}`,
        ['command', 'CPU ms (user+sys)', 'wall ms'],
        s.results.map((result) => [result.name, ms(result.cpuMs), ms(result.wallMs)]),
      ),
    );
  }
  parts.push(table('Targets', ['', 'benchmark', 'profile', 'target', 'actual'], report.targets.map((t) => [t.met ? 'met' : 'MISSED', t.benchmark, t.profile, t.target, t.actual])));
  for (const missed of report.targets.filter((t) => !t.met && t.cause)) parts.push(`MISSED ${missed.benchmark} ${missed.profile} (${missed.target}): ${missed.cause}`);
  return parts.join('\n');
}

// --- main -----------------------------------------------------------------------------------

interface BenchReport {
  generatedAt: string;
  environment: { node: string; platform: string; cpus: number; cpuModel: string; memoryGb: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  options: { only: Benchmark[]; runs: number; collectRuns: number; startupRuns: number; sizes: string[]; fleet: string; pinnedToOneCpu: boolean };
  targets: TargetCheck[];
  eval?: EvalSizeResult[];
  evalHotSpots?: RuleTiming[];
  shapes?: ShapesWorkerResult[];
  collect?: CollectResult;
  e2e?: EndToEndResult;
  ingest?: IngestResult;
  startup?: StartupResult;
  durationS?: number;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const started = performance.now();
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), loadAverageAtStart: loadavg().map((l) => Number(fmt(l, 2))), loadAverageAtEnd: [] },
    options: { only: options.only, runs: options.runs, collectRuns: options.collectRuns, startupRuns: options.startupRuns, sizes: options.sizes, fleet: options.fleet.name, pinnedToOneCpu: options.pin },
    targets: [],
  };
  const fleet: FleetSize = options.fleet;

  if (options.only.includes('eval')) {
    report.eval = await benchmarkEvaluation(options.sizes, options.runs, options.pin);
    let checks = evalTargets(report.eval, []);
    if (checks.some((check) => !check.met)) {
      report.evalHotSpots = await ruleHotSpots(options.pin);
      checks = evalTargets(report.eval, report.evalHotSpots);
    }
    report.targets.push(...checks);
  }
  if (options.only.includes('shapes')) {
    report.shapes = await benchmarkShapes(options.tenantSizes, options.runs, options.pin);
    report.targets.push(...shapesTargets(report.shapes));
  }
  if (options.only.includes('collect')) {
    progress(`collect ${fleet.name}: warm-up + ${options.collectRuns} run(s) of scan and floor`);
    report.collect = await benchmarkCollectionInChild(fleet, options.collectRuns);
    report.targets.push(...collectTargets(report.collect));
  }
  if (options.only.includes('e2e')) {
    progress(`e2e ${fleet.name}: npm run build, then an untimed run and ${options.runs} timed run(s) each of the compiled CLI and of parse-only, alternating which goes first`);
    report.e2e = await benchmarkEndToEnd(fleet, options.runs);
    const e = report.e2e;
    report.targets.push({ benchmark: 'e2e', profile: e.size, target: `CLI / parse-only CPU time <= x${TARGETS.cliFloorRatio}`, actual: `x${fmt(e.cpuRatio, 2)} (wall x${fmt(e.wallRatio, 2)})`, met: e.cpuRatio <= TARGETS.cliFloorRatio });
  }
  if (options.only.includes('ingest')) {
    progress(`ingest ${fleet.name}: scanning once, then warm-up + ${options.runs} upload(s)`);
    report.ingest = await benchmarkIngestion(fleet, options.runs);
  }
  if (options.only.includes('startup')) {
    progress(`startup: npm run build, then warm-up + ${options.startupRuns} run(s) of node -e 0, --version and a tiny scan`);
    report.startup = benchmarkStartup(options.startupRuns);
    for (const result of report.startup.results.filter((measure) => measure.name !== 'node -e 0')) {
      report.targets.push({ benchmark: 'startup', profile: result.name, target: `CPU time <= ${STARTUP_TARGET_S * 1000} ms`, actual: `${fmt(result.cpuMs.median, 0)} ms (floor node -e 0: ${fmt(report.startup.results[0]!.cpuMs.median, 0)} ms)`, met: result.cpuMs.median <= STARTUP_TARGET_S * 1000 });
    }
  }
  report.environment.loadAverageAtEnd = loadavg().map((l) => Number(fmt(l, 2)));
  report.durationS = Math.round((performance.now() - started) / 1000);

  console.log(render(report));
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten ${options.out} (${report.durationS} s)`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
