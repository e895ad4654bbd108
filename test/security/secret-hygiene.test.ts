/**
 * Secret hygiene of a full fleet scan (issue 9): discovery, ARM, the cluster user credential,
 * a live scan of the API server double and the Log Analytics upload, all with recognisable
 * canary tokens. No token may appear in anything the scanner outputs: logs (console, stdout,
 * stderr), findings, scan records, uploaded rows, or error messages, including on failure paths
 * (rejected token, failed upload). The same scan also proves least privilege on the fleet path:
 * the API server double enforces the shipped ClusterRole and every request is get/list,
 * never on Secrets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TokenProvider } from '../../src/access/token.js';
import { defaultConfig } from '../../src/config/types.js';
import { ArmClusterReader } from '../../src/inventory/arm.js';
import { createResourceGraphClient } from '../../src/inventory/azure-clients.js';
import { discoverClusters } from '../../src/inventory/discovery.js';
import { scanOneCluster, type ClusterScanServices } from '../../src/fleet/scan-cluster.js';
import type { ScanClusterMessage } from '../../src/inventory/types.js';
import { LogAnalyticsSink, sinkOptionsFromEnv } from '../../src/report/log-analytics/sink.js';
import { collectLiveSnapshot } from '../../src/snapshot/live/index.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../doubles/arm/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { policyForSubject, rbacAllows } from '../doubles/kube-apiserver/rbac.js';
import { startLogsIngestionDouble, type LogsIngestionDouble } from '../doubles/logs-ingestion/index.js';
import { StaticTokenCredential } from '../helpers/credentials.js';
import { startAzureDoubles, type AzureDoubles } from '../integration/azure/fixture.js';
import { DEMO_DIR, FAST_HTTP, REPO_ROOT } from '../integration/live/helpers.js';

const KUBE_TOKEN = 'CANARY-kube-token-7f3a9c1e5b2d4086';
const LOGS_TOKEN = 'CANARY-logs-token-0c8e2a6f4d1b3957';
const SUBSCRIPTION = 'eeeeeeee-0000-4000-8000-00000000000a';
const CLUSTER = 'aks-contaminated';
const RBAC_DIR = join(REPO_ROOT, 'infra', 'kubernetes');
const policy = policyForSubject(readdirSync(RBAC_DIR).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(RBAC_DIR, f), 'utf8')), { kind: 'User', name: 'SCANNER_PRINCIPAL_OBJECT_ID' });

let azure: AzureDoubles;
let kube: KubeApiServerDouble;
let logs: LogsIngestionDouble;
/** Everything written to the console or the process streams during the scans. */
const captured: string[] = [];
const restore: Array<() => void> = [];

function capture(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack}` : typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    });
    restore.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original as typeof stream.write));
  }
}

function secrets(): string[] {
  // The managed identity double's tokens (ARM audience and any other) are canaries too.
  return [KUBE_TOKEN, LOGS_TOKEN, ...azure.msi.issued.map((issued) => issued.token), azure.msi.header];
}

function expectNoSecretIn(what: string, text: string): void {
  for (const secret of secrets()) {
    if (text.includes(secret)) throw new Error(`${what} contains a secret (${secret.slice(0, 12)}...)`);
  }
}

function services(tokens: TokenProvider): ClusterScanServices {
  return {
    config: defaultConfig(),
    arm: new ArmClusterReader(azure.credential, azure.endpoints),
    aksTokens: tokens,
    collect: (kubeConfig, options) => collectLiveSnapshot(kubeConfig as Parameters<typeof collectLiveSnapshot>[0], { ...options, http: FAST_HTTP }),
    deadlineMs: 30_000,
    probeTimeoutMs: 2000,
  };
}

async function message(): Promise<ScanClusterMessage> {
  const { clusters } = await discoverClusters(createResourceGraphClient(azure.credential, azure.endpoints), { subscriptionIds: [SUBSCRIPTION], resourceGroups: [], tagFilters: [] });
  const { tags: _tags, ...cluster } = clusters[0]!;
  return { version: 1, scanId: 'scan-secret-hygiene', cluster, enqueuedAt: new Date().toISOString() };
}

beforeAll(async () => {
  azure = await startAzureDoubles();
  kube = await startKubeApiServerDouble({ manifestsDir: join(DEMO_DIR, CLUSTER), token: KUBE_TOKEN, rbac: policy, userName: 'SCANNER_PRINCIPAL_OBJECT_ID' });
  logs = await startLogsIngestionDouble({ token: LOGS_TOKEN });
  azure.resourceGraph.addCluster({ id: managedClusterId({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg', name: CLUSTER }), name: CLUSTER, resourceGroup: 'rg', subscriptionId: SUBSCRIPTION, location: 'westeurope', tags: {} });
  azure.arm.addCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg', name: CLUSTER, location: 'westeurope', properties: healthyClusterProperties(), userKubeconfig: aksUserKubeconfig(CLUSTER, kube.url, kube.caPem) });
  capture();
});
afterAll(async () => {
  for (const undo of restore.reverse()) undo();
  await Promise.all([logs?.close(), kube?.close(), azure?.close()]);
});

describe('no token or credential in any output of a full fleet scan', () => {
  it('a successful scan and upload: findings, record, rows and logs are free of every token', async () => {
    const result = await scanOneCluster(await message(), services(new StaticTokenProvider(KUBE_TOKEN)));
    expect(result.record.status).toBe('succeeded');
    expect(result.findings.length).toBeGreaterThan(0);
    await new LogAnalyticsSink({ ...sinkOptionsFromEnv(logs.env, new StaticTokenCredential(LOGS_TOKEN)), clientOptions: { tlsOptions: { ca: logs.caPem } } }).upload(result);

    // The canaries really were used on the wire (so their absence below means something).
    expect(azure.msi.issued.length).toBeGreaterThan(0);
    expect(kube.requests.length).toBeGreaterThan(10);
    expect(logs.rows(logs.env.LOGS_FINDINGS_STREAM!)).toHaveLength(result.findings.length);

    expectNoSecretIn('findings', JSON.stringify(result.findings));
    expectNoSecretIn('scan record', JSON.stringify(result.record));
    expectNoSecretIn('exposure matrix', JSON.stringify(result.exposureMatrix));
    expectNoSecretIn('uploaded rows', JSON.stringify([logs.rows(logs.env.LOGS_FINDINGS_STREAM!), logs.rows(logs.env.LOGS_SCANS_STREAM!)]));
    expectNoSecretIn('console and process output', captured.join('\n'));
  });

  it('least privilege on the fleet path: only get/list, within the shipped ClusterRole, never Secrets', () => {
    expect(kube.requests.length).toBeGreaterThan(0);
    for (const request of kube.requests) {
      expect(['get', 'list']).toContain(request.attributes.verb);
      expect(request.method).toBe('GET');
      expect(request.attributes.resource).not.toBe('secrets');
      expect(rbacAllows(policy, request.attributes)).toBe(true);
    }
    expect(kube.requests.filter((request) => request.status === 403)).toEqual([]);
  });

  it('failure paths: a rejected token and a rejected upload produce errors and records without the tokens', async () => {
    const wrongKubeToken = 'CANARY-wrong-kube-token-93b1d7e2';
    let outcome: unknown;
    try {
      outcome = await scanOneCluster(await message(), services(new StaticTokenProvider(wrongKubeToken)));
    } catch (error) {
      outcome = error;
    }
    const text = outcome instanceof Error ? `${outcome.message}\n${outcome.stack}` : JSON.stringify(outcome);
    expect(text).toMatch(/401|Unauthorized/);
    expect(text).not.toContain(wrongKubeToken);
    expectNoSecretIn('401 outcome', text);

    const wrongLogsToken = 'CANARY-wrong-logs-token-5c0f8a14';
    const sink = new LogAnalyticsSink({ ...sinkOptionsFromEnv(logs.env, new StaticTokenCredential(wrongLogsToken)), clientOptions: { tlsOptions: { ca: logs.caPem }, retryOptions: { maxRetries: 0 } } });
    const uploadError = await sink.upload(JSON.parse(JSON.stringify({ record: { scanId: 'x', cluster: { name: 'c' }, status: 'succeeded', error: '', findingCounts: {}, coverage: {}, resourceCounts: {}, meshRevisions: [] }, findings: [], exposureMatrix: {} }))).catch((error: unknown) => error);
    expect(uploadError).toBeInstanceOf(Error);
    expect(String((uploadError as Error).message)).not.toContain(wrongLogsToken);
    expect(captured.join('\n')).not.toContain(wrongKubeToken);
    expect(captured.join('\n')).not.toContain(wrongLogsToken);
    expectNoSecretIn('console and process output', captured.join('\n'));
  });
});

/** A TokenProvider that always hands out one token (the production provider asks a credential). */
class StaticTokenProvider implements TokenProvider {
  constructor(private readonly token: string) {}
  async getToken(): Promise<string> {
    return this.token;
  }
}
