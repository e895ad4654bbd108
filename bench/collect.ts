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
import { GATEKEEPER_CONSTRAINTS_GROUP, KIND_INFO, classifyKind, type KindInfo } from '../src/snapshot/kinds.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { DEFAULT_CONCURRENCY, collectLiveSnapshot } from '../src/snapshot/live/index.js';
import { PAGE_SIZE } from '../src/snapshot/live/list.js';
import { DEFAULT_GROUP_VERSIONS, startKubeApiServerDouble, type GroupServing, type RecordedRequest } from '../test/doubles/kube-apiserver/index.js';
import { labelsMatch, parseLabelSelector } from '../test/doubles/kube-apiserver/label-selector.js';
import { generateFleet, type FleetSize } from './generator.js';
import { summarize, type Summary } from './stats.js';

export interface RequestAccounting {
  total: number;
  /** Non-resource GETs: /api, /apis, group versions. */
  discovery: number;
  /** Discovery GETs the scanner must send (expectedRequests). */
  expectedDiscovery: number;
  /** LIST pages actually requested. */
  listPages: number;
  /** Sum over listed resources of max(1, ceil(objects of that resource / 500)). */
  expectedListPages: number;
  /** GETs of single objects by name (the mesh config ConfigMaps). */
  namedGets: number;
  expectedNamedGets: number;
  /** True when every category matches its expectation, no request repeats and every LIST used limit=500. */
  matchesExpected: boolean;
  /** What differed from the expectation, if anything. */
  mismatches: string[];
}

/**
 * What a collection of a fleet from the double must request, and nothing more (architecture.md
 * "Scale"): `/apis`, then per served API group its preferred version's resource list plus the
 * first understood version serving each kind the preferred one lacks (kyverno.io/v2 for
 * PolicyException), the constraint group when served; one LIST series per served resource
 * (keyed by group and resource, not by kind: Istio's and the Gateway API's Gateway are two
 * resources) with the objects matching its label selector; the mesh ConfigMaps by name in the
 * root namespace (istio, istio-sidecar-injector and three names per revision in use).
 */
export interface RequestExpectation {
  discoveryPaths: string[];
  /** `group/resource` -> objects the LIST series returns (0 still takes one page). */
  listObjects: Map<string, number>;
  namedGetPaths: string[];
}

/** Derives the expectation from the fleet and the double's served versions, not from the scanner's request log. */
export function expectedRequests(fleet: ReadonlyArray<Record<string, unknown>>, groupVersions: Record<string, GroupServing> = DEFAULT_GROUP_VERSIONS): RequestExpectation {
  const infos = Object.values(KIND_INFO) as KindInfo[];
  const servedAt = (info: KindInfo) => (info.group === '' ? ['v1'] : info.versions.filter((version) => groupVersions[info.group]?.versions.includes(version)));
  const discoveryPaths = ['/apis'];
  for (const group of [...new Set(infos.map((info) => info.group))].filter((g) => g !== '')) {
    const serving = groupVersions[group];
    const kinds = infos.filter((info) => info.group === group && servedAt(info).length > 0);
    if (!serving || kinds.length === 0) continue;
    const preferred = serving.preferred ?? serving.versions[0]!;
    const versions = new Set([preferred]);
    for (const info of kinds) if (!servedAt(info).includes(preferred)) versions.add(servedAt(info)[0]!);
    for (const version of versions) discoveryPaths.push(`/apis/${group}/${version}`);
  }
  const constraintKinds = new Set(fleet.filter((o) => String(o.apiVersion).startsWith(`${GATEKEEPER_CONSTRAINTS_GROUP}/`)).map((o) => String(o.kind)));
  const constraintServing = groupVersions[GATEKEEPER_CONSTRAINTS_GROUP];
  if (constraintKinds.size > 0 && constraintServing) discoveryPaths.push(`/apis/${GATEKEEPER_CONSTRAINTS_GROUP}/${constraintServing.preferred ?? constraintServing.versions[0]!}`);

  const listObjects = new Map<string, number>();
  for (const info of infos) if (info.kind !== 'ConfigMap' && servedAt(info).length > 0) listObjects.set(`${info.group}/${info.plural}`, 0);
  for (const kind of constraintKinds) listObjects.set(`${GATEKEEPER_CONSTRAINTS_GROUP}/${kind.toLowerCase()}`, 0);
  const revisions = new Set<string>();
  const namespaces = new Set<string>();
  for (const object of fleet) {
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };
    const labels = metadata.labels ?? {};
    const classified = classifyKind(String(object.apiVersion), String(object.kind));
    if (!('snapshotKind' in classified)) continue;
    const kind = classified.snapshotKind;
    if (kind === 'Namespace') namespaces.add(metadata.name ?? '');
    if (labels['istio.io/rev'] && (kind === 'Namespace' || kind === 'Pod' || kind === 'MutatingWebhookConfiguration' || (kind === 'Deployment' && metadata.name?.startsWith('istiod')))) revisions.add(labels['istio.io/rev']);
    const key = kind === 'Constraint' ? `${GATEKEEPER_CONSTRAINTS_GROUP}/${String(object.kind).toLowerCase()}` : `${KIND_INFO[kind].group}/${KIND_INFO[kind].plural}`;
    const selector = kind === 'Constraint' ? undefined : KIND_INFO[kind].labelSelector;
    if (listObjects.has(key) && (!selector || labelsMatch(parseLabelSelector(selector), labels))) listObjects.set(key, listObjects.get(key)! + 1);
  }
  revisions.delete('default');
  const root = namespaces.has('aks-istio-system') ? 'aks-istio-system' : 'istio-system';
  const names = ['istio', 'istio-sidecar-injector', ...[...revisions].flatMap((r) => [`istio-${r}`, `istio-shared-configmap-${r}`, `istio-sidecar-injector-${r}`])];
  return { discoveryPaths, listObjects, namedGetPaths: names.map((name) => `/api/v1/namespaces/${root}/configmaps/${name}`) };
}

/** Checks the request log against the expectation: counts per category, pages per LIST path, no request sent twice. */
export function accountRequests(log: RecordedRequest[], expected: RequestExpectation): RequestAccounting {
  const mismatches: string[] = [];
  const lists = log.filter((request) => request.attributes.verb === 'list');
  const discovery = log.filter((request) => request.attributes.nonResourceURL !== undefined);
  const namedGets = log.filter((request) => request.attributes.verb === 'get' && request.attributes.resource !== undefined);
  const other = log.length - lists.length - discovery.length - namedGets.length;
  if (other > 0) mismatches.push(`${other} request(s) neither discovery, LIST nor GET by name`);

  const seen = new Set<string>();
  for (const request of log) {
    const key = `${request.path}?${new URLSearchParams(request.query).toString()}`;
    if (seen.has(key)) mismatches.push(`sent twice: ${request.path}${request.query.continue ? ' (a continue page)' : ''}`);
    seen.add(key);
  }
  const compareSets = (what: string, actual: string[], wanted: string[]) => {
    const wantedSet = new Set(wanted);
    const actualSet = new Set(actual);
    const extra = [...actualSet].filter((path) => !wantedSet.has(path));
    const missing = wanted.filter((path) => !actualSet.has(path));
    if (extra.length > 0) mismatches.push(`${what} not needed: ${extra.join(', ')}`);
    if (missing.length > 0) mismatches.push(`${what} missing: ${missing.join(', ')}`);
  };
  compareSets('discovery', discovery.map((request) => request.path), expected.discoveryPaths);
  compareSets('GET by name', namedGets.map((request) => request.path), expected.namedGetPaths);

  // Pages per LIST path (/apis/<group>/<version>/<resource>): one series per resource, at one version.
  const pagesPerPath = new Map<string, number>();
  for (const request of lists) pagesPerPath.set(request.path, (pagesPerPath.get(request.path) ?? 0) + 1);
  const pathsPerResource = new Map<string, string[]>();
  for (const request of lists) {
    const resource = `${request.attributes.group ?? ''}/${request.attributes.resource ?? ''}`;
    const paths = pathsPerResource.get(resource) ?? [];
    if (!paths.includes(request.path)) paths.push(request.path);
    pathsPerResource.set(resource, paths);
  }
  let expectedListPages = 0;
  for (const [resource, objects] of expected.listObjects) {
    const pages = Math.max(1, Math.ceil(objects / PAGE_SIZE));
    expectedListPages += pages;
    const paths = pathsPerResource.get(resource) ?? [];
    if (paths.length === 0) mismatches.push(`${resource}: not listed`);
    if (paths.length > 1) mismatches.push(`${resource}: listed at ${paths.length} paths (${paths.join(', ')})`);
    for (const path of paths) if (pagesPerPath.get(path) !== pages) mismatches.push(`${path}: ${pagesPerPath.get(path)} pages, expected ${pages} (${objects} objects)`);
  }
  for (const [resource, paths] of pathsPerResource) if (!expected.listObjects.has(resource)) mismatches.push(`${resource}: listed (${paths.join(', ')}) but not expected`);
  if (!lists.every((request) => request.query.limit === String(PAGE_SIZE))) mismatches.push(`some LIST requests did not use limit=${PAGE_SIZE}`);
  const expectedDiscovery = expected.discoveryPaths.length;
  const expectedNamedGets = expected.namedGetPaths.length;
  return {
    total: log.length,
    discovery: discovery.length,
    expectedDiscovery,
    listPages: lists.length,
    expectedListPages,
    namedGets: namedGets.length,
    expectedNamedGets,
    matchesExpected: mismatches.length === 0 && log.length === expectedDiscovery + expectedListPages + expectedNamedGets,
    mismatches,
  };
}

export interface CollectResult {
  size: string;
  objectsServed: number;
  objectsCollected: number;
  runs: number;
  /** Wall time. */
  scanMs: Summary;
  floorMs: Summary;
  /** scan / floor wall time per run. */
  ratio: Summary;
  /**
   * CPU time (user + system of the process, every thread: garbage collection included). The
   * double serves both sides in this process, so this is what the target is judged on: on a
   * shared machine, wall time mostly measures waiting for a CPU.
   */
  scanCpuMs: Summary;
  floorCpuMs: Summary;
  /** scan / floor CPU time per run (the target). */
  cpuRatio: Summary;
  /** Diagnostic: CPU time of the floor keeping every parsed body until it ends (a collector must hold what it read). */
  floorKeepingCpuMs: Summary;
  /** Diagnostic: scan / floor keeping the bodies, CPU time per run: the scanner's own work beyond holding what it read. */
  scanToKeepingCpuRatio: Summary;
  bytesPerScan: number;
  /** TCP+TLS connections opened by one scan and by one floor replay (keep-alive reuses them). */
  connections: { scan: number; floor: number };
  /**
   * CPU part of the scan that the floor does not do: normalizing the objects and assembling
   * the snapshot (validation, mesh config), timed alone on the same objects.
   */
  assemblyMs: Summary;
  requests: RequestAccounting;
  /** Kinds not read (status other than 'read'/'absent'), which would make the comparison meaningless. */
  unreadKinds: string[];
}

/**
 * The floor: GET every logged URL over HTTPS (verified) with the token, JSON.parse each body.
 * With `keep`, the parsed bodies are kept there (a diagnostic: what merely holding the objects
 * costs, which any collector must do and the floor does not).
 */
export async function replayFloor(log: RecordedRequest[], baseUrl: string, agentFor: () => https.Agent, token: string, keep?: unknown[]): Promise<number> {
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
            const parsed: unknown = JSON.parse(raw.toString('utf8'));
            keep?.push(parsed);
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

/**
 * Two young-generation collections while a side still holds what it made: everything it keeps
 * is then in the old generation, as in a real scan, which holds its snapshot through evaluation.
 * Without them, what a side made after the last scavenge of its window would be dropped before
 * any scavenge copied it, and the larger the young generation, the more of the cost of holding
 * would fall outside the window. A side that keeps nothing pays two cheap collections.
 */
function promoteWhatIsHeld(): void {
  const gc = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
  if (!gc) throw new Error('the collection benchmark needs node --expose-gc (bench/collect-worker.ts is started with it)');
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}

/** Wall and CPU time (user + system, every thread: garbage collection included) of `work`, until what it returns or keeps is promoted. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  promoteWhatIsHeld();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
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

function timeAssembly(fleetJson: string, clusterName: string): number {
  const fleet = JSON.parse(fleetJson) as Array<Record<string, unknown>>;
  const started = performance.now();
  const objects: K8sObject[] = [];
  for (const raw of fleet) {
    const result = normalizeObject(raw, undefined, { keepRawMetadata: false });
    if ('object' in result) objects.push(result.object);
  }
  assembleSnapshot({ cluster: { name: clusterName }, source: 'live', objects });
  return performance.now() - started;
}

export async function benchmarkCollection(size: FleetSize, runs: number): Promise<CollectResult> {
  // Only the double and strings stay in the heap during the runs: a fleet of objects held here
  // would be marked by every full collection, which the scan pays for (it promotes what it
  // keeps) and the floor does not, while a scanner process holds no such thing.
  const { expected, fleetJson, double } = await (async () => {
    const fleet = generateFleet(size);
    return { expected: expectedRequests(fleet), fleetJson: JSON.stringify(fleet), double: await startKubeApiServerDouble({ objects: fleet }) };
  })();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(double.kubeconfig('bench'));
  const agent = new https.Agent({ keepAlive: true, ca: double.caPem });
  try {
    const scanOnce = async () => {
      const from = double.requests.length;
      const { value: counted, ms, cpuMs } = await timed(() => countConnections(() => collectLiveSnapshot(kubeConfig, { cluster: { name: `bench-${size.name}` } })));
      // What the result needs of the snapshot; the snapshot itself is not kept into the next run.
      const snapshot = counted.value;
      const unreadKinds = Object.entries(snapshot.coverage)
        .filter(([, entry]) => entry && entry.status !== 'read' && entry.status !== 'absent')
        .map(([kind, entry]) => `${kind} (${entry?.status}: ${entry?.error ?? ''})`);
      const objectsCollected = Object.values(snapshot.objects).reduce((sum, objects) => sum + objects.length, 0);
      const log = double.requests.splice(from);
      return { ms, cpuMs, unreadKinds, objectsCollected, connections: counted.connections, log };
    };
    // Warm-up (JIT, TLS session, the double's caches); not measured.
    const warm = await scanOnce();
    await replayFloor(warm.log, double.url, () => agent, double.token);

    const scanTimes: number[] = [];
    const floorTimes: number[] = [];
    const ratios: number[] = [];
    const scanCpuTimes: number[] = [];
    const floorCpuTimes: number[] = [];
    const cpuRatios: number[] = [];
    const assemblyTimes: number[] = [];
    const floorKeepingCpuTimes: number[] = [];
    const keepingRatios: number[] = [];
    let last = warm;
    let floorConnections = 0;
    const floorOnce = async () => {
      // A fresh agent per replay: the floor pays for its connections like the scan does.
      const floorAgent = new https.Agent({ keepAlive: true, ca: double.caPem });
      const { value, ms, cpuMs } = await timed(() => countConnections(() => replayFloor(last.log, double.url, () => floorAgent, double.token)));
      floorConnections = value.connections;
      floorAgent.destroy();
      return { ms, cpuMs };
    };
    const floorKeepingOnce = async () => {
      const keepingAgent = new https.Agent({ keepAlive: true, ca: double.caPem });
      const kept: unknown[] = [];
      const { cpuMs } = await timed(() => replayFloor(last.log, double.url, () => keepingAgent, double.token, kept));
      keepingAgent.destroy();
      kept.length = 0;
      return cpuMs;
    };
    for (let run = 0; run < runs; run++) {
      // Rotate which side goes first, so none always inherits another's garbage; the diagnostic
      // (the floor keeping every parsed body until it ends, as a collector must) takes its turn.
      let floor = { ms: 0, cpuMs: 0 };
      let keepingCpuMs = 0;
      for (let turn = 0; turn < 3; turn++) {
        const side = (run + turn) % 3;
        if (side === 0) last = await scanOnce();
        else if (side === 1) floor = await floorOnce();
        else keepingCpuMs = await floorKeepingOnce();
      }
      scanTimes.push(last.ms);
      floorTimes.push(floor.ms);
      ratios.push(last.ms / floor.ms);
      scanCpuTimes.push(last.cpuMs);
      floorCpuTimes.push(floor.cpuMs);
      cpuRatios.push(last.cpuMs / floor.cpuMs);
      floorKeepingCpuTimes.push(keepingCpuMs);
      keepingRatios.push(last.cpuMs / keepingCpuMs);
    }
    // After the measured runs: what it keeps and drops would otherwise be collected during (and
    // charged to) whichever measured run came next.
    for (let run = 0; run < runs; run++) assemblyTimes.push(timeAssembly(fleetJson, `bench-${size.name}`));
    const { unreadKinds, objectsCollected } = last;
    return {
      size: size.name,
      objectsServed: double.objectCount,
      objectsCollected,
      runs,
      scanMs: summarize(scanTimes),
      floorMs: summarize(floorTimes),
      ratio: summarize(ratios),
      scanCpuMs: summarize(scanCpuTimes),
      floorCpuMs: summarize(floorCpuTimes),
      cpuRatio: summarize(cpuRatios),
      floorKeepingCpuMs: summarize(floorKeepingCpuTimes),
      scanToKeepingCpuRatio: summarize(keepingRatios),
      bytesPerScan: last.log.reduce((sum, request) => sum + request.bytes, 0),
      connections: { scan: last.connections, floor: floorConnections },
      assemblyMs: summarize(assemblyTimes),
      requests: accountRequests(last.log, expected),
      unreadKinds,
    };
  } finally {
    agent.destroy();
    await double.close();
  }
}
