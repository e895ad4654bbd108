/**
 * A worker that dies between findings batches (issue 9): the worker runs as a child process
 * against Azurite's queue and the Logs Ingestion double; a fault proxy lets the first findings
 * calls through and holds the next, and the test kills the worker with SIGKILL right then.
 * The message was not deleted, so it reappears after its visibility timeout and the next
 * worker delivers every FindingId (at least once, same ids) and the final scan record.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createQueueClient, encodeQueueMessage } from '../../src/inventory/scan-queue.js';
import type { ScanClusterMessage } from '../../src/inventory/types.js';
import { startLogsIngestionDouble, type LogsIngestionDouble } from '../doubles/logs-ingestion/index.js';
import { CLUSTER_RESOURCE_ID } from '../integration/log-analytics/fixtures.js';
import { startAzuriteQueue, type AzuriteQueue } from '../doubles/azurite/index.js';
import { StaticTokenCredential } from '../helpers/credentials.js';
import { generateTestPki } from '../helpers/tls.js';
import { CONFIG_ENV, processOneMessage, resultFor, type CrashWorkerConfig } from './crash-worker.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { expectNoFindingLost, scenario, scenarioSummary } from './scenarios.js';

const TOKEN = 'reliability-crash-token';
const QUEUE = 'scan-clusters-crash';
const FINDINGS_LET_THROUGH = 2;
// Azurite over HTTPS with a fresh test CA: the real Storage queue protocol (visibility timeout,
// dequeue count, pop receipts) for the crash-and-retry scenario.
const queuePki = generateTestPki();
let azurite: AzuriteQueue;
let double: LogsIngestionDouble;
let proxy: FaultProxy;

beforeAll(async () => {
  [azurite, double] = await Promise.all([startAzuriteQueue({ pki: queuePki }), startLogsIngestionDouble({ token: TOKEN })]);
  proxy = await startFaultProxy({ upstream: double.endpoint, upstreamCaPem: double.caPem });
});
afterAll(async () => {
  process.stdout.write(`\n[reliability] queue-retry-crash: ${scenarioSummary()}\n`);
  await Promise.all([proxy?.close(), double?.close(), azurite?.stop()]);
});

function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`gave up waiting for ${what}`));
      setTimeout(check, 25);
    };
    check();
  });
}

describe('queue retry after a worker crash', () => {
  it('queue-worker-crash-between-batches: the redelivered message completes the upload with the same FindingIds', async () => {
    const entry = scenario('queue-worker-crash-between-batches');
    const findingCount = entry.findings as number;
    const findingsStream = double.env.LOGS_FINDINGS_STREAM!;
    const scansStream = double.env.LOGS_SCANS_STREAM!;
    const message: ScanClusterMessage = {
      version: 1,
      scanId: 'scan-crash-2026-03-01T12:00Z',
      cluster: { resourceId: CLUSTER_RESOURCE_ID, name: 'aks-prod-1', subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-aks', location: 'westeurope' },
      enqueuedAt: '2026-03-01T12:00:00.000Z',
    };
    const queue = createQueueClient({ kind: 'connectionString', connectionString: azurite.connectionString }, QUEUE, new StaticTokenCredential('unused-for-connection-strings'), queuePki.caPem);
    await queue.createIfNotExists();
    await queue.sendMessage(encodeQueueMessage(message));

    // The first worker reaches Logs Ingestion through the proxy: two findings calls pass, the rest hang.
    let findingsCalls = 0;
    proxy.setPlan(({ url }) => (url.includes(findingsStream) && ++findingsCalls > FINDINGS_LET_THROUGH ? { type: 'hold' } : { type: 'forward' }));
    const config: CrashWorkerConfig = {
      queueConnectionString: azurite.connectionString,
      queueCaPem: queuePki.caPem,
      queueName: QUEUE,
      logsEnv: { ...double.env, LOGS_INGESTION_ENDPOINT: proxy.url },
      logsCaPem: proxy.caPem,
      logsToken: TOKEN,
      visibilityTimeoutSeconds: 2,
      findingCount,
    };
    const workerPath = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', workerPath], { env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let childStderr = '';
    child.stderr.on('data', (chunk: Buffer) => (childStderr += chunk.toString('utf8')));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));

    await proxy.waitForHeld(1);
    await waitFor(() => double.calls.filter((call) => call.stream === findingsStream && call.status === 204).length >= FINDINGS_LET_THROUGH, 'the first findings batches to be accepted');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(childStderr).not.toContain('crash worker failed');

    // Half delivered, no scan record: the crash happened between batches.
    const firstAttempt = double.rows(findingsStream).map((row) => String(row.FindingId));
    expect(firstAttempt.length).toBeGreaterThan(0);
    expect(firstAttempt.length).toBeLessThan(findingCount);
    expect(double.rows(scansStream)).toHaveLength(0);

    // The queue redelivers once the visibility timeout ends; the next worker finishes the job.
    proxy.setPlan(() => ({ type: 'forward' }));
    let dequeueCount: number | undefined;
    const started = Date.now();
    while (dequeueCount === undefined && Date.now() - started < 30_000) {
      dequeueCount = await processOneMessage(config);
      if (dequeueCount === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(dequeueCount).toBe(2);
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);

    const expected = resultFor(message.scanId, findingCount).findings.map((finding) => finding.findingId);
    const delivered = double.rows(findingsStream).map((row) => String(row.FindingId));
    // Same ids on both attempts: the first attempt's rows are a subset of what the retry sends.
    expect(firstAttempt.every((id) => expected.includes(id))).toBe(true);
    expect(delivered.length).toBe(firstAttempt.length + findingCount);
    expect(double.rows(scansStream)).toEqual([expect.objectContaining({ ScanId: message.scanId, Status: 'succeeded' })]);
    expectNoFindingLost('queue-worker-crash-between-batches', { expectedFindingIds: expected, deliveredFindingIds: delivered });
  });
});
