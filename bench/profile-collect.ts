/**
 * Profiles live collection alone (not part of `npm run bench`): starts the API server double
 * with a generated fleet, warms up, then runs `collectLiveSnapshot` and the floor (the same
 * URLs, HTTPS GET + JSON.parse) alternately, reporting CPU time (user + system) and wall
 * time of each. Run under `node --cpu-prof` to see where the scan spends above the floor.
 *
 *   node_modules/.bin/node --import tsx bench/profile-collect.ts [large] [runs=9] [scan|floor|both] [out.cpuprofile]
 *
 * With a file name, the measured runs (not the set-up) are profiled into it (bench/profile.ts
 * summarizeProfile reads it).
 */
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { collectLiveSnapshot } from '../src/snapshot/live/index.js';
import { startKubeApiServerDouble } from '../test/doubles/kube-apiserver/index.js';
import { replayFloor } from './collect.js';
import { SIZES, generateFleet } from './generator.js';

const [sizeName = 'large', runsText = '9', which = 'both', profileOut] = process.argv.slice(2);
const size = SIZES[sizeName as keyof typeof SIZES];
const double = await startKubeApiServerDouble({ objects: generateFleet(size) });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromOptions(double.kubeconfig('profile'));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
// Garbage collection pauses (main thread), summed per measured run.
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
const measure = async (work: () => Promise<unknown>) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const gcBefore = gcMs;
  await work();
  // GC entries are delivered asynchronously: let them arrive before reading the sum.
  await new Promise((resolve) => setImmediate(resolve));
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000, gc: gcMs - gcBefore };
};
const from = double.requests.length;
await collectLiveSnapshot(kubeConfig, { cluster: { name: 'profile' } });
const log = double.requests.slice(from);
const scan = () => collectLiveSnapshot(kubeConfig, { cluster: { name: 'profile' } });
const floor = async () => {
  const agent = new https.Agent({ keepAlive: true, ca: double.caPem });
  await replayFloor(log, double.url, () => agent, double.token);
  agent.destroy();
};
await floor();
const results = { scan: { wall: [] as number[], cpu: [] as number[], gc: [] as number[] }, floor: { wall: [] as number[], cpu: [] as number[], gc: [] as number[] } };
const session = profileOut ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
for (let run = 0; run < Number(runsText); run++) {
  if (which !== 'floor') {
    const m = await measure(scan);
    results.scan.wall.push(m.wall);
    results.scan.cpu.push(m.cpu);
    results.scan.gc.push(m.gc);
  }
  if (which !== 'scan') {
    const m = await measure(floor);
    results.floor.wall.push(m.wall);
    results.floor.cpu.push(m.cpu);
    results.floor.gc.push(m.gc);
  }
}
if (session && profileOut) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileOut, JSON.stringify(profile));
  session.disconnect();
}
await double.close();
const ratios = results.scan.wall.map((w, i) => w / (results.floor.wall[i] ?? Number.NaN));
const cpuRatios = results.scan.cpu.map((c, i) => c / (results.floor.cpu[i] ?? Number.NaN));
console.log(
  JSON.stringify({
    scanWall: median(results.scan.wall),
    scanCpu: median(results.scan.cpu),
    floorWall: median(results.floor.wall),
    floorCpu: median(results.floor.cpu),
    scanGc: results.scan.gc.length ? median(results.scan.gc) : undefined,
    floorGc: results.floor.gc.length ? median(results.floor.gc) : undefined,
    ratioWall: median(ratios),
    ratioCpu: median(cpuRatios),
  }),
);
