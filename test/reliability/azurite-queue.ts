/**
 * Azurite's Queue service in a child process, over HTTPS with a fresh test CA, in memory only:
 * the real Storage queue protocol (visibility timeout, dequeue count, pop receipts) for the
 * crash-and-retry scenario. Contract: README.md next to this file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import https from 'node:https';
import { newPipeline, QueueClient, StorageSharedKeyCredential } from '@azure/storage-queue';
import { generateTestPki } from '../helpers/tls.js';

/**
 * Azurite's documented development account (public, the same in every Azurite install:
 * https://learn.microsoft.com/azure/storage/common/storage-use-azurite#http-connection-strings).
 */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteQueue {
  connectionString: string;
  caPem: string;
  /** A QueueClient that trusts the test CA (verification on). */
  client(queueName: string): QueueClient;
  close(): Promise<void>;
}

export async function startAzuriteQueue(): Promise<AzuriteQueue> {
  const pki = generateTestPki();
  // Azurite reads its certificate from files; they live in a private temp folder removed on close.
  const folder = mkdtempSync(join(tmpdir(), 'azurite-queue-'));
  writeFileSync(join(folder, 'cert.pem'), pki.certPem, { mode: 0o600 });
  writeFileSync(join(folder, 'key.pem'), pki.keyPem, { mode: 0o600 });
  const main = join(dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist', 'src', 'queue', 'main.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [main, '--queueHost', '127.0.0.1', '--queuePort', '0', '--inMemoryPersistence', '--disableTelemetry', '--skipApiVersionCheck', '--loose', '--cert', join(folder, 'cert.pem'), '--key', join(folder, 'key.pem')],
    { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /successfully listens on https:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${code}: ${output}`));
    });
  });
  const connectionString = `DefaultEndpointsProtocol=https;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};QueueEndpoint=https://127.0.0.1:${port}/${DEV_ACCOUNT};`;
  return {
    connectionString,
    caPem: pki.caPem,
    client: (queueName) => trustedQueueClient(connectionString, queueName, pki.caPem),
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(folder, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A QueueClient for an Azurite connection string that trusts `caPem` (verification stays on).
 * @azure/storage-queue has no TLS option; a request policy puts an https.Agent with the CA on
 * each request. (A core-rest-pipeline HttpClient passed as `httpClient` does not work: the
 * storage pipeline treats that option as a core-http v1 client.)
 */
export function trustedQueueClient(connectionString: string, queueName: string, caPem: string): QueueClient {
  const fields = Object.fromEntries(connectionString.split(';').filter(Boolean).map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]));
  const agent = new https.Agent({ ca: caPem, keepAlive: true });
  const pipeline = newPipeline(new StorageSharedKeyCredential(fields.AccountName!, fields.AccountKey!));
  pipeline.factories.unshift({
    create: (next) => ({
      sendRequest: (request) => {
        request.agent = agent;
        return next.sendRequest(request);
      },
    }),
  });
  return new QueueClient(`${fields.QueueEndpoint!.replace(/\/$/, '')}/${queueName}`, pipeline);
}
