import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateTestPki } from '../../helpers/tls.js';

/** GETs / over HTTPS with the given trust store and returns the status code. */
function get(port: number, host: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host, port, path: '/', ca, agent: false, servername: host === '127.0.0.1' ? undefined : host }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

describe('generateTestPki', () => {
  const pki = generateTestPki();

  it('issues a server certificate for 127.0.0.1 and localhost, signed by the CA', () => {
    const ca = new X509Certificate(pki.caPem);
    const server = new X509Certificate(pki.certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
  });

  it('lets a client that trusts the CA connect with verification on, and only such a client', async () => {
    const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (_request, response) => {
      response.statusCode = 204;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(get(port, '127.0.0.1', pki.caPem)).resolves.toBe(204);
      await expect(get(port, 'localhost', pki.caPem)).resolves.toBe(204);
      // Default trust store: the test CA is unknown, so verification must reject it.
      await expect(get(port, '127.0.0.1')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
      // Another run's CA must not be trusted either.
      await expect(get(port, '127.0.0.1', generateTestPki().caPem)).rejects.toThrow(/certificate|signature/i);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
