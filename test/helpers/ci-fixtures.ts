/** Small manifest folders the CI tests scan, written to temporary directories. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix = 'iis-ci-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `files` (relative path -> text) under `dir` and returns `dir`. */
export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function serviceEntry(namespace: string, name: string, host: string, exportTo?: string[]): string {
  return [
    'apiVersion: networking.istio.io/v1',
    'kind: ServiceEntry',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    `  hosts: [${JSON.stringify(host)}]`,
    ...(exportTo ? [`  exportTo: ${JSON.stringify(exportTo)}`] : []),
    '  location: MESH_EXTERNAL',
    '  resolution: DNS',
    '  ports: [{ number: 443, name: https, protocol: TLS }]',
    '',
  ].join('\n');
}

/** The example: a tenant folder with one correct ServiceEntry (exportTo ["."]). */
export const CORRECT_TENANT_SERVICE_ENTRY = serviceEntry('team-a', 'stripe', 'api.stripe.com', ['.']);
