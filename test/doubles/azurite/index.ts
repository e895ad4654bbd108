/**
 * Starts Azurite's queue service (the npm package `azurite`, Microsoft's Storage emulator) as a
 * child process on a free 127.0.0.1 port with a temporary workspace folder, for tests that need
 * a real Storage queue. Contract: README.md beside this file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestPki } from '../../helpers/tls.js';

/** Azurite's fixed development account (public, documented emulator credentials). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteQueue {
  /** Connection string for @azure/storage-queue and for AzureWebJobsStorage. */
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function azuriteQueueEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'queue', 'main.js');
}

/**
 * With `pki`, Azurite serves HTTPS with that server certificate (Azure Storage is HTTPS-only in
 * practice); the client must trust `pki.caPem`. Without it, plain HTTP like `UseDevelopmentStorage`.
 */
export async function startAzuriteQueue(options: { startTimeoutMs?: number; pki?: TestPki } = {}): Promise<AzuriteQueue> {
  const location = mkdtempSync(join(tmpdir(), 'azurite-queue-'));
  const port = await freePort();
  const tlsArgs: string[] = [];
  if (options.pki) {
    // Azurite reads its certificate from files; they live in the private temp folder removed on stop().
    writeFileSync(join(location, 'cert.pem'), options.pki.certPem, { mode: 0o600 });
    writeFileSync(join(location, 'key.pem'), options.pki.keyPem, { mode: 0o600 });
    tlsArgs.push('--cert', join(location, 'cert.pem'), '--key', join(location, 'key.pem'));
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [azuriteQueueEntry(), '--queueHost', '127.0.0.1', '--queuePort', String(port), '--location', location, '--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry', ...tlsArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const protocol = options.pki ? 'https' : 'http';
  // If the test process dies without calling stop(), do not leave an orphaned emulator behind.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  let output = '';
  // A guard against a hung start, not a performance check: a loaded 2-core machine can take a minute.
  const startTimeoutMs = options.startTimeoutMs ?? 180_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`Azurite did not start within ${startTimeoutMs} ms: ${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/successfully listen/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code}: ${output}`));
    });
  });
  return {
    connectionString: `DefaultEndpointsProtocol=${protocol};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};QueueEndpoint=${protocol}://127.0.0.1:${port}/${AZURITE_ACCOUNT};`,
    port,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(location, { recursive: true, force: true });
    },
  };
}
