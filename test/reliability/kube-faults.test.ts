/**
 * Kubernetes API faults against the live collector (src/snapshot/live) and the API server
 * double: every fault kind the double offers (status with Retry-After, delay, drop, hang,
 * truncated body, non-JSON body, continue-only faults), mid-pagination and on several kinds at
 * once. A recoverable fault must end in the same findings as a fault-free scan; an unrecoverable
 * one must say so (coverage, partial record, scan-incomplete) and keep every finding whose data
 * was read. Nothing may turn a fault into a clean `succeeded` record with fewer findings.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { defaultConfig } from '../../src/config/types.js';
import type { ClusterScanResult } from '../../src/report/types.js';
import { scanSnapshot } from '../../src/report/scan-result.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { collectLiveSnapshot, type LiveCollectionOptions } from '../../src/snapshot/live/index.js';
import { readDocumentFile, readMeshRevisionProfileFile } from '../../src/snapshot/offline.js';
import type { SnapshotKind } from '../../src/snapshot/types.js';
import { startKubeApiServerDouble, type Fault, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { DEMO_DIR, FAST_HTTP, generatedPods, kubeConfigOf } from '../integration/live/helpers.js';
import { generateTestPki } from '../helpers/tls.js';
import { expectNoFindingLost, scenarioSummary } from './scenarios.js';

const CLUSTER = 'aks-contaminated';
const folder = join(DEMO_DIR, CLUSTER);
const aksCluster = readDocumentFile(join(folder, 'aks-cluster.json'), 'AKS cluster');
const meshRevisionProfile = readMeshRevisionProfileFile(join(folder, 'mesh-revision-profile.json'));
/** 1,200 pods: three LIST pages, so continue-token faults land mid-pagination. */
const PODS = generatedPods(1200);
/** The pods' namespaces exist as Namespace objects, as on a real cluster. */
const POD_NAMESPACES = [...new Set(PODS.map((pod) => (pod.metadata as { namespace: string }).namespace))].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

let double: KubeApiServerDouble;
let baseline: ClusterScanResult;

async function scan(options: Partial<LiveCollectionOptions> = {}, kubeConfig: KubeConfig = kubeConfigOf(double)): Promise<ClusterScanResult> {
  const snapshot = await collectLiveSnapshot(kubeConfig, { cluster: { name: CLUSTER, resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${CLUSTER}` }, aksCluster, meshRevisionProfile, http: FAST_HTTP, ...options });
  return scanSnapshot(snapshot, defaultConfig(), { scanId: 'scan-kube-faults', startedAt: Date.now() });
}

async function scanWith(faults: Fault[], options: Partial<LiveCollectionOptions> = {}, kubeConfig?: KubeConfig): Promise<ClusterScanResult> {
  double.setFaults(faults);
  double.requests.length = 0;
  try {
    return await scan(options, kubeConfig);
  } finally {
    double.setFaults([]);
  }
}

const ids = (result: ClusterScanResult) => result.findings.map((finding) => finding.findingId);

/**
 * Baseline findings that a scan missing the `unread` kinds can still make: those of rules that
 * do not require the kinds, and not about an object of those kinds (e.g. resource-invalid on a
 * ServiceEntry cannot be reported when no ServiceEntry was read).
 */
function baselineIdsNotNeeding(unread: SnapshotKind[]): string[] {
  // Rules that partly need a kind (partlyRequires) lose the findings of that part: scan-incomplete names them.
  const blind = new Set(ALL_RULES.filter((rule) => [...rule.meta.requires, ...(rule.meta.partlyRequires ?? [])].some((kind) => unread.includes(kind))).map((rule) => rule.meta.id));
  return baseline.findings
    .filter((finding) => !blind.has(finding.ruleId) && finding.ruleId !== 'scan-incomplete' && !(unread as string[]).includes(finding.resource?.kind ?? ''))
    .map((finding) => finding.findingId);
}

/** Requests for `kind` answered with `status` (-1: dropped). */
function answered(kind: string, status: number): number {
  return double.requests.filter((request) => request.kind === kind && request.status === status).length;
}

beforeAll(async () => {
  double = await startKubeApiServerDouble({ manifestsDir: folder, objects: [...POD_NAMESPACES, ...PODS] });
  baseline = await scan();
  // The fixture must be worth protecting: findings, every kind read, pods on several pages.
  expect(baseline.record.status).toBe('succeeded');
  expect(baseline.findings.length).toBeGreaterThan(5);
  expect(baseline.record.resourceCounts.Pod).toBeGreaterThanOrEqual(1200);
});
afterAll(async () => {
  process.stdout.write(`\n[reliability] kube-faults: ${scenarioSummary()}\n`);
  await double?.close();
});

describe('Kubernetes API faults during a live scan', () => {
  it('kube-429-retry-after: honours Retry-After on several kinds and loses nothing', async () => {
    const result = await scanWith([
      { kind: 'Pod', status: 429, retryAfterSeconds: 1, times: 1 },
      { kind: 'Service', status: 429, retryAfterSeconds: 1, times: 1 },
      { kind: 'VirtualService', status: 429, retryAfterSeconds: 1, times: 1 },
    ]);
    expect(answered('Pod', 429) + answered('Service', 429) + answered('VirtualService', 429)).toBe(3);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('kube-429-retry-after', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('kube-5xx-transient: retries 500/503 (and a slow answer) and loses nothing', async () => {
    const result = await scanWith([
      { kind: 'Namespace', status: 500, times: 2 },
      { kind: 'ServiceEntry', status: 503, times: 2 },
      { kind: 'Gateway', delayMs: 300, times: 1 },
    ]);
    expect(answered('Namespace', 500)).toBe(2);
    expect(answered('ServiceEntry', 503)).toBe(2);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('kube-5xx-transient', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('kube-drop-mid-pagination: a connection dropped on a continue page is retried; every pod is read', async () => {
    const result = await scanWith([{ kind: 'Pod', onlyWithContinue: true, drop: true, times: 1 }]);
    expect(answered('Pod', -1)).toBe(1);
    expect(result.record.resourceCounts.Pod).toBe(baseline.record.resourceCounts.Pod);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('kube-drop-mid-pagination', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('kube-truncated-body: half a body then a cut connection is retried', async () => {
    const result = await scanWith([
      { kind: 'Sidecar', truncate: true, times: 1 },
      { kind: 'DestinationRule', truncate: true, times: 1 },
    ]);
    expect(double.requests.filter((request) => request.fault?.includes('truncate'))).toHaveLength(2);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('kube-truncated-body', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('kube-non-json: an HTML answer with status 200 is retried, never parsed as an empty list', async () => {
    const result = await scanWith([{ kind: 'ServiceEntry', nonJson: true, times: 1 }]);
    expect(double.requests.filter((request) => request.fault?.includes('nonJson'))).toHaveLength(1);
    expect(result.record.resourceCounts.ServiceEntry).toBe(baseline.record.resourceCounts.ServiceEntry);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('kube-non-json', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('kube-410-expired-continue: an expired continue token restarts the LIST series', async () => {
    const result = await scanWith([{ kind: 'Pod', onlyWithContinue: true, status: 410, times: 1 }]);
    expect(answered('Pod', 410)).toBe(1);
    // Restarted from the first page: more than the three pages a clean series needs.
    expect(double.requests.filter((request) => request.kind === 'Pod' && request.attributes.verb === 'list').length).toBeGreaterThan(3);
    expect(result.record.resourceCounts.Pod).toBe(baseline.record.resourceCounts.Pod);
    expect(result.record.status).toBe('succeeded');
    expectNoFindingLost('kube-410-expired-continue', { expectedFindingIds: ids(baseline), deliveredFindingIds: ids(result) });
  });

  it('kube-several-kinds-persistent: unreadable kinds make a partial record, every other finding is kept', async () => {
    const result = await scanWith([
      { kind: 'Pod', status: 500 },
      { kind: 'Deployment', status: 500 },
      { kind: 'RoleBinding', status: 403 },
    ]);
    expect(result.record.coverage.Pod?.status).toBe('failed');
    expect(result.record.coverage.Deployment?.status).toBe('failed');
    expect(result.record.coverage.RoleBinding?.status).toBe('forbidden');
    expect(result.record.status).toBe('partial');
    expect(result.record.error).toMatch(/Pod/);
    expect(result.findings.some((finding) => finding.ruleId === 'scan-incomplete')).toBe(true);
    expectNoFindingLost('kube-several-kinds-persistent', { expectedFindingIds: baselineIdsNotNeeding(['Pod', 'Deployment', 'RoleBinding']), deliveredFindingIds: ids(result) });
  });

  it('kube-401-404-mid-scan: a rejected token or a vanished CRD on one kind is reported, not retried, and spares the rest', async () => {
    const result = await scanWith([
      { kind: 'ServiceEntry', status: 401 },
      // Istio's Gateway only: the Gateway API's Gateway has the same Kubernetes kind.
      { kind: 'Gateway', path: '/apis/networking.istio.io/*', status: 404 },
    ]);
    // Neither is transient: one request each, no retries.
    expect(answered('ServiceEntry', 401)).toBe(1);
    expect(answered('Gateway', 404)).toBe(1);
    expect(result.record.coverage.ServiceEntry?.status).toBe('forbidden');
    expect(result.record.coverage.Gateway?.status).toBe('failed');
    expect(result.record.status).toBe('partial');
    expectNoFindingLost('kube-401-404-mid-scan', { expectedFindingIds: baselineIdsNotNeeding(['ServiceEntry', 'Gateway']), deliveredFindingIds: ids(result) });
  });

  it('kube-hang-deadline: a hanging API server is cut off by the per-cluster deadline', async () => {
    const http = { ...FAST_HTTP, requestTimeoutMs: 500, maxAttempts: 2 };
    // Pods hang: the deadline (not the test timeout) ends the scan, as partial.
    const podsHang = await scanWith([{ kind: 'Pod', hang: true }], { deadlineMs: 2500, http });
    expect(podsHang.record.coverage.Pod?.status).toBe('failed');
    expect(podsHang.record.status).toBe('partial');
    expectNoFindingLost('kube-hang-deadline', { expectedFindingIds: baselineIdsNotNeeding(['Pod']), deliveredFindingIds: ids(podsHang) });

    // The whole server hangs, discovery included: nothing read, never `succeeded`.
    const allHang = await scanWith([{ path: '/*', hang: true }], { deadlineMs: 2000, http });
    expect(allHang.record.status).not.toBe('succeeded');
    expect(Object.values(allHang.record.coverage).every((entry) => entry?.status === 'failed')).toBe(true);
    expect(allHang.findings.map((finding) => finding.ruleId)).toContain('scan-incomplete');
  });

  it('kube-oversized-page: a LIST page over the size cap fails its kind at once, announced or not', async () => {
    // A page of 500 generated pods is well over 64 KiB; every other answer of the fixture is under it.
    const http = { ...FAST_HTTP, maxResponseBytes: 64 * 1024 };
    const announced = await scanWith([], { http });
    expect(announced.record.coverage.Pod).toMatchObject({ status: 'failed' });
    expect(announced.record.coverage.Pod!.error).toMatch(/GET \/api\/v1\/pods: the response is larger than the 65536 bytes cap on one API response/);
    expect(double.requests.filter((request) => request.kind === 'Pod')).toHaveLength(1);

    // Chunked, without Content-Length: refused while it arrives, after about the cap, never read whole.
    const chunked = await scanWith([{ kind: 'Pod', chunked: true }], { http });
    expect(chunked.record.coverage.Pod).toMatchObject({ status: 'failed', requests: 1 });
    expect(chunked.record.coverage.Pod!.bytes).toBeLessThan(64 * 1024 + 32 * 1024);
    expect(chunked.record.coverage.Pod!.error).toContain('cap on one API response');
    expect(chunked.record.status).toBe('partial');
    for (const kind of ['Namespace', 'ServiceEntry', 'Sidecar'] as const) expect(chunked.record.coverage[kind]?.status).toBe('read');
    expectNoFindingLost('kube-oversized-page', { expectedFindingIds: baselineIdsNotNeeding(['Pod']), deliveredFindingIds: ids(chunked) });
  });

  it('kube-credential-echo: credentials echoed by the server never reach coverage, the record or a finding', async () => {
    // A kubeconfig user with a bearer token and a client certificate and key (the double does not ask for the certificate).
    const client = generateTestPki();
    const options = double.kubeconfig();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({ ...options, users: [{ name: options.users[0]!.name, token: double.token, certData: Buffer.from(client.certPem).toString('base64'), keyData: Buffer.from(client.keyPem).toString('base64') }] });
    const keyData = Buffer.from(client.keyPem).toString('base64');
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJzY2FubmVyIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
    const result = await scanWith(
      [
        { kind: 'Sidecar', status: 403, message: `sidecars is forbidden: request had $AUTHORIZATION (token ${double.token}); client key ${client.keyPem}` },
        { kind: 'PeerAuthentication', status: 500, message: `proxy error, client-key-data: ${keyData}, upstream token ${jwt}` },
      ],
      {},
      kubeConfig,
    );
    expect(result.record.coverage.Sidecar?.status).toBe('forbidden');
    expect(result.record.coverage.PeerAuthentication?.status).toBe('failed');
    const everything = JSON.stringify({ record: result.record, findings: result.findings });
    expect(everything).toContain('[redacted]');
    const keyBody = client.keyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    for (const secret of [double.token, keyBody.slice(10, 60), keyData.slice(10, 60), jwt, 'PRIVATE KEY']) expect(everything).not.toContain(secret);
    expectNoFindingLost('kube-credential-echo', { expectedFindingIds: baselineIdsNotNeeding(['Sidecar', 'PeerAuthentication']), deliveredFindingIds: ids(result) });
  });
});
