/**
 * Start-up of the compiled CLI (issue 19: at most 0.3 s of CPU for `--version` and for a tiny
 * scan). Builds dist/ as `npm pack` does (installed-cli.ts; skip with --no-build), writes a tiny
 * manifest folder (two tenant namespaces, a Service, a ServiceEntry, a Sidecar, a VirtualService
 * with a timeout, a PeerAuthentication: each kind whose CRD has validation rules is there) and
 * runs, as child processes, `node -e 0` (the floor), `dist/cli/main.js --version` (the bundle the
 * installed package's bin runs) and a scan of the folder to a JSON file. CPU time is user +
 * system of the child, read with bash's `times`; wall time alongside. Median (min-max) of the
 * runs, after one unmeasured warm-up of each. The machine's load average is printed: CPU time
 * grows under load too (shared caches, frequency).
 *
 *   node --import tsx bench/startup.ts [--runs 15] [--no-build] [--out FILE]
 *   npm run bench -- --only startup [--startup-runs 15]   # benchmark 6 of bench/run.ts
 *
 * Method and figures: docs/performance.md "Start-up". `node --cpu-prof` on the scan command
 * (printed with --print-commands) names what remains.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildInstalledCli, INSTALLED_CLI } from './installed-cli.js';
import { fmt, summarize, type Summary } from './stats.js';

/** Issue 19's target, seconds of CPU. */
export const STARTUP_TARGET_S = 0.3;

const TINY_MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: { name: tenant-a, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: tenant-b, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: tenant-a }
spec: { ports: [{ port: 80, name: http }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: payments, namespace: tenant-a }
spec: { hosts: [api.payments.example.com], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: DNS }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: tenant-b }
spec: { egress: [{ hosts: ["./*", "istio-system/*"] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: tenant-a }
spec: { hosts: [api], exportTo: ["."], http: [{ timeout: 5s, route: [{ destination: { host: api } }] }] }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: tenant-b }
spec: { mtls: { mode: STRICT } }
`;

export interface StartupMeasure {
  name: string;
  command: string[];
  cpuMs: Summary;
  wallMs: Summary;
}

/** CPU (user + system) and wall time of one child process, through bash's `times`. */
function measureOnce(command: string[]): { cpuMs: number; wallMs: number } {
  const quoted = command.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  const started = process.hrtime.bigint();
  // `times` prints the shell's own times, then its children's: "0m0.012s 0m0.004s".
  const result = spawnSync('bash', ['-c', `${quoted} >/dev/null 2>&1; status=$?; times; exit $status`], { encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited with ${result.status}: ${result.stderr}`);
  const children = result.stdout.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(([, minutes, secs]) => Number(minutes) * 60 + Number(secs));
  if (seconds.length !== 2) throw new Error(`cannot read times output: ${result.stdout}`);
  return { cpuMs: (seconds[0]! + seconds[1]!) * 1000, wallMs };
}

export function measureStartup(runs: number, dir: string): StartupMeasure[] {
  const node = process.execPath;
  const cli = join(process.cwd(), INSTALLED_CLI);
  const commands: Array<[string, string[]]> = [
    ['node -e 0', [node, '-e', '0']],
    ['--version', [node, cli, '--version']],
    ['tiny scan, JSON', [node, cli, 'scan', '--manifests', join(dir, 'manifests'), '--format', 'json', '--output', join(dir, 'report.json'), '--fail-on', 'none', '--no-config']],
  ];
  const samples = commands.map(() => ({ cpu: [] as number[], wall: [] as number[] }));
  for (const [, command] of commands) measureOnce(command); // warm-up: file cache
  // Interleaved, so a change of load affects every command alike.
  for (let run = 0; run < runs; run += 1) {
    commands.forEach(([, command], index) => {
      const { cpuMs, wallMs } = measureOnce(command);
      samples[index]!.cpu.push(cpuMs);
      samples[index]!.wall.push(wallMs);
    });
  }
  return commands.map(([name, command], index) => ({ name, command, cpuMs: summarize(samples[index]!.cpu), wallMs: summarize(samples[index]!.wall) }));
}

function range(summary: Summary): string {
  return `${fmt(summary.median, 0)} (${fmt(summary.min, 0)}-${fmt(summary.max, 0)})`;
}

export interface StartupResult {
  node: string;
  runs: number;
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
  targetCpuMs: number;
  results: StartupMeasure[];
}

/** Builds dist/ (unless `build` is false), measures the three commands on the tiny folder, cleans up. Used by `npm run bench -- --only startup` too. */
export function benchmarkStartup(runs: number, build = true): StartupResult {
  if (build) buildInstalledCli();
  const dir = mkdtempSync(join(tmpdir(), 'iis-startup-'));
  try {
    mkdirManifests(dir);
    const loadAverageAtStart = loadavg()[0]!;
    const results = measureStartup(runs, dir);
    return { node: process.version, runs, loadAverageAtStart, loadAverageAtEnd: loadavg()[0]!, targetCpuMs: STARTUP_TARGET_S * 1000, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, 'no-build': { type: 'boolean', default: false }, out: { type: 'string' }, 'print-commands': { type: 'boolean', default: false } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const startup = benchmarkStartup(runs, !values['no-build']);
  console.log(`Start-up of the compiled CLI (node ${process.version}), ${runs} runs each, median (min-max); load average ${fmt(startup.loadAverageAtStart, 2)} -> ${fmt(startup.loadAverageAtEnd, 2)}`);
  console.log('command          CPU ms (user+sys)   wall ms            target');
  for (const result of startup.results) {
    const target = result.name === 'node -e 0' ? '(floor)' : result.cpuMs.median <= STARTUP_TARGET_S * 1000 ? `<= ${STARTUP_TARGET_S * 1000} met` : `<= ${STARTUP_TARGET_S * 1000} MISSED`;
    console.log(`${result.name.padEnd(17)}${range(result.cpuMs).padEnd(20)}${range(result.wallMs).padEnd(19)}${target}`);
    if (values['print-commands']) console.log(`  ${result.command.join(' ')}`);
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(startup, null, 2)}\n`);
}

function mkdirManifests(dir: string): void {
  const manifests = join(dir, 'manifests');
  mkdirSync(manifests, { recursive: true });
  writeFileSync(join(manifests, 'tenants.yaml'), TINY_MANIFESTS);
}

if (process.argv[1]?.endsWith('startup.ts')) await main();
