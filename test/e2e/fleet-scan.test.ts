/**
 * End to end: timer -> Storage queue -> worker -> Log Analytics, for a fleet of three AKS
 * clusters, everything over real sockets on 127.0.0.1:
 *   managed identity double (HTTP, App Service protocol) -> tokens for ARM, AKS and Monitor;
 *   Resource Graph + ARM doubles (HTTPS) -> discovery, cluster details, user credentials;
 *   two Kubernetes API server doubles (HTTPS) -> a healthy cluster and one that answers 403 on
 *   some kinds; the third cluster's API server address has nothing listening (unreachable);
 *   Azurite -> the scan queue and its poison queue; Logs Ingestion double -> the sink.
 *
 * The Functions host is not available here, so `runQueueHost` below plays its queue-trigger
 * part, with the semantics of the Storage queues extension:
 *   - receive a message (its dequeueCount grows by one on each receive), base64-decode it and
 *     hand the parsed JSON to the handler with triggerMetadata.dequeueCount;
 *   - handler returns -> delete the message;
 *   - handler throws -> if dequeueCount >= maxDequeueCount (host.json) copy the message to
 *     `<queue>-poison` and delete it, else make it visible again (the host waits
 *     host.json visibilityTimeout; the test releases it at once so it does not wait);
 *   - the poison queue is itself a trigger queue (recordFailedScan) with the same rules.
 * (WebJobs storage extension, QueueProcessor.CompleteProcessingMessageAsync: on failure,
 * `DequeueCount >= MaxDequeueCount` -> copy to the poison queue and delete, else release.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { InvocationContext, type Timer } from '@azure/functions';
import { MAX_CLUSTER_SCAN_DEADLINE_SECONDS, readAppSettings } from '../../src/config/app-settings.js';
import { createFleetServices, type FleetServices } from '../../src/fleet/fleet-services.js';
import { createQueueClient, decodeQueueMessage, MAX_DEQUEUE_COUNT, type QueueClient } from '../../src/inventory/scan-queue.js';
import { parseScanClusterMessage, type ScanClusterMessage } from '../../src/inventory/types.js';
import { AKS_SERVER_APP_ID } from '../../src/access/token.js';
import { createRecordFailedScanHandler } from '../../functions/handlers/record-failed-scan.js';
import { createScanClusterHandler } from '../../functions/handlers/scan-cluster.js';
import { createScheduleFleetScanHandler } from '../../functions/handlers/schedule-fleet-scan.js';
import { aksUserKubeconfig, healthyClusterProperties, managedClusterId } from '../doubles/arm/index.js';
import { startAzuriteQueue, type AzuriteQueue } from '../doubles/azurite/index.js';
import { startKubeApiServerDouble, type KubeApiServerDouble } from '../doubles/kube-apiserver/index.js';
import { startLogsIngestionDouble, type LogsIngestionDouble } from '../doubles/logs-ingestion/index.js';
import { SCANNER_CLIENT_ID, startAzureDoubles, type AzureDoubles } from '../integration/azure/fixture.js';

const SUBSCRIPTION = 'e2e00000-0000-4000-8000-000000000001';
const RESOURCE_GROUP = 'fleet-rg';
const AKS_TOKEN = 'aks-token-issued-to-the-scanner-identity';
const LOGS_TOKEN = 'logs-token-issued-to-the-scanner-identity';
const SCAN_ID = '00000000-e2e0-4000-8000-00000000f1ee';
const QUEUE = 'e2e-cluster-scans';

type Handler = (entry: unknown, context: InvocationContext) => Promise<void>;

type Invocation = { queue: string; cluster: string; dequeueCount: number; outcome: 'ok' | 'threw' };

/** Plays the Functions host's queue trigger (see the file comment). Returns the invocations made. */
async function runQueueHost(queues: Array<{ client: QueueClient; poison: QueueClient; handler: Handler }>): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  // A trigger's listener polls its queue whether or not it exists yet; receiving needs it to exist.
  for (const { client } of queues) await client.createIfNotExists();
  // Bounded: 3 clusters x maxDequeueCount attempts each, plus poison handling, fits easily.
  for (let round = 0; round < 50; round++) {
    let handled = 0;
    for (const { client, poison, handler } of queues) {
      // Hidden long enough that no handler, however slow the machine, sees its message reappear.
      const { receivedMessageItems } = await client.receiveMessages({ numberOfMessages: 16, visibilityTimeout: 3600 });
      for (const item of receivedMessageItems) {
        handled += 1;
        const cluster = parseScanClusterMessage(decodeQueueMessage(item.messageText)).cluster.name;
        const context = new InvocationContext({ functionName: client.name, triggerMetadata: { dequeueCount: item.dequeueCount, id: item.messageId } });
        try {
          await handler(decodeQueueMessage(item.messageText), context);
          invocations.push({ queue: client.name, cluster, dequeueCount: item.dequeueCount, outcome: 'ok' });
          await client.deleteMessage(item.messageId, item.popReceipt);
        } catch {
          invocations.push({ queue: client.name, cluster, dequeueCount: item.dequeueCount, outcome: 'threw' });
          if (item.dequeueCount >= MAX_DEQUEUE_COUNT) {
            await poison.createIfNotExists();
            await poison.sendMessage(item.messageText);
            await client.deleteMessage(item.messageId, item.popReceipt);
          } else {
            await client.updateMessage(item.messageId, item.popReceipt, undefined, 0);
          }
        }
      }
    }
    if (handled === 0) return invocations;
  }
  throw new Error('queue host simulation did not drain the queues');
}

describe('fleet scan end to end: timer -> queue -> worker -> sink', () => {
  let azure: AzureDoubles;
  let healthy: KubeApiServerDouble;
  let partlyForbidden: KubeApiServerDouble;
  let logs: LogsIngestionDouble;
  let azurite: AzuriteQueue;
  let services: FleetServices;
  let enqueuedMessages: ScanClusterMessage[] = [];
  let invocations: Invocation[] = [];
  const unreachableServer = 'https://127.0.0.1:9';
  const logged: string[] = [];

  const tenantObjects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a', labels: { 'istio.io/rev': 'asm-1-24' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-b', labels: { 'istio.io/rev': 'asm-1-24' } } },
    { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'partner-api', namespace: 'tenant-a' }, spec: { hosts: ['api.partner.example'], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'DNS' } },
  ];

  beforeAll(async () => {
    azure = await startAzureDoubles({ fixedTokens: { [AKS_SERVER_APP_ID]: AKS_TOKEN, 'https://monitor.azure.com': LOGS_TOKEN, 'https://monitor.azure.com/': LOGS_TOKEN } });
    healthy = await startKubeApiServerDouble({ objects: tenantObjects, token: AKS_TOKEN });
    partlyForbidden = await startKubeApiServerDouble({ objects: tenantObjects, token: AKS_TOKEN, faults: [{ kind: 'AuthorizationPolicy', status: 403 }, { kind: 'PeerAuthentication', status: 403 }] });
    logs = await startLogsIngestionDouble({ token: LOGS_TOKEN });
    // HTTPS like Azure Storage, with the same test CA as the ARM doubles.
    azurite = await startAzuriteQueue({ pki: azure.pki });

    const clusters = [
      { name: 'aks-healthy', server: healthy.url, caPem: healthy.caPem },
      { name: 'aks-forbidden-kinds', server: partlyForbidden.url, caPem: partlyForbidden.caPem },
      // A private API server seen from outside its VNet: nothing answers at that address.
      { name: 'aks-unreachable', server: unreachableServer, caPem: azure.pki.caPem, properties: { apiServerAccessProfile: { enablePrivateCluster: true }, disableLocalAccounts: false, serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-22'] } } } },
    ];
    for (const cluster of clusters) {
      const id = managedClusterId({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: cluster.name });
      azure.resourceGraph.addCluster({ id, name: cluster.name, resourceGroup: RESOURCE_GROUP, subscriptionId: SUBSCRIPTION, location: 'westeurope', tags: {} });
      azure.arm.addCluster({
        subscriptionId: SUBSCRIPTION,
        resourceGroup: RESOURCE_GROUP,
        name: cluster.name,
        location: 'westeurope',
        properties: healthyClusterProperties(cluster.properties ?? {}),
        userKubeconfig: aksUserKubeconfig(cluster.name, cluster.server, cluster.caPem),
      });
    }
    azure.arm.setMeshRevisionProfile('westeurope', [{ revision: 'asm-1-24', upgrades: ['asm-1-25'], compatibleWith: [{ name: 'kubernetes', versions: ['1.29', '1.30'] }] }]);

    const settings = readAppSettings({
      IDENTITY_ENDPOINT: azure.msi.endpoint,
      AZURE_CLIENT_ID: SCANNER_CLIENT_ID,
      AzureWebJobsStorage: azurite.connectionString,
      SCAN_QUEUE_NAME: QUEUE,
      // The longest deadline the settings allow: on a loaded machine a scan must not run out of time.
      CLUSTER_SCAN_DEADLINE_SECONDS: String(MAX_CLUSTER_SCAN_DEADLINE_SECONDS),
      ...logs.env,
    });
    services = createFleetServices(settings, {
      credential: azure.credential,
      endpoints: azure.endpoints,
      logsClientOptions: { tlsOptions: { ca: logs.caPem }, retryOptions: { maxRetries: 1, retryDelayInMs: 10 } },
      // The unreachable cluster's port refuses at once; a slow machine must not make the healthy doubles look unreachable.
      probeTimeoutMs: 120_000,
    });

    // 1. The timer fires.
    const timerContext = new InvocationContext({ functionName: 'scheduleFleetScan', logHandler: (_level, ...args) => logged.push(args.join(' ')) });
    const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
    await createScheduleFleetScanHandler(() => services, () => SCAN_ID)(timer, timerContext);

    // 2. Look at the queue as the worker will see it, without taking the messages.
    const peeked = await services.queue.peekMessages({ numberOfMessages: 32 });
    enqueuedMessages = peeked.peekedMessageItems.map((item) => parseScanClusterMessage(decodeQueueMessage(item.messageText)));

    // 3. The host runs the worker and, for what keeps failing, the poison handler.
    const queueNamed = (name: string) => createQueueClient(settings.queueConnection, name, azure.credential, azure.pki.caPem);
    const poison = queueNamed(`${QUEUE}-poison`);
    const poisonOfPoison = queueNamed(`${QUEUE}-poison-poison`);
    const workerLog = (_level: string, ...args: unknown[]) => logged.push(args.join(' '));
    const scanCluster = createScanClusterHandler(() => services);
    const recordFailedScan = createRecordFailedScanHandler(() => services);
    invocations = await runQueueHost([
      { client: services.queue, poison, handler: (entry, context) => scanCluster(entry, new InvocationContext({ ...context, triggerMetadata: context.triggerMetadata, logHandler: workerLog })) },
      { client: poison, poison: poisonOfPoison, handler: (entry, context) => recordFailedScan(entry, new InvocationContext({ ...context, triggerMetadata: context.triggerMetadata, logHandler: workerLog })) },
    ]);
    // No timed assertion: a generous guard for a loaded 2-core machine (Azurite, three doubles, eleven queue invocations).
  }, 900_000);

  afterAll(async () => {
    await Promise.allSettled([azure?.close(), healthy?.close(), partlyForbidden?.close(), logs?.close(), azurite?.stop()]);
  });

  const scanRows = () => logs.rows('Custom-IstioIsolationScans_CL');
  const rowOf = (cluster: string) => scanRows().filter((row) => row.ClusterName === cluster);

  it('enqueues one base64 JSON message per discovered cluster, all with the run\'s ScanId', () => {
    expect(azurite.connectionString).toContain('QueueEndpoint=https://127.0.0.1:');
    expect(enqueuedMessages.map((m) => m.cluster.name).sort()).toEqual(['aks-forbidden-kinds', 'aks-healthy', 'aks-unreachable']);
    expect(new Set(enqueuedMessages.map((m) => m.scanId))).toEqual(new Set([SCAN_ID]));
    expect(enqueuedMessages[0]!.cluster.resourceId).toMatch(/^\/subscriptions\/e2e0.*\/managedClusters\/aks-/);
  });

  it('scans the healthy cluster once and ships a succeeded record and its findings', () => {
    const rows = rowOf('aks-healthy');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ScanId: SCAN_ID, Status: 'succeeded', MeshMode: 'Istio' });
    const findings = logs.rows('Custom-IstioIsolationFindings_CL').filter((row) => row.ClusterName === 'aks-healthy');
    expect(findings.every((row) => row.ScanId === SCAN_ID)).toBe(true);
    // Reads went to the API server with the managed identity's AKS token.
    expect(healthy.requests.length).toBeGreaterThan(0);
    expect(healthy.requests.every((r) => r.status !== 401)).toBe(true);
  });

  it('ships a partial record naming the kinds the identity may not read', () => {
    const rows = rowOf('aks-forbidden-kinds');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Status: 'partial' });
    expect(String(rows[0]!.Error)).toContain('AuthorizationPolicy (forbidden)');
    expect(String(rows[0]!.Error)).toContain('PeerAuthentication (forbidden)');
  });

  it('retries the unreachable cluster maxDequeueCount times, then records it failed via the poison queue', () => {
    const attempts = invocations.filter((i) => i.queue === QUEUE && i.outcome === 'threw');
    expect(attempts.map((i) => [i.cluster, i.dequeueCount])).toEqual([1, 2, 3, 4, 5].map((count) => ['aks-unreachable', count]));
    expect(invocations.filter((i) => i.queue === `${QUEUE}-poison`)).toEqual([{ queue: `${QUEUE}-poison`, cluster: 'aks-unreachable', dequeueCount: 1, outcome: 'ok' }]);
    // The other two were handled once each, on their first delivery.
    expect(invocations.filter((i) => i.queue === QUEUE && i.outcome === 'ok').map((i) => [i.cluster, i.dequeueCount]).sort()).toEqual([['aks-forbidden-kinds', 1], ['aks-healthy', 1]]);
    const rows = rowOf('aks-unreachable');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ScanId: SCAN_ID, Status: 'failed' });
    expect(String(rows[0]!.Error)).toContain(`failed on each of ${MAX_DEQUEUE_COUNT} attempts`);
    expect(String(rows[0]!.Error)).toContain('unreachable');
    expect(String(rows[0]!.Error)).toContain('VNet integration');
    // The failed record still carries what ARM alone tells (the region's revision profile
    // included), and says the scan is incomplete.
    const ruleIds = logs.rows('Custom-IstioIsolationFindings_CL').filter((row) => row.ClusterName === 'aks-unreachable').map((row) => row.RuleId);
    expect(ruleIds).toEqual(expect.arrayContaining(['scan-incomplete', 'aks-local-accounts-enabled', 'aks-mesh-revision-unsupported']));
    expect(ruleIds).not.toContain('aks-defender-disabled');
  });

  it('never writes a token to the logs or the shipped rows', () => {
    const everything = JSON.stringify([logged, scanRows(), logs.rows('Custom-IstioIsolationFindings_CL')]);
    for (const token of [AKS_TOKEN, LOGS_TOKEN, ...azure.msi.issued.map((t) => t.token)]) expect(everything).not.toContain(token);
  });

  it('matches host.json: maxDequeueCount and base64 message encoding', () => {
    const host = JSON.parse(readFileSync(new URL('../../host.json', import.meta.url), 'utf8')) as { extensions: { queues: { maxDequeueCount: number; messageEncoding: string } } };
    expect(host.extensions.queues.maxDequeueCount).toBe(MAX_DEQUEUE_COUNT);
    expect(host.extensions.queues.messageEncoding).toBe('base64');
  });
});
