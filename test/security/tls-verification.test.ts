/**
 * TLS verification cannot be turned off by cluster data. Fleet path: the API server address
 * and CA come from the cluster user credential ARM returns; a certificate from an unknown CA
 * is rejected with a clear error even when that kubeconfig says insecure-skip-tls-verify
 * (decision: the fleet path ignores the flag and always verifies against the cluster CA; a
 * credential without a CA is refused). CLI path: a kubeconfig cluster with
 * insecure-skip-tls-verify is refused outright (src/access/kube-http.ts assertVerifiedTls).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { buildKubeConfig, ClusterAccessError, explainProbeFailure, probeApiServer } from '../../src/access/cluster-access.js';
import { apiServerFromKubeconfig } from '../../src/access/user-credential.js';
import { collectLiveSnapshot } from '../../src/snapshot/live/index.js';
import { SNAPSHOT_KINDS } from '../../src/snapshot/types.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { generateTestPki } from '../helpers/tls.js';
import { FAST_HTTP } from '../integration/live/helpers.js';

let kube: KubeApiServerDouble;
/** A CA that did not sign the double's certificate. */
const strangerCaPem = generateTestPki().caPem;

function credential(server: string, options: { caPem?: string; insecure?: boolean }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, ...(options.caPem ? { 'certificate-authority-data': Buffer.from(options.caPem).toString('base64') } : {}), ...(options.insecure ? { 'insecure-skip-tls-verify': true } : {}) } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
    users: [{ name: 'u', user: { token: 'unused' } }],
  });
}

beforeAll(async () => {
  kube = await startKubeApiServerDouble({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a' } }] });
});
afterAll(async () => {
  await kube?.close();
});

describe('TLS verification on the fleet path (cluster user credential from ARM)', () => {
  it('connects when the credential carries the CA that signed the API server certificate', async () => {
    await expect(probeApiServer(apiServerFromKubeconfig(credential(kube.url, { caPem: kube.caPem })), 2000)).resolves.toBeUndefined();
  });

  it.each([false, true])('rejects a certificate from an unknown CA with a clear error (insecure-skip-tls-verify in the credential: %s)', async (insecure) => {
    const endpoint = apiServerFromKubeconfig(credential(kube.url, { caPem: strangerCaPem, insecure }));
    const failure = await probeApiServer(endpoint, 2000).catch((error: unknown) => error);
    // node:tls errors come from another realm under jest's VM modules: check the shape, not the class.
    expect(String((failure as { code?: unknown }).code)).toMatch(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
    const explained = explainProbeFailure(endpoint.server, failure, { aadProfile: true, authorizedIpRanges: [] } as never);
    expect(explained).toBeInstanceOf(ClusterAccessError);
    expect(explained.message).toMatch(/could not be verified .*(self.signed|unable to verify|certificate)/i);
    expect(explained.message).toContain('never skips TLS verification');

    // Even past the probe, the client built from that credential refuses the server.
    const snapshot = await collectLiveSnapshot(buildKubeConfig('c', endpoint, { getToken: async () => kube.token }), { cluster: { name: 'c' }, http: FAST_HTTP });
    expect(SNAPSHOT_KINDS.every((kind) => snapshot.coverage[kind]?.status === 'failed')).toBe(true);
    expect(snapshot.coverage.Namespace?.error).toMatch(/certificate|self.signed|UNABLE_TO_VERIFY/i);
    expect(kube.requests.filter((request) => request.status === 200)).toHaveLength(0);
  });

  it('refuses a credential that has insecure-skip-tls-verify and no CA, instead of connecting unverified', () => {
    expect(() => apiServerFromKubeconfig(credential(kube.url, { insecure: true }))).toThrow(/no certificate-authority-data; the scanner never connects without verifying TLS/);
  });

  it('refuses plain http API servers', () => {
    expect(() => apiServerFromKubeconfig(credential(kube.url.replace('https://', 'http://'), { caPem: kube.caPem }))).toThrow(/no https:\/\/ server/);
  });
});

describe('TLS verification on the CLI path (user kubeconfig)', () => {
  it('a context whose cluster sets insecure-skip-tls-verify is not scanned, with a clear reason', async () => {
    const options = kube.kubeconfig('insecure');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({ ...options, clusters: options.clusters.map((cluster) => ({ ...cluster, skipTLSVerify: true })) });
    const before = kube.requests.length;
    const snapshot = await collectLiveSnapshot(kubeConfig, { cluster: { name: 'insecure' }, http: FAST_HTTP });
    expect(snapshot.coverage.Namespace?.status).toBe('failed');
    expect(snapshot.coverage.Namespace?.error).toMatch(/insecure-skip-tls-verify is set; the scanner always verifies/);
    expect(kube.requests.length).toBe(before);
  });
});
