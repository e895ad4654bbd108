/**
 * Clusters without Entra ID: the only credential AKS hands out (listClusterUserCredential) is a
 * local account with cluster-admin rights. By default the scanner does not use it: the cluster
 * gets a `skipped` record and a finding, and its credential is not even requested. With the
 * explicit opt-in (SCAN_LOCAL_ACCOUNT_CLUSTERS=true) it is scanned with that local account,
 * over verified TLS, and the credential appears in no record or finding.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readAppSettings } from '../../../src/config/app-settings.js';
import { createFleetServices, type ResultSink } from '../../../src/fleet/fleet-services.js';
import { scanOneCluster } from '../../../src/fleet/scan-cluster.js';
import { localAccountFromKubeconfig } from '../../../src/access/user-credential.js';
import type { ScanClusterMessage } from '../../../src/inventory/types.js';
import { aksLocalAccountKubeconfig, aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../../doubles/arm/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';
import { generateTestPki } from '../../helpers/tls.js';
import { startAzureDoubles, type AzureDoubles } from './fixture.js';

const SUB = 'ffffffff-0000-4000-8000-000000000006';
const RG = 'local-rg';
const LOCAL_TOKEN = 'local-account-admin-token-0123456789abcdef';
const NAME = 'no-entra';

class NoSink implements ResultSink {
  async upload(): Promise<void> {}
}

const message = (): ScanClusterMessage => ({ version: 1, scanId: 'local-scan', cluster: { resourceId: managedClusterId({ subscriptionId: SUB, resourceGroup: RG, name: NAME }), name: NAME, subscriptionId: SUB, resourceGroup: RG, location: 'westeurope' }, enqueuedAt: '' });

describe('a cluster without Entra ID', () => {
  let azure: AzureDoubles;
  let kube: KubeApiServerDouble;
  const clientCertificate = generateTestPki();

  beforeAll(async () => {
    azure = await startAzureDoubles();
    // The API server accepts the local account's static token only.
    kube = await startKubeApiServerDouble({ token: LOCAL_TOKEN, objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a' } }] });
    azure.arm.addCluster({
      subscriptionId: SUB,
      resourceGroup: RG,
      name: NAME,
      location: 'westeurope',
      properties: healthyClusterProperties({ aadProfile: undefined, disableLocalAccounts: false }),
      userKubeconfig: aksLocalAccountKubeconfig(NAME, kube.url, kube.caPem, LOCAL_TOKEN, clientCertificate),
    });
    azure.arm.setMeshRevisionProfile('westeurope', [{ revision: 'asm-1-24', upgrades: [] }]);
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled([azure?.close(), kube?.close()]);
  });

  const servicesWith = (env: Record<string, string>) => createFleetServices(readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...env }, { needsLogs: false }), { credential: azure.credential, endpoints: azure.endpoints, sink: new NoSink(), probeTimeoutMs: 2000 });
  const credentialRequests = () => azure.arm.requests.filter((request) => request.url.includes(`/managedClusters/${NAME}/listClusterUserCredential`));

  it('is skipped by default, with a finding, without asking ARM for the admin-equivalent credential', async () => {
    const before = { credential: credentialRequests().length, kube: kube.requests.length };
    const result = await scanOneCluster(message(), servicesWith({}));
    expect(result.record.status).toBe('skipped');
    expect(result.record.error).toContain('scanned only with Entra ID; local accounts give admin credentials');
    const finding = result.findings.find((candidate) => candidate.ruleId === 'scan-incomplete');
    expect(finding?.message).toContain('scanned only with Entra ID; local accounts give admin credentials');
    expect(finding?.evidence).toMatchObject({ reason: 'skipped', optIn: 'SCAN_LOCAL_ACCOUNT_CLUSTERS' });
    // The ARM-only platform rules still report what ARM shows.
    expect(result.findings.map((candidate) => candidate.ruleId)).toEqual(expect.arrayContaining(['aks-local-accounts-enabled', 'aks-azure-rbac-disabled']));
    expect(credentialRequests().length).toBe(before.credential);
    expect(kube.requests.length).toBe(before.kube);
  }, 120_000);

  it('is scanned with its local account only when the operator opts in, and the credential is in no output', async () => {
    const result = await scanOneCluster(message(), servicesWith({ SCAN_LOCAL_ACCOUNT_CLUSTERS: 'true' }));
    expect(result.record.status).toBe('succeeded');
    expect(result.record.resourceCounts.Namespace).toBe(1);
    expect(kube.requests.length).toBeGreaterThan(0);
    expect(kube.requests.every((request) => request.status !== 401)).toBe(true);
    const text = JSON.stringify(result);
    expect(text).not.toContain(LOCAL_TOKEN);
    expect(text).not.toContain(clientCertificate.keyPem.split('\n')[1]!);
  }, 120_000);

  it('refuses a mistyped opt-in instead of guessing', () => {
    expect(() => readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', SCAN_LOCAL_ACCOUNT_CLUSTERS: 'yes' }, { needsLogs: false })).toThrow(/SCAN_LOCAL_ACCOUNT_CLUSTERS must be "true" or "false"/);
    expect(readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, { needsLogs: false }).allowLocalAccountCredentials).toBe(false);
  });
});

describe('the local account of a user credential', () => {
  const pki = generateTestPki();

  it('is the token AKS includes, else the client certificate', () => {
    expect(localAccountFromKubeconfig(aksLocalAccountKubeconfig('c', 'https://h', pki.caPem, 't0k3n', pki))).toEqual({ kind: 'token', token: 't0k3n' });
    const certificateOnly = aksLocalAccountKubeconfig('c', 'https://h', pki.caPem, '', pki);
    expect(localAccountFromKubeconfig(certificateOnly)).toEqual({ kind: 'client-certificate', certificatePem: pki.certPem, keyPem: pki.keyPem });
  });

  it('is refused for an Entra ID credential (an exec plugin), without quoting it', () => {
    expect(() => localAccountFromKubeconfig(aksUserKubeconfig('c', 'https://h', pki.caPem))).toThrow(/no local account/);
    expect(() => localAccountFromKubeconfig('{not yaml: [')).toThrow(/not a readable kubeconfig$/);
  });
});
