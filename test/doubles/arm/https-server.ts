/**
 * Small shared plumbing for the Azure HTTPS doubles: a TLS server on 127.0.0.1 with the test
 * PKI, JSON bodies, bearer-token checks and a throttling switch (429 + Retry-After).
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestPki } from '../../helpers/tls.js';

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  status: number;
  body?: unknown;
}

export type JsonHandler = (req: IncomingMessage, url: URL, body: unknown) => { status: number; body?: unknown; headers?: Record<string, string> };

export interface AzureHttpsDouble {
  baseUrl: string;
  requests: RecordedRequest[];
  /** The next `times` requests whose path contains `pathIncludes` get 429 with Retry-After. */
  throttle(pathIncludes: string, times: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/** Resource Graph's per-user quota headers (hh:mm:ss until the quota resets). */
export function quotaHeaders(resetsAfterSeconds: number): Record<string, string> {
  const hh = String(Math.floor(resetsAfterSeconds / 3600)).padStart(2, '0');
  const mm = String(Math.floor((resetsAfterSeconds % 3600) / 60)).padStart(2, '0');
  const ss = String(resetsAfterSeconds % 60).padStart(2, '0');
  return { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': `${hh}:${mm}:${ss}` };
}

export function armError(code: string, message: string): unknown {
  return { error: { code, message } };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts the server. `audienceOf(token)` tells which audience a bearer token was issued for
 * (the managed identity double knows); requests for another audience get 401 like ARM.
 */
export async function startAzureHttpsDouble(options: {
  pki: TestPki;
  audienceOf: (token: string) => string | undefined;
  expectedAudience: string;
  handle: JsonHandler;
  /** Headers of a throttled (429) answer; default: ARM's Retry-After plus the Resource Graph quota headers. */
  throttleHeaders?: (retryAfterSeconds: number) => Record<string, string>;
}): Promise<AzureHttpsDouble> {
  const requests: RecordedRequest[] = [];
  const throttles: Array<{ pathIncludes: string; remaining: number; retryAfterSeconds: number }> = [];

  const server = https.createServer({ key: options.pki.keyPem, cert: options.pki.certPem }, (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const body = await readBody(req);
      const record = (status: number) => requests.push({ method: req.method ?? '', url: `${url.pathname}${url.search}`, status, body });

      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
      const audience = token ? options.audienceOf(token) : undefined;
      if (audience?.replace(/\/$/, '') !== options.expectedAudience) {
        record(401);
        return sendJson(res, 401, armError('InvalidAuthenticationToken', 'The access token is missing, expired or for another audience.'));
      }
      const throttle = throttles.find((t) => t.remaining > 0 && url.pathname.includes(t.pathIncludes));
      if (throttle) {
        throttle.remaining -= 1;
        record(429);
        const throttleHeaders = options.throttleHeaders ?? ((seconds: number) => ({ 'retry-after': String(seconds), ...quotaHeaders(seconds) }));
        return sendJson(res, 429, armError('TooManyRequests', 'Rate limit exceeded, retry later.'), throttleHeaders(throttle.retryAfterSeconds));
      }
      const answer = options.handle(req, url, body);
      record(answer.status);
      sendJson(res, answer.status, answer.body, answer.headers);
    })().catch((error: unknown) => {
      sendJson(res, 500, armError('InternalServerError', String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `https://127.0.0.1:${port}`,
    requests,
    throttle(pathIncludes, times, retryAfterSeconds = 1) {
      throttles.push({ pathIncludes, remaining: times, retryAfterSeconds });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
