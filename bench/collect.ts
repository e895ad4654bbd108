/**
 * Benchmark 2 (collection): a live collection of a generated fleet from the Kubernetes API
 * server double, against the floor of the same work without the scanner: plain HTTPS GETs
 * of exactly the pages the scanner requested (replayed from the double's request log, same
 * CA, same bearer token, keep-alive) and JSON.parse of each body.
 *
 * Both run in this process against the same double, alternating scan and floor in every run,
 * so the double's own cost (building page bodies, TLS) is paid equally by both sides.
 * The floor replays with the scanner's own shape: one LIST series (pages of one path, in
 * order) at a time per slot, DEFAULT_CONCURRENCY slots. It knows every URL in advance, so it
 * is if anything faster than a real client could be: the ratio errs against the scanner.
 */
import diagnostics from 'node:diagnostics_channel';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { DEFAULT_CONCURRENCY, collectLiveSnapshot } from '../src/snapshot/live/index.js';
import { PAGE_SIZE } from '../src/snapshot/live/list.js';
import { startKubeApiServerDouble, type RecordedRequest } from '../test/doubles/kube-apiserver/index.js';
import { generateFleet, type FleetSize } from './generator.js';
import { summarize, type Summary } from './stats.js';

export interface RequestAccounting {
  total: number;
  /** Non-resource GETs: /api, /apis, group versions. */
  discovery: number;
  /** LIST pages actually requested. */
  listPages: number;
  /** Sum over listed kinds of max(1, ceil(objects of that kind / 500)). */
  expectedListPages: number;
  /** GETs of single objects by name (the mesh config ConfigMaps). */
  namedGets: number;
  /** True when total = discovery + expected list pages + named gets and every LIST used limit=500. */
  matchesExpected: boolean;
  /** Kinds whose page count differed from the expectation, if any. */
  mismatches: string[];
}

export interface CollectResult {
  size: string;
  objectsServed: number;
  objectsCollected: number;
  runs: number;
  scanMs: Summary;
  floorMs: Summary;
  /** scan / floor per run. */
  ratio: Summary;
  bytesPerScan: number;
  /** TCP+TLS connections opened by one scan and by one floor replay (keep-alive reuses them). */
  connections: { scan: number; floor: number };
  /**
   * CPU part of the scan that the floor does not do: normalizing the objects and assembling
   * the snapshot (validation, mesh config), timed alone on the same objects.
   */
  assemblyMs: Summary;
  /** Diagnostic: the floor again, but with a new TLS connection for every request. */
  floorNewConnectionPerRequestMs: Summary;
  requests: RequestAccounting;
  /** Kinds not read (status other than 'read'/'absent'), which would make the comparison meaningless. */
  unreadKinds: string[];
}

/** Checks the request log against the request-count contract of architecture.md "Scale". */
export function accountRequests(log: RecordedRequest[], objectsPerKind: Map<string, number>): RequestAccounting {
  const lists = log.filter((request) => request.attributes.verb === 'list');
  const discovery = log.filter((request) => request.attributes.nonResourceURL !== undefined).length;
  const namedGets = log.filter((request) => request.attributes.verb === 'get' && request.attributes.resource !== undefined).length;
  const pagesPerKind = new Map<string, number>();
  for (const request of lists) pagesPerKind.set(request.kind ?? '?', (pagesPerKind.get(request.kind ?? '?') ?? 0) + 1);
  let expectedListPages = 0;
  const mismatches: string[] = [];
  for (const [kind, pages] of pagesPerKind) {
    const expected = Math.max(1, Math.ceil((objectsPerKind.get(kind) ?? 0) / PAGE_SIZE));
    expectedListPages += expected;
    if (pages !== expected) mismatches.push(`${kind}: ${pages} pages, expected ${expected}`);
  }
  const everyListPaged = lists.every((request) => request.query.limit === String(PAGE_SIZE));
  if (!everyListPaged) mismatches.push(`some LIST requests did not use limit=${PAGE_SIZE}`);
  return {
    total: log.length,
    discovery,
    listPages: lists.length,
    expectedListPages,
    namedGets,
    matchesExpected: mismatches.length === 0 && log.length === discovery + expectedListPages + namedGets,
    mismatches,
  };
}

/** The floor: GET every logged URL over HTTPS (verified) with the token, JSON.parse each body. */
async function replay(log: RecordedRequest[], baseUrl: string, agentFor: () => https.Agent, token: string): Promise<number> {
  // Group into series (same path = pages of one LIST, sequential by nature of `continue`).
  const series = new Map<string, RecordedRequest[]>();
  for (const request of log) series.set(request.path, [...(series.get(request.path) ?? []), request]);
  const queue = [...series.values()];
  let bytes = 0;
  const getOne = (request: RecordedRequest) =>
    new Promise<void>((resolve, reject) => {
      const url = new URL(baseUrl + request.path);
      for (const [key, value] of Object.entries(request.query)) url.searchParams.set(key, value);
      const outgoing = https.get(url, { agent: agentFor(), headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          bytes += raw.length;
          try {
            JSON.parse(raw.toString('utf8'));
            resolve();
          } catch (error) {
            reject(error as Error);
          }
        });
        response.on('error', reject);
      });
      outgoing.on('error', reject);
    });
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) for (const request of next) await getOne(request);
  };
  await Promise.all(Array.from({ length: DEFAULT_CONCURRENCY }, worker));
  return bytes;
}

/** Counts client sockets opened while `work` runs (Node's net.client.socket diagnostics channel). */
async function countConnections<T>(work: () => Promise<T>): Promise<{ value: T; connections: number }> {
  let connections = 0;
  const onSocket = () => (connections += 1);
  diagnostics.subscribe('net.client.socket', onSocket);
  try {
    return { value: await work(), connections };
  } finally {
    diagnostics.unsubscribe('net.client.socket', onSocket);
  }
}

function timeAssembly(fleet: Array<Record<string, unknown>>, clusterName: string): number {
  const started = performance.now();
  const objects: K8sObject[] = [];
  for (const raw of fleet) {
    const result = normalizeObject(raw);
    if ('object' in result) objects.push(result.object);
  }
  assembleSnapshot({ cluster: { name: clusterName }, source: 'live', objects });
  return performance.now() - started;
}

export async function benchmarkCollection(size: FleetSize, runs: number): Promise<CollectResult> {
  const fleet = generateFleet(size);
  const objectsPerKind = new Map<string, number>();
  for (const object of fleet) objectsPerKind.set(String(object.kind), (objectsPerKind.get(String(object.kind)) ?? 0) + 1);

  const double = await startKubeApiServerDouble({ objects: fleet });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(double.kubeconfig('bench'));
  const agent = new https.Agent({ keepAlive: true, ca: double.caPem });
  try {
    const scanOnce = async () => {
      const from = double.requests.length;
      const started = performance.now();
      const { value: snapshot, connections } = await countConnections(() => collectLiveSnapshot(kubeConfig, { cluster: { name: `bench-${size.name}` } }));
      return { ms: performance.now() - started, snapshot, connections, log: double.requests.slice(from) };
    };
    // Warm-up (JIT, TLS session, the double's caches); not measured.
    const warm = await scanOnce();
    await replay(warm.log, double.url, () => agent, double.token);

    const scanTimes: number[] = [];
    const floorTimes: number[] = [];
    const ratios: number[] = [];
    const assemblyTimes: number[] = [];
    const floorNewConnectionTimes: number[] = [];
    let last = warm;
    let floorConnections = 0;
    const floorOnce = async () => {
      // A fresh agent per replay: the floor pays for its connections like the scan does.
      const floorAgent = new https.Agent({ keepAlive: true, ca: double.caPem });
      const started = performance.now();
      floorConnections = (await countConnections(() => replay(last.log, double.url, () => floorAgent, double.token))).connections;
      const floorMs = performance.now() - started;
      floorAgent.destroy();
      return floorMs;
    };
    for (let run = 0; run < runs; run++) {
      // Alternate which side goes first, so neither always inherits the other's garbage.
      let floorMs = 0;
      if (run % 2 === 1) floorMs = await floorOnce();
      last = await scanOnce();
      if (run % 2 === 0) floorMs = await floorOnce();
      // Diagnostic: the same floor with a new agent (so a new TLS connection) per request, which
      // is what the scanner's client does today; tells how much of the gap is connection set-up.
      const oneShotAgents: https.Agent[] = [];
      const oneShotStarted = performance.now();
      await replay(last.log, double.url, () => oneShotAgents[oneShotAgents.push(new https.Agent({ ca: double.caPem })) - 1]!, double.token);
      floorNewConnectionTimes.push(performance.now() - oneShotStarted);
      for (const oneShot of oneShotAgents) oneShot.destroy();
      scanTimes.push(last.ms);
      floorTimes.push(floorMs);
      ratios.push(last.ms / floorMs);
      assemblyTimes.push(timeAssembly(fleet, `bench-${size.name}`));
    }
    const snapshot = last.snapshot;
    const unreadKinds = Object.entries(snapshot.coverage)
      .filter(([, entry]) => entry && entry.status !== 'read' && entry.status !== 'absent')
      .map(([kind, entry]) => `${kind} (${entry?.status}: ${entry?.error ?? ''})`);
    const objectsCollected = Object.values(snapshot.objects).reduce((sum, objects) => sum + objects.length, 0);
    return {
      size: size.name,
      objectsServed: double.objectCount,
      objectsCollected,
      runs,
      scanMs: summarize(scanTimes),
      floorMs: summarize(floorTimes),
      ratio: summarize(ratios),
      bytesPerScan: last.log.reduce((sum, request) => sum + request.bytes, 0),
      connections: { scan: last.connections, floor: floorConnections },
      assemblyMs: summarize(assemblyTimes),
      floorNewConnectionPerRequestMs: summarize(floorNewConnectionTimes),
      requests: accountRequests(last.log, objectsPerKind),
      unreadKinds,
    };
  } finally {
    agent.destroy();
    await double.close();
  }
}
