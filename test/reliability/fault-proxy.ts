/**
 * An HTTPS fault-injecting reverse proxy in front of any HTTPS double (contract: README.md
 * next to this file). It exists for faults the doubles themselves do not offer: 413 from Logs
 * Ingestion, 5xx from ARM, and holding a call open so a worker can be killed between batches.
 * Clients reach it with verified TLS (its own test CA); it verifies the upstream with the
 * upstream's CA. Request bodies and headers (Authorization included) pass through unchanged.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateTestPki, type TestPki } from '../helpers/tls.js';

/** What to do with one call: pass it on, or misbehave. */
export type ProxyAction =
  | { type: 'forward' }
  /** Answer with this status (and JSON body) instead of forwarding. */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Destroy the connection without answering. */
  | { type: 'drop' }
  /** Keep the call open, unanswered, until the proxy closes (a worker killed meanwhile never learns the outcome). */
  | { type: 'hold' };

export interface ProxiedCall {
  method: string;
  /** Path and query as received. */
  url: string;
  action: ProxyAction['type'];
  /** Upstream status for forwarded calls, the injected status, or 0 (dropped/held). */
  status: number;
}

/** Decides each call; `index` counts calls from 0 in arrival order. */
export type ProxyPlan = (call: { index: number; method: string; url: string }) => ProxyAction;

export interface FaultProxy {
  /** https://127.0.0.1:<port> */
  url: string;
  caPem: string;
  calls: ProxiedCall[];
  setPlan(plan: ProxyPlan): void;
  /** Resolves once `count` calls are being held. */
  waitForHeld(count: number): Promise<void>;
  close(): Promise<void>;
}

export const FORWARD_ALL: ProxyPlan = () => ({ type: 'forward' });

/** A plan that answers the first `times` calls matching `filter` with `action`, then forwards. */
export function faultFirst(times: number, action: ProxyAction, filter: (url: string) => boolean = () => true): ProxyPlan {
  let remaining = times;
  return ({ url }) => {
    if (remaining > 0 && filter(url)) {
      remaining -= 1;
      return action;
    }
    return { type: 'forward' };
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startFaultProxy(options: { upstream: string; upstreamCaPem: string; plan?: ProxyPlan; pki?: TestPki }): Promise<FaultProxy> {
  const pki = options.pki ?? generateTestPki();
  const upstream = new URL(options.upstream);
  const upstreamAgent = new https.Agent({ ca: options.upstreamCaPem, keepAlive: false });
  let plan = options.plan ?? FORWARD_ALL;
  let index = 0;
  const calls: ProxiedCall[] = [];
  const sockets = new Set<Socket>();
  const heldWaiters: Array<{ count: number; resolve: () => void }> = [];
  const heldCount = () => calls.filter((call) => call.action === 'hold').length;
  const notifyHeld = () => {
    for (const waiter of [...heldWaiters]) {
      if (heldCount() >= waiter.count) {
        heldWaiters.splice(heldWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = request.url ?? '/';
    const action = plan({ index: index++, method: request.method ?? 'GET', url });
    const call: ProxiedCall = { method: request.method ?? 'GET', url, action: action.type, status: 0 };
    calls.push(call);
    if (action.type === 'hold') return notifyHeld();
    if (action.type === 'drop') {
      request.socket.destroy();
      return;
    }
    if (action.type === 'status') {
      call.status = action.status;
      response.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
      response.end(action.body === undefined ? '' : JSON.stringify(action.body));
      return;
    }
    const headers = { ...request.headers, host: upstream.host };
    await new Promise<void>((resolve) => {
      const upstreamRequest = https.request(
        { protocol: 'https:', hostname: upstream.hostname, port: upstream.port, method: request.method, path: url, headers, agent: upstreamAgent },
        (upstreamResponse) => {
          call.status = upstreamResponse.statusCode ?? 0;
          response.writeHead(call.status, upstreamResponse.headers);
          upstreamResponse.pipe(response);
          upstreamResponse.on('end', resolve);
        },
      );
      upstreamRequest.on('error', () => {
        // The upstream cut the connection (e.g. its own drop fault): pass the cut on.
        request.socket.destroy();
        resolve();
      });
      upstreamRequest.end(body);
    });
  }

  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: pki.caPem,
    calls,
    setPlan(next) {
      plan = next;
    },
    waitForHeld(count) {
      return new Promise((resolve) => {
        heldWaiters.push({ count, resolve });
        notifyHeld();
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        upstreamAgent.destroy();
        server.close(() => resolve());
      });
    },
  };
}
