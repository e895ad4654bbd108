/**
 * Every programmed fault of the API server double: the scan survives it, and the coverage
 * record says exactly what was read and what was not.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { defaultConfig } from '../../../src/config/types.js';
import { collectLiveSnapshot, type LiveCollectionOptions } from '../../../src/snapshot/live/index.js';
import { SNAPSHOT_KINDS } from '../../../src/snapshot/types.js';
import { generateTestPki } from '../../helpers/tls.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { DEMO_DIR, FAST_HTTP, generatedPods, kubeConfigOf } from './helpers.js';

let double: KubeApiServerDouble;
const POD_COUNT = 1100;

beforeAll(async () => {
  double = await startKubeApiServerDouble({ manifestsDir: `${DEMO_DIR}/aks-contaminated`, objects: generatedPods(POD_COUNT) });
});
afterAll(async () => {
  await double.close();
});
beforeEach(() => {
  double.setFaults([]);
  double.requests.length = 0;
});

function scan(options: Partial<LiveCollectionOptions> = {}, kubeConfig = kubeConfigOf(double)) {
  return collectLiveSnapshot(kubeConfig, { cluster: { name: 'faulty' }, ...options, http: { ...FAST_HTTP, ...options.http } });
}

function readKinds(snapshot: Awaited<ReturnType<typeof scan>>) {
  return SNAPSHOT_KINDS.filter((kind) => snapshot.coverage[kind]?.status === 'read');
}

describe('per-kind authorization failures', () => {
  it('403 on one kind: forbidden coverage, a scan-incomplete finding naming the kind and its rules, the rest read', async () => {
    double.setFaults([{ kind: 'AuthorizationPolicy', status: 403 }]);
    const snapshot = await scan();
    expect(snapshot.coverage.AuthorizationPolicy).toMatchObject({ status: 'forbidden', apiVersion: 'security.istio.io/v1', requests: 1 });
    expect(snapshot.coverage.AuthorizationPolicy!.error).toContain('HTTP 403');
    expect(readKinds(snapshot)).toHaveLength(SNAPSHOT_KINDS.length - 2); // AuthorizationPolicy forbidden, Constraint absent
    expect(double.requests.filter((r) => r.kind === 'AuthorizationPolicy')).toHaveLength(1); // 403 is never retried

    const incomplete = evaluateSnapshot(snapshot, defaultConfig()).filter((f) => f.ruleId === 'scan-incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]!.evidence).toMatchObject({ kind: 'AuthorizationPolicy', status: 'forbidden' });
    expect((incomplete[0]!.evidence.unknownRules as string[]).length).toBeGreaterThan(0);
  });

  it('401 on one kind (credentials expired mid-scan): forbidden, the rest read', async () => {
    double.setFaults([{ kind: 'Sidecar', status: 401 }]);
    const snapshot = await scan();
    expect(snapshot.coverage.Sidecar).toMatchObject({ status: 'forbidden' });
    expect(snapshot.coverage.Sidecar!.error).toContain('HTTP 401');
    expect(snapshot.coverage.VirtualService).toMatchObject({ status: 'read' });
  });

  it('a rejected token: every kind forbidden, no listing attempted after discovery', async () => {
    const kubeConfig = new KubeConfig();
    const options = double.kubeconfig();
    kubeConfig.loadFromOptions({ ...options, users: [{ name: options.users[0]!.name, token: 'not-the-token' }] });
    const snapshot = await scan({}, kubeConfig);
    expect(SNAPSHOT_KINDS.every((kind) => snapshot.coverage[kind]?.status === 'forbidden')).toBe(true);
    expect(double.requests.map((r) => r.path)).toEqual(['/apis']);
    expect(snapshot.coverage.Namespace!.error).toContain('HTTP 401');
  });
});

describe('absent CRDs', () => {
  it('Istio, Kyverno and Gatekeeper not installed: absent coverage, no error and no scan-incomplete finding', async () => {
    const bare = await startKubeApiServerDouble({
      manifestsDir: `${DEMO_DIR}/aks-contaminated`,
      absentGroups: ['networking.istio.io', 'security.istio.io', 'kyverno.io', 'templates.gatekeeper.sh', 'constraints.gatekeeper.sh'],
    });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(bare), { cluster: { name: 'bare' }, http: FAST_HTTP });
      for (const kind of ['ServiceEntry', 'Sidecar', 'AuthorizationPolicy', 'ClusterPolicy', 'PolicyException', 'ConstraintTemplate', 'Constraint'] as const) {
        expect(snapshot.coverage[kind]).toMatchObject({ status: 'absent', requests: 0 });
      }
      expect(snapshot.coverage.Namespace).toMatchObject({ status: 'read' });
      expect(evaluateSnapshot(snapshot, defaultConfig()).filter((f) => f.ruleId === 'scan-incomplete')).toEqual([]);
      // Nothing is asked of a group discovery did not list.
      expect(bare.requests.some((r) => r.path.includes('istio.io') || r.path.includes('kyverno') || r.path.includes('gatekeeper'))).toBe(false);
    } finally {
      await bare.close();
    }
  });

  it('reads the preferred version an older Istio serves (v1beta1 when v1 is not served)', async () => {
    const old = await startKubeApiServerDouble({
      manifestsDir: `${DEMO_DIR}/aks-contaminated`,
      groupVersions: { 'networking.istio.io': { versions: ['v1beta1', 'v1alpha3'], preferred: 'v1beta1' }, 'security.istio.io': { versions: ['v1beta1'] } },
    });
    try {
      const snapshot = await collectLiveSnapshot(kubeConfigOf(old), { cluster: { name: 'old' }, http: FAST_HTTP });
      expect(snapshot.coverage.ServiceEntry).toMatchObject({ status: 'read', apiVersion: 'networking.istio.io/v1beta1' });
      expect(snapshot.coverage.PeerAuthentication).toMatchObject({ status: 'read', apiVersion: 'security.istio.io/v1beta1' });
      expect(snapshot.objects.ServiceEntry.length).toBeGreaterThan(0);
      expect(snapshot.objects.ServiceEntry.every((se) => se.apiVersion === 'networking.istio.io/v1beta1')).toBe(true);
    } finally {
      await old.close();
    }
  });
});

describe('expired continue tokens (410 Gone)', () => {
  it('restarts the listing once and reads everything', async () => {
    double.setFaults([{ kind: 'Pod', onlyWithContinue: true, status: 410, times: 1 }]);
    const snapshot = await scan();
    expect(snapshot.coverage.Pod).toMatchObject({ status: 'read', objects: POD_COUNT, requests: 2 + 3 });
    expect(new Set(snapshot.objects.Pod.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size).toBe(POD_COUNT);
  });

  it('gives up on the kind when the token expires again after the restart', async () => {
    double.setFaults([{ kind: 'Pod', onlyWithContinue: true, status: 410 }]);
    const snapshot = await scan();
    expect(snapshot.coverage.Pod).toMatchObject({ status: 'failed', objects: 0, requests: 4 });
    expect(snapshot.coverage.Pod!.error).toContain('410');
    expect(snapshot.objects.Pod).toEqual([]);
    expect(snapshot.coverage.Namespace).toMatchObject({ status: 'read' });
  });
});

describe('retries', () => {
  it('429 with Retry-After: waits what the server asked, then succeeds', async () => {
    double.setFaults([{ kind: 'Service', status: 429, retryAfterSeconds: 1, times: 1 }]);
    const retries: Array<{ path: string; waitMs: number; status?: number }> = [];
    const snapshot = await scan({ http: { onRetry: (r) => retries.push({ path: r.path, waitMs: r.waitMs, status: r.error.status }) } });
    expect(snapshot.coverage.Service).toMatchObject({ status: 'read', requests: 2 });
    expect(retries).toEqual([{ path: '/api/v1/services', waitMs: 1000, status: 429 }]);
  });

  it('500 twice, then success: read, with every attempt counted', async () => {
    double.setFaults([{ kind: 'VirtualService', status: 500, times: 2 }]);
    const snapshot = await scan();
    expect(snapshot.coverage.VirtualService).toMatchObject({ status: 'read', requests: 3 });
    expect(snapshot.apiRequests).toBe(double.requests.length);
  });

  it('500 on every attempt: failed after the attempt budget, the rest read', async () => {
    double.setFaults([{ kind: 'VirtualService', status: 500 }]);
    const snapshot = await scan();
    expect(snapshot.coverage.VirtualService).toMatchObject({ status: 'failed', requests: FAST_HTTP.maxAttempts });
    expect(snapshot.coverage.VirtualService!.error).toMatch(/HTTP 500.*gave up after 4 attempts/);
    expect(snapshot.coverage.DestinationRule).toMatchObject({ status: 'read' });
    const incomplete = evaluateSnapshot(snapshot, defaultConfig()).filter((f) => f.ruleId === 'scan-incomplete');
    expect(incomplete.map((f) => f.evidence.kind)).toEqual(['VirtualService']);
  });

  it('backoff is exponential with full jitter', async () => {
    // Istio's Gateway only: the Gateway API's Gateway has the same Kubernetes kind.
    double.setFaults([{ kind: 'Gateway', path: '/apis/networking.istio.io/*', status: 503 }]);
    const waits: number[] = [];
    await scan({ http: { baseBackoffMs: 100, maxBackoffMs: 1000, random: () => 0.5, onRetry: (r) => waits.push(r.waitMs) } });
    expect(waits).toEqual([50, 100, 200]);
  });

  it('a dropped connection is retried', async () => {
    double.setFaults([{ kind: 'DestinationRule', drop: true, times: 1 }]);
    const snapshot = await scan();
    expect(snapshot.coverage.DestinationRule).toMatchObject({ status: 'read', requests: 2 });
  });

  it('a truncated body is retried; truncated every time it fails the kind', async () => {
    double.setFaults([{ kind: 'Namespace', truncate: true, times: 1 }]);
    expect((await scan()).coverage.Namespace).toMatchObject({ status: 'read', requests: 2 });
    double.setFaults([{ kind: 'Namespace', truncate: true }]);
    const snapshot = await scan();
    expect(snapshot.coverage.Namespace).toMatchObject({ status: 'failed' });
    expect(snapshot.coverage.Namespace!.error).toContain('connection closed mid-response');
  });

  it('a non-JSON body fails the kind with a clear message', async () => {
    double.setFaults([{ kind: 'ClusterRole', nonJson: true }]);
    const snapshot = await scan();
    expect(snapshot.coverage.ClusterRole).toMatchObject({ status: 'failed' });
    expect(snapshot.coverage.ClusterRole!.error).toContain('not valid JSON');
    expect(snapshot.coverage.Role).toMatchObject({ status: 'read' });
  });

  it('a slow response beyond the request timeout is abandoned and retried', async () => {
    double.setFaults([{ kind: 'PeerAuthentication', delayMs: 2000, times: 1 }]);
    const snapshot = await scan({ http: { requestTimeoutMs: 600 } });
    expect(snapshot.coverage.PeerAuthentication).toMatchObject({ status: 'read', requests: 2 });
  });

  it('a server that hangs forever on one kind: that kind fails on timeouts, the rest is read', async () => {
    double.setFaults([{ kind: 'RoleBinding', hang: true }]);
    const snapshot = await scan({ http: { requestTimeoutMs: 500, maxAttempts: 2 } });
    expect(snapshot.coverage.RoleBinding).toMatchObject({ status: 'failed', requests: 2 });
    expect(snapshot.coverage.RoleBinding!.error).toContain('no complete response within 500 ms');
    expect(snapshot.coverage.ClusterRoleBinding).toMatchObject({ status: 'read' });
  });
});

describe('deadline and unreachable clusters', () => {
  it('the per-cluster deadline stops a hanging scan: unfinished kinds are failed', async () => {
    double.setFaults([{ kind: 'Pod', hang: true }]);
    const snapshot = await scan({ deadlineMs: 2500, http: { requestTimeoutMs: 10_000 } });
    expect(snapshot.coverage.Pod).toMatchObject({ status: 'failed' });
    expect(snapshot.coverage.Pod!.error).toContain('deadline');
    expect(snapshot.coverage.Namespace).toMatchObject({ status: 'read' });
  });

  it('discovery hanging past the deadline: every kind failed, one unreachable finding', async () => {
    double.setFaults([{ path: '/apis', hang: true }]);
    const snapshot = await scan({ deadlineMs: 300, http: { requestTimeoutMs: 10_000 } });
    expect(SNAPSHOT_KINDS.every((kind) => snapshot.coverage[kind]?.status === 'failed')).toBe(true);
    const incomplete = evaluateSnapshot(snapshot, defaultConfig()).filter((f) => f.ruleId === 'scan-incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]!.subjectKey).toBe('cluster-unreachable');
  });

  it('a closed port: every kind failed with the connection error', async () => {
    const gone = await startKubeApiServerDouble({});
    const kubeConfig = kubeConfigOf(gone);
    await gone.close();
    const snapshot = await collectLiveSnapshot(kubeConfig, { cluster: { name: 'gone' }, http: { ...FAST_HTTP, maxAttempts: 2 } });
    expect(snapshot.coverage.Namespace).toMatchObject({ status: 'failed' });
    expect(snapshot.coverage.Namespace!.error).toContain('ECONNREFUSED');
    expect(snapshot.apiRequests).toBe(2);
  });
});

describe('TLS is always verified', () => {
  it('a server certificate from another CA fails at once (no retries) and is never trusted', async () => {
    const kubeConfig = new KubeConfig();
    const options = double.kubeconfig();
    const otherCa = Buffer.from(generateTestPki().caPem).toString('base64');
    kubeConfig.loadFromOptions({ ...options, clusters: [{ ...options.clusters[0]!, caData: otherCa }] });
    const snapshot = await scan({}, kubeConfig);
    expect(snapshot.coverage.Namespace).toMatchObject({ status: 'failed' });
    expect(snapshot.coverage.Namespace!.error).toMatch(/CERT|certificate/i);
    expect(snapshot.apiRequests).toBe(1);
    expect(double.requests).toEqual([]);
  });

  it('a kubeconfig with insecure-skip-tls-verify is refused before any request', async () => {
    const kubeConfig = new KubeConfig();
    const options = double.kubeconfig();
    kubeConfig.loadFromOptions({ ...options, clusters: [{ ...options.clusters[0]!, skipTLSVerify: true }] });
    const snapshot = await scan({}, kubeConfig);
    expect(snapshot.coverage.Namespace!.error).toContain('insecure-skip-tls-verify');
    expect(snapshot.apiRequests).toBe(0);
    expect(double.requests).toEqual([]);
  });
});

describe('what the scanner never asks for', () => {
  it('reads no Secrets, lists no ConfigMaps, sends only GETs, and never sends its token in a finding', async () => {
    const snapshot = await scan();
    expect(double.requests.some((r) => r.attributes.resource === 'secrets')).toBe(false);
    expect(double.requests.some((r) => r.attributes.resource === 'configmaps' && r.attributes.verb === 'list')).toBe(false);
    expect(double.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(JSON.stringify(evaluateSnapshot(snapshot, defaultConfig()))).not.toContain(double.token);
    expect(JSON.stringify(snapshot.coverage)).not.toContain(double.token);
  });
});
