/**
 * The Storage queue between the timer and the worker. Messages are JSON, base64-encoded: the
 * Functions queue trigger's default `messageEncoding` is base64, so that is what it decodes.
 */
import https from 'node:https';
import { newPipeline, QueueClient, StorageSharedKeyCredential, type QueueServiceClient } from '@azure/storage-queue';
import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { QueueConnection } from '../config/app-settings.js';
import type { ScanClusterMessage } from './types.js';

/** Must equal host.json extensions.queues.maxDequeueCount (a test checks it). */
export const MAX_DEQUEUE_COUNT = 5;

/** Messages stay 7 days by default; a fleet scan message is useless after a day (the next run replaces it). */
const MESSAGE_TIME_TO_LIVE_SECONDS = 24 * 3600;
/** Parallel sends when enqueueing a large fleet. */
const SEND_CONCURRENCY = 16;

export function encodeQueueMessage(message: ScanClusterMessage): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}

/** Inverse of encodeQueueMessage, for tests and tools reading the queue directly. */
export function decodeQueueMessage(text: string): unknown {
  return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
}

/**
 * The queue client, from the same settings the Functions host uses for AzureWebJobsStorage:
 * a connection string (Azurite locally), or an identity-based connection in Azure.
 */
export function createQueueClient(connection: QueueConnection, queueName: string, credential: TokenCredential, trustedCaPem?: string): QueueClient {
  if (connection.kind === 'connectionString') {
    // The extra CA only matters for an HTTPS emulator endpoint (tests); anything else connects as usual.
    const httpsEmulator = /(^|;)\s*QueueEndpoint=https:\/\//i.test(connection.connectionString);
    return trustedCaPem && httpsEmulator ? queueClientTrusting(connection.connectionString, queueName, trustedCaPem) : new QueueClient(connection.connectionString, queueName);
  }
  const queueCredential = connection.clientId ? new ManagedIdentityCredential({ clientId: connection.clientId }) : credential;
  return new QueueClient(`${connection.queueServiceUri.replace(/\/$/, '')}/${queueName}`, queueCredential);
}

/**
 * Tests only (a local emulator over HTTPS with a test CA): @azure/storage-queue takes no TLS
 * options and treats `httpClient` as a core-http v1 client, so a request policy puts an
 * https.Agent trusting the CA on each request. Verification stays on. Needs an account-key
 * connection string with an explicit QueueEndpoint (as Azurite's).
 */
function queueClientTrusting(connectionString: string, queueName: string, trustedCaPem: string): QueueClient {
  const fields = Object.fromEntries(connectionString.split(';').filter((part) => part.includes('=')).map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]));
  const { AccountName: account, AccountKey: key, QueueEndpoint: endpoint } = fields;
  if (!account || !key || !endpoint) throw new Error('a trusted-CA queue client needs AccountName, AccountKey and QueueEndpoint in the connection string');
  const agent = new https.Agent({ ca: trustedCaPem, keepAlive: true });
  const pipeline = newPipeline(new StorageSharedKeyCredential(account, key));
  pipeline.factories.unshift({
    create: (next) => ({
      sendRequest: (request) => {
        request.agent = agent;
        return next.sendRequest(request);
      },
    }),
  });
  return new QueueClient(`${endpoint.replace(/\/$/, '')}/${queueName}`, pipeline);
}

/** Sends one message per cluster. Creates the queue if needed (the host creates trigger queues too). */
export async function enqueueScanMessages(queue: QueueClient, messages: ScanClusterMessage[]): Promise<void> {
  await queue.createIfNotExists();
  for (let start = 0; start < messages.length; start += SEND_CONCURRENCY) {
    const batch = messages.slice(start, start + SEND_CONCURRENCY);
    await Promise.all(batch.map((message) => queue.sendMessage(encodeQueueMessage(message), { messageTimeToLive: MESSAGE_TIME_TO_LIVE_SECONDS })));
  }
}

export type { QueueClient, QueueServiceClient };
