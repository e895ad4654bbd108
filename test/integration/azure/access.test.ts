import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { authenticationBlocker, buildKubeConfig, explainProbeFailure, probeApiServer } from '../../../src/access/cluster-access.js';
import { AKS_SERVER_SCOPE, RefreshingTokenProvider } from '../../../src/access/token.js';
import { apiServerFromKubeconfig } from '../../../src/access/user-credential.js';
import { readAksFacts } from '../../../src/inventory/aks-facts.js';
import { generateTestPki, type TestPki } from '../../helpers/tls.js';
import { aksUserKubeconfig, healthyClusterProperties } from '../../doubles/arm/index.js';

/** A real TokenCredential that issues numbered tokens with a chosen lifetime, counting calls. */
class CountingCredential implements TokenCredential {
  calls = 0;
  scopes: string[] = [];
  constructor(private readonly lifetimeMs: number, private readonly now: () => number) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.calls += 1;
    this.scopes.push(String(scopes));
    return { token: `token-${this.calls}`, expiresOnTimestamp: this.now() + this.lifetimeMs };
  }
}

describe('RefreshingTokenProvider', () => {
  it('reuses the token until the refresh margin before expiry, then gets a new one', async () => {
    let now = 1_000_000;
    const credential = new CountingCredential(60 * 60_000, () => now);
    const provider = new RefreshingTokenProvider(credential, AKS_SERVER_SCOPE, { refreshMarginMs: 5 * 60_000, now: () => now });
    expect(await provider.getToken()).toBe('token-1');
    now += 54 * 60_000;
    expect(await provider.getToken()).toBe('token-1');
    now += 2 * 60_000; // 4 minutes before expiry: inside the margin
    expect(await provider.getToken()).toBe('token-2');
    expect(credential.scopes).toEqual([AKS_SERVER_SCOPE, AKS_SERVER_SCOPE]);
  });

  it('shares one request between concurrent callers', async () => {
    const credential = new CountingCredential(3_600_000, Date.now);
    const provider = new RefreshingTokenProvider(credential);
    const tokens = await Promise.all([provider.getToken(), provider.getToken(), provider.getToken()]);
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(credential.calls).toBe(1);
  });
});

describe('apiServerFromKubeconfig', () => {
  const pki = generateTestPki();
  it('takes the current context\'s server and CA and ignores the user', () => {
    expect(apiServerFromKubeconfig(aksUserKubeconfig('aks-1', 'https://aks-1.hcp.westeurope.azmk8s.io:443', pki.caPem))).toEqual({ server: 'https://aks-1.hcp.westeurope.azmk8s.io:443', caPem: pki.caPem });
  });
  it.each([
    ['not yaml: [', 'not a readable kubeconfig'],
    ['apiVersion: v1\nclusters: []\n', 'no clusters entry'],
    ['clusters:\n- name: a\n  cluster:\n    server: http://plain:80\n', 'no https:// server'],
    ['clusters:\n- name: a\n  cluster:\n    server: https://a:443\n', 'no certificate-authority-data'],
  ])('rejects %j clearly', (text, message) => {
    expect(() => apiServerFromKubeconfig(text)).toThrow(message);
  });
});

describe('authenticationBlocker and explainProbeFailure', () => {
  it('refuses local-accounts-only clusters, accepts Entra ID clusters', () => {
    expect(authenticationBlocker(readAksFacts({ properties: healthyClusterProperties() }))).toBeUndefined();
    expect(authenticationBlocker(readAksFacts({ properties: healthyClusterProperties({ aadProfile: undefined }) }))).toContain('no Entra ID integration');
  });

  it('names the network settings that usually explain an unreachable API server', () => {
    const facts = readAksFacts({ properties: healthyClusterProperties({ apiServerAccessProfile: { enablePrivateCluster: true, authorizedIPRanges: ['198.51.100.0/24'] } }) });
    const error = explainProbeFailure('https://aks.privatelink.westeurope.azmk8s.io:443', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), facts);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('unreachable');
    expect(error.message).toContain('VNet integration');
    expect(error.message).toContain('198.51.100.0/24');
    const tlsError = explainProbeFailure('https://x:443', Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), facts);
    expect(tlsError.message).toContain('could not be verified');
  });
});

describe('probeApiServer and buildKubeConfig against a TLS server', () => {
  let pki: TestPki;
  let server: https.Server;
  let url: string;
  const seenAuthorization: string[] = [];

  beforeAll(async () => {
    pki = generateTestPki();
    server = https.createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => {
      seenAuthorization.push(req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ major: '1', minor: '30', gitVersion: 'v1.30.4' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  it('connects when the certificate chains to the cluster CA', async () => {
    await expect(probeApiServer({ server: url, caPem: pki.caPem }, 2000)).resolves.toBeUndefined();
  });

  it('fails when the certificate does not chain to the cluster CA (verification stays on)', async () => {
    const otherCa = generateTestPki().caPem;
    await expect(probeApiServer({ server: url, caPem: otherCa }, 2000)).rejects.toThrow();
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    await expect(probeApiServer({ server: 'https://127.0.0.1:9', caPem: pki.caPem }, 2000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('sends a fresh bearer token on each request and keeps it out of the kubeconfig', async () => {
    let issued = 0;
    const kubeConfig = buildKubeConfig('aks-1', { server: url, caPem: pki.caPem }, { getToken: async () => `secret-token-${++issued}` });
    const { VersionApi } = await import('@kubernetes/client-node');
    const api = kubeConfig.makeApiClient(VersionApi);
    await api.getCode();
    await api.getCode();
    expect(seenAuthorization.slice(-2)).toEqual(['Bearer secret-token-1', 'Bearer secret-token-2']);
    expect(kubeConfig.exportConfig()).not.toContain('secret-token');
    expect(kubeConfig.getCurrentCluster()).toMatchObject({ server: url, skipTLSVerify: false });
  });
});
