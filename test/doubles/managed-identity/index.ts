/**
 * Double of the App Service / Functions managed identity endpoint (IDENTITY_ENDPOINT +
 * IDENTITY_HEADER protocol, api-version 2019-08-01). Plain HTTP on 127.0.0.1, as in App Service.
 * Contract: README.md beside this file.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IssuedToken {
  token: string;
  resource: string;
  clientId: string;
  expiresOnSeconds: number;
}

export interface ManagedIdentityDouble {
  /** Value for IDENTITY_ENDPOINT. */
  endpoint: string;
  /** Value for IDENTITY_HEADER. */
  header: string;
  /** Client id of the only user-assigned identity this double knows. */
  clientId: string;
  issued: IssuedToken[];
  /** Every request, for assertions (path + query, and whether the header matched). */
  requests: Array<{ url: string; headerOk: boolean }>;
  /** The token's audience if this double issued it and it has not expired, else undefined. */
  audienceOf(token: string): string | undefined;
  close(): Promise<void>;
}

export interface ManagedIdentityDoubleOptions {
  clientId: string;
  /** Token lifetime; real tokens live ~24 h. */
  lifetimeSeconds?: number;
  /**
   * Resource -> token value to issue for it, so another double that expects one fixed bearer
   * token (the Kubernetes and Logs Ingestion doubles) accepts what this identity gets.
   */
  fixedTokens?: Record<string, string>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startManagedIdentityDouble(options: ManagedIdentityDoubleOptions): Promise<ManagedIdentityDouble> {
  const header = randomBytes(16).toString('hex');
  const issued: IssuedToken[] = [];
  const requests: ManagedIdentityDouble['requests'] = [];
  const lifetime = options.lifetimeSeconds ?? 24 * 3600;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headerOk = req.headers['x-identity-header'] === header;
    requests.push({ url: `${url.pathname}${url.search}`, headerOk });
    if (req.method !== 'GET' || url.pathname !== '/msi/token') return sendJson(res, 404, { error: 'not_found' });
    if (!headerOk) return sendJson(res, 401, { statusCode: 401, message: 'X-IDENTITY-HEADER missing or wrong' });
    if (url.searchParams.get('api-version') !== '2019-08-01') return sendJson(res, 400, { statusCode: 400, message: 'api-version must be 2019-08-01' });
    const resource = url.searchParams.get('resource');
    if (!resource) return sendJson(res, 400, { statusCode: 400, message: 'resource is required' });
    // A user-assigned identity is chosen by client_id (or principal_id / mi_res_id, not supported here).
    const clientId = url.searchParams.get('client_id');
    if (clientId !== options.clientId) return sendJson(res, 400, { statusCode: 400, message: `Unable to load the proper Managed Identity (client_id ${clientId ?? 'missing'})` });
    const token = options.fixedTokens?.[resource] ?? `msi-double.${randomBytes(24).toString('base64url')}`;
    const expiresOnSeconds = Math.floor(Date.now() / 1000) + lifetime;
    issued.push({ token, resource, clientId, expiresOnSeconds });
    sendJson(res, 200, { access_token: token, expires_on: String(expiresOnSeconds), resource, token_type: 'Bearer', client_id: clientId });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}/msi/token`,
    header,
    clientId: options.clientId,
    issued,
    requests,
    audienceOf(token: string) {
      const entry = issued.findLast((candidate) => candidate.token === token);
      return entry && entry.expiresOnSeconds * 1000 > Date.now() ? entry.resource : undefined;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
