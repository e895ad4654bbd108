/**
 * A queue worker shaped like the scanCluster Function: take one message from the Storage
 * queue, produce the cluster's scan result, upload it with the real LogAnalyticsSink, and only
 * then delete the message. Run in-process (the retry) or as a child process that the crash
 * scenario kills with SIGKILL between findings batches.
 *
 * The scan result is synthetic and deterministic per message (sampleResult), so both
 * attempts produce the same FindingIds, as two scans of an unchanged cluster do.
 */
import { createQueueClient, decodeQueueMessage } from '../../src/inventory/scan-queue.js';
import { parseScanClusterMessage } from '../../src/inventory/types.js';
import { LogAnalyticsSink, sinkOptionsFromEnv } from '../../src/report/log-analytics/sink.js';
import type { ClusterScanResult } from '../../src/report/types.js';
import { StaticTokenCredential } from '../helpers/credentials.js';
import { sampleResult } from '../integration/log-analytics/fixtures.js';

export interface CrashWorkerConfig {
  queueConnectionString: string;
  queueCaPem: string;
  queueName: string;
  /** LOGS_* app settings. */
  logsEnv: Record<string, string>;
  logsCaPem: string;
  logsToken: string;
  visibilityTimeoutSeconds: number;
  findingCount: number;
}

export const CONFIG_ENV = 'RELIABILITY_CRASH_WORKER_CONFIG';

/** The result a scan of this message's cluster produces (same ids on every attempt). */
export function resultFor(scanId: string, findingCount: number): ClusterScanResult {
  return sampleResult(findingCount, { scanId });
}

/** Processes one message if there is one; returns its dequeue count, or undefined when the queue was empty. */
export async function processOneMessage(config: CrashWorkerConfig): Promise<number | undefined> {
  const queue = createQueueClient({ kind: 'connectionString', connectionString: config.queueConnectionString }, config.queueName, new StaticTokenCredential('unused-for-connection-strings'), config.queueCaPem);
  const received = await queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: config.visibilityTimeoutSeconds });
  const item = received.receivedMessageItems[0];
  if (!item) return undefined;
  const message = parseScanClusterMessage(decodeQueueMessage(item.messageText));
  const sink = new LogAnalyticsSink({
    ...sinkOptionsFromEnv(config.logsEnv, new StaticTokenCredential(config.logsToken)),
    clientOptions: { tlsOptions: { ca: config.logsCaPem }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
  });
  await sink.upload(resultFor(message.scanId, config.findingCount));
  // Deleted only after everything arrived: a crash before this line means redelivery.
  await queue.deleteMessage(item.messageId, item.popReceipt);
  return item.dequeueCount;
}

// As a child process: one message, then exit (or be killed on the way).
if (process.env[CONFIG_ENV] && process.argv[1]?.endsWith('crash-worker.ts')) {
  const config = JSON.parse(process.env[CONFIG_ENV]) as CrashWorkerConfig;
  processOneMessage(config).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`crash worker failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
