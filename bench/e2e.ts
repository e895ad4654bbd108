/**
 * Benchmark 3 (end to end): the compiled CLI (`node dist/cli/main.js scan --manifests DIR
 * --format json --output FILE --no-config`, the bundle the installed package's bin runs) on a
 * generated fleet written as YAML files (one file per namespace), as a child process: CPU time,
 * wall time and peak RSS. Floor: a plain-JavaScript child that merely parses the same files
 * with the same `yaml` package (bench/parse-only.mjs). dist/ is built once first (`npm run
 * build`, as bench/startup.ts does). Neither child loads TypeScript: through tsx the CLI
 * compiled about 200 modules on the fly and the floor a few, so that cost did not cancel out.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateFleet, type FleetSize, type RawObject } from './generator.js';
import { buildInstalledCli, INSTALLED_CLI } from './installed-cli.js';
import { summarize, type Summary } from './stats.js';

export interface ProcessMeasure {
  wallMs: Summary;
  /** CPU time of the process (user + system, all threads): what compares on a shared machine. */
  cpuMs: Summary;
  maxRssMb: Summary;
}

export interface EndToEndResult {
  size: string;
  files: number;
  yamlMb: number;
  objects: number;
  runs: number;
  cli: ProcessMeasure;
  parseOnly: ProcessMeasure;
  /** cli / parse-only median wall time. */
  wallRatio: number;
  /** cli / parse-only median CPU time (the target: at most 1.5). */
  cpuRatio: number;
  findingsReported: number;
}

/** Writes the fleet as YAML, one file per namespace (cluster-scoped Namespace objects go with their namespace). */
export function writeFleetYaml(fleet: RawObject[], dir: string): { files: number; bytes: number } {
  const byNamespace = new Map<string, string[]>();
  for (const object of fleet) {
    const metadata = object.metadata as { name: string; namespace?: string };
    const file = object.kind === 'Namespace' ? metadata.name : (metadata.namespace ?? '_cluster');
    const documents = byNamespace.get(file) ?? [];
    documents.push(stringify(object));
    byNamespace.set(file, documents);
  }
  let bytes = 0;
  for (const [namespace, documents] of byNamespace) {
    const text = documents.join('---\n');
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, `${namespace}.yaml`), text);
  }
  return { files: byNamespace.size, bytes };
}

const NODE = process.execPath;

/** Runs `node --import ./bench/maxrss-preload.mjs ARGS`, returns wall time, CPU time and peak RSS. */
async function timeChild(args: string[], rssFile: string): Promise<{ wallMs: number; cpuMs: number; maxRssMb: number; exitCode: number; stderr: string }> {
  const started = performance.now();
  const child = spawn(NODE, ['--import', './bench/maxrss-preload.mjs', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, BENCH_MAXRSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const wallMs = performance.now() - started;
  const [maxRssKb, cpuMicros] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
  return { wallMs, cpuMs: cpuMicros! / 1000, maxRssMb: maxRssKb! / 1024, exitCode, stderr };
}

/** Builds dist/ (unless `build` is false), then times the compiled CLI and the floor `runs` times each after an untimed run of each, interleaved in alternating order. */
export async function benchmarkEndToEnd(size: FleetSize, runs: number, build = true): Promise<EndToEndResult> {
  if (build) buildInstalledCli();
  const dir = mkdtempSync(join(tmpdir(), `iis-bench-${size.name}-`));
  try {
    const manifests = join(dir, 'manifests');
    const fleet = generateFleet(size);
    mkdirSync(manifests);
    const written = writeFleetYaml(fleet, manifests);
    const report = join(dir, 'report.json');
    const rssFile = join(dir, 'maxrss');
    const cliArgs = [INSTALLED_CLI, 'scan', '--manifests', manifests, '--format', 'json', '--output', report, '--fail-on', 'none', '--no-config'];

    const cli: Array<{ wallMs: number; cpuMs: number; maxRssMb: number }> = [];
    const parse: Array<{ wallMs: number; cpuMs: number; maxRssMb: number }> = [];
    const runCli = async () => {
      const scan = await timeChild(cliArgs, rssFile);
      if (scan.exitCode !== 0) throw new Error(`the CLI exited with ${scan.exitCode}: ${scan.stderr.slice(0, 2000)}`);
      return scan;
    };
    const runFloor = async () => {
      const baseline = await timeChild(['bench/parse-only.mjs', manifests], rssFile);
      if (baseline.exitCode !== 0) throw new Error(`parse-only exited with ${baseline.exitCode}: ${baseline.stderr.slice(0, 2000)}`);
      return baseline;
    };
    // One untimed run of each first: the freshly written files, the compiled code and the
    // machine's caches are then as warm for the first timed run as for the others.
    await runCli();
    await runFloor();
    // Alternating which side goes first spreads a slow stretch of a shared machine over both.
    for (let run = 0; run < runs; run++) {
      if (run % 2 === 0) {
        cli.push(await runCli());
        parse.push(await runFloor());
      } else {
        parse.push(await runFloor());
        cli.push(await runCli());
      }
    }
    const document = JSON.parse(readFileSync(report, 'utf8')) as { clusters?: Array<{ findings?: unknown[] }> };
    const findingsReported = (document.clusters ?? []).reduce((sum, cluster) => sum + (cluster.findings?.length ?? 0), 0);
    const measure = (samples: Array<{ wallMs: number; cpuMs: number; maxRssMb: number }>): ProcessMeasure => ({
      wallMs: summarize(samples.map((s) => s.wallMs)),
      cpuMs: summarize(samples.map((s) => s.cpuMs)),
      maxRssMb: summarize(samples.map((s) => s.maxRssMb)),
    });
    const cliMeasure = measure(cli);
    const parseMeasure = measure(parse);
    return {
      size: size.name,
      files: written.files,
      yamlMb: written.bytes / 2 ** 20,
      objects: fleet.length,
      runs,
      cli: cliMeasure,
      parseOnly: parseMeasure,
      wallRatio: cliMeasure.wallMs.median / parseMeasure.wallMs.median,
      cpuRatio: cliMeasure.cpuMs.median / parseMeasure.cpuMs.median,
      findingsReported,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
