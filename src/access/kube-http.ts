/**
 * The scanner's one door to a Kubernetes API server: read-only GETs with retries, timeouts
 * and accounting.
 *
 * Why not the typed APIs of @kubernetes/client-node: listing needs the raw response size
 * (bytes per kind for the scan record), exact control over `limit`/`continue`, a per-request
 * timeout, Retry-After handling and a per-cluster deadline, none of which the generated
 * clients expose. The library still does everything security-relevant: KubeConfig
 * `applyToHTTPSOptions` resolves the server CA, client certificates, bearer tokens and exec
 * plugins (kubelogin) in memory, and builds the TLS agent (including proxy-url). Nothing is
 * written to disk and TLS verification is never disabled (see assertVerifiedTls).
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { scrubSecrets } from './scrub.js';

export interface KubeHttpOptions {
  /** A single attempt (connect + full body) is abandoned after this long. */
  requestTimeoutMs?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Base of the exponential backoff (full jitter): attempt n waits random() * base * 2^n. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Absolute time (Date.now() scale) after which no request starts and running ones are aborted. */
  deadline?: number;
  /** Injectable for deterministic tests of the backoff. */
  random?: () => number;
  /** Told before each retry: what failed and how long the client waits (logging, tests). */
  onRetry?: (retry: { path: string; attempt: number; waitMs: number; error: KubeRequestError }) => void;
  /**
   * Largest response body accepted, in bytes (default 256 MiB). A bigger one is abandoned as it
   * arrives and fails its kind, without retries: one page of 500 objects never needs that much,
   * and the body must stay well under the longest string V8 can build (about 512 MiB).
   */
  maxResponseBytes?: number;
}

export const DEFAULT_KUBE_HTTP_OPTIONS = {
  requestTimeoutMs: 30_000,
  maxAttempts: 4,
  baseBackoffMs: 250,
  maxBackoffMs: 10_000,
  maxResponseBytes: 256 * 1024 * 1024,
} as const;

/** Above this a response body cannot become one JavaScript string; the cap may not exceed it. */
export const MAX_RESPONSE_BYTES_LIMIT = 512 * 1024 * 1024 - 64;

/** Why a request finally failed; decides the coverage status of the kind it was for. */
export type KubeFailure = 'http' | 'network' | 'tls' | 'timeout' | 'deadline' | 'invalid-response' | 'too-large';

export class KubeRequestError extends Error {
  constructor(
    message: string,
    readonly failure: KubeFailure,
    /** HTTP status for failure 'http'. */
    readonly status?: number,
    /** Kubernetes Status.reason (Expired, Forbidden, NotFound...) when the server sent one. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeRequestError';
  }
}

export interface KubeResponse {
  status: number;
  /** Parsed JSON body. */
  body: unknown;
  bytes: number;
}

/** Per-request accounting, so callers can attribute requests and bytes to a kind. */
export interface RequestTally {
  requests: number;
  bytes: number;
}

/** Statuses worth another attempt: throttling and server-side trouble. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** The scanner never talks to an API server it cannot authenticate. */
export function assertVerifiedTls(kubeConfig: KubeConfig): void {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context "${kubeConfig.getCurrentContext()}" names no cluster`);
  if (!cluster.server.startsWith('https://')) throw new Error(`cluster ${cluster.name}: the API server must be reached over https (got ${safeUrl(cluster.server)})`);
  if (cluster.skipTLSVerify) throw new Error(`cluster ${cluster.name}: insecure-skip-tls-verify is set; the scanner always verifies the API server certificate`);
}

/** Strips credentials and query strings from a URL before it goes into a message. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Retry-After is seconds or an HTTP date (RFC 9110 10.2.3). */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface Attempt {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

export class KubeHttpClient {
  readonly totals: RequestTally = { requests: 0, bytes: 0 };
  private readonly options: Required<Omit<KubeHttpOptions, 'deadline' | 'onRetry'>> & Pick<KubeHttpOptions, 'onRetry'> & { deadline: number };
  /** Credentials sent so far (tokens, client keys), so text the server echoes back can be scrubbed of them. */
  private readonly sentSecrets = new Set<string>();
  private readonly deadlineController = new AbortController();
  private readonly deadlineTimer: NodeJS.Timeout | undefined;
  private readonly server: string;
  /** Keep-alive agents by TLS identity: one TLS handshake per cluster instead of one per page. */
  private readonly keepAliveAgents = new Map<string, https.Agent>();
  /**
   * The TLS material of the last request and its keep-alive agent: the library gives the same
   * material (often as new Buffers) for every request, so it is compared, not hashed, each time.
   */
  private lastTls: { parts: unknown[]; agent: https.Agent } | undefined;
  /** How to abort each request in flight at the deadline: one listener on the deadline signal, not one per request. */
  private readonly inFlight = new Set<() => void>();

  constructor(
    private readonly kubeConfig: KubeConfig,
    options: KubeHttpOptions = {},
  ) {
    assertVerifiedTls(kubeConfig);
    this.server = kubeConfig.getCurrentCluster()!.server.replace(/\/+$/, '');
    this.options = {
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_KUBE_HTTP_OPTIONS.requestTimeoutMs,
      maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_KUBE_HTTP_OPTIONS.maxAttempts),
      baseBackoffMs: options.baseBackoffMs ?? DEFAULT_KUBE_HTTP_OPTIONS.baseBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULT_KUBE_HTTP_OPTIONS.maxBackoffMs,
      deadline: options.deadline ?? Number.POSITIVE_INFINITY,
      random: options.random ?? Math.random,
      onRetry: options.onRetry,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_KUBE_HTTP_OPTIONS.maxResponseBytes,
    };
    if (!(this.options.maxResponseBytes > 0 && this.options.maxResponseBytes <= MAX_RESPONSE_BYTES_LIMIT)) {
      throw new Error(`the response size cap must be between 1 byte and ${MAX_RESPONSE_BYTES_LIMIT} bytes (got ${this.options.maxResponseBytes})`);
    }
    if (Number.isFinite(this.options.deadline)) {
      this.deadlineTimer = setTimeout(() => this.deadlineController.abort(), Math.max(0, this.options.deadline - Date.now()));
      this.deadlineTimer.unref();
    }
    this.deadlineController.signal.addEventListener('abort', () => {
      for (const abort of [...this.inFlight]) abort();
    });
  }

  /** Releases the deadline timer. Call when the collection is over. */
  close(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    for (const agent of this.keepAliveAgents.values()) agent.destroy();
    this.keepAliveAgents.clear();
    this.lastTls = undefined;
  }

  /**
   * The library builds a fresh https.Agent per call without keep-alive, so every page paid a
   * TLS handshake (docs/performance.md, collection). We keep its TLS material and verification,
   * reuse one keep-alive agent per identity (client certificates may rotate through exec
   * plugins, hence the key), and leave proxy agents alone.
   */
  private reuseConnection(requestOptions: https.RequestOptions): void {
    const agent = requestOptions.agent;
    if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return;
    const tls = agent.options;
    const parts: unknown[] = [tls.ca, tls.cert, tls.key, tls.pfx, tls.servername];
    let reusable = this.lastTls && sameTlsParts(this.lastTls.parts, parts) ? this.lastTls.agent : undefined;
    if (!reusable) {
      const identity = createHash('sha256')
        .update(JSON.stringify(parts.map((part) => (part === undefined ? '' : String(part)))))
        .digest('hex');
      reusable = this.keepAliveAgents.get(identity);
      if (!reusable) {
        reusable = new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, pfx: tls.pfx, passphrase: tls.passphrase, servername: tls.servername, keepAlive: true, rejectUnauthorized: true });
        this.keepAliveAgents.set(identity, reusable);
      }
      this.lastTls = { parts, agent: reusable };
    }
    agent.destroy();
    requestOptions.agent = reusable;
  }

  get deadlinePassed(): boolean {
    return this.deadlineController.signal.aborted || Date.now() >= this.options.deadline;
  }

  /**
   * GET `path` (with `query`) and parse the JSON answer. Retries 429 (honouring Retry-After),
   * 5xx, connection resets, timeouts and unparseable bodies with exponential backoff and
   * jitter. Any other non-2xx status, and the last failure, is thrown as KubeRequestError.
   * Every attempt is counted in `tally` and in the client's totals.
   */
  async getJson(path: string, query: Record<string, string | number | undefined> = {}, tally?: RequestTally): Promise<KubeResponse> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    let lastError: KubeRequestError | undefined;
    for (let attempt = 0; attempt < this.options.maxAttempts; attempt++) {
      if (this.deadlinePassed) throw new KubeRequestError(`deadline exceeded before GET ${path}`, 'deadline');
      let waitMs: number;
      try {
        const response = await this.attempt(url, tally);
        if (response.status >= 200 && response.status < 300) {
          try {
            return { status: response.status, body: JSON.parse(response.raw.toString('utf8')) as unknown, bytes: response.raw.length };
          } catch {
            throw new KubeRequestError(`GET ${path}: the response is not valid JSON (${response.raw.length} bytes)`, 'invalid-response', response.status);
          }
        }
        const status = statusOf(response.raw, this.sentSecrets);
        const error = new KubeRequestError(`GET ${path}: HTTP ${response.status}${status.reason ? ` ${status.reason}` : ''}${status.message ? `: ${status.message}` : ''}`, 'http', response.status, status.reason);
        if (!RETRYABLE_STATUS.has(response.status)) throw error;
        lastError = error;
        waitMs = retryAfterMs(response.headers['retry-after']) ?? this.backoff(attempt);
      } catch (error) {
        if (!(error instanceof KubeRequestError)) throw error;
        if (error.failure === 'http' && !RETRYABLE_STATUS.has(error.status ?? 0)) throw error;
        if (error.failure === 'deadline' || error.failure === 'tls' || error.failure === 'too-large') throw error;
        lastError = error;
        waitMs = this.backoff(attempt);
      }
      if (attempt + 1 >= this.options.maxAttempts) break;
      if (Date.now() + waitMs >= this.options.deadline) {
        throw new KubeRequestError(`deadline exceeded while waiting ${waitMs} ms to retry GET ${path} (last: ${lastError?.message})`, 'deadline');
      }
      this.options.onRetry?.({ path, attempt: attempt + 1, waitMs, error: lastError! });
      await sleep(waitMs, this.deadlineController.signal);
    }
    const final = lastError!;
    throw new KubeRequestError(`${final.message} (gave up after ${this.options.maxAttempts} attempts)`, final.failure, final.status, final.reason);
  }

  /** Keeps the credentials of this request (bearer token, basic auth, client key) to scrub echoed text. */
  private rememberSecrets(requestOptions: https.RequestOptions): void {
    const headers = (requestOptions.headers ?? {}) as Record<string, unknown>;
    const authorization = headers.Authorization ?? headers.authorization;
    const secrets: unknown[] = [typeof authorization === 'string' ? authorization.replace(/^\S+\s+/, '') : undefined, requestOptions.auth, requestOptions.key, requestOptions.passphrase];
    const agent = requestOptions.agent;
    if (agent instanceof https.Agent) secrets.push(agent.options.key, agent.options.passphrase);
    for (const secret of secrets.flat()) {
      const text = Buffer.isBuffer(secret) ? secret.toString('utf8') : secret;
      if (typeof text === 'string' && text.length > 0 && this.sentSecrets.size < 32) this.sentSecrets.add(text);
    }
  }

  private backoff(attempt: number): number {
    return Math.floor(this.options.random() * Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** attempt));
  }

  /** One HTTP exchange. Resolves with any status; rejects with network/timeout/deadline errors. */
  private async attempt(url: URL, tally?: RequestTally): Promise<Attempt> {
    // Applied per request so expiring credentials (exec plugins, kubelogin) are refreshed by the library.
    const requestOptions: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);
    if (requestOptions.rejectUnauthorized === false) throw new Error('refusing a TLS configuration without certificate verification');
    this.rememberSecrets(requestOptions);
    this.reuseConnection(requestOptions);
    const headers = { ...(requestOptions.headers as Record<string, string> | undefined), Accept: 'application/json', 'User-Agent': 'istio-isolation-scanner' };
    this.totals.requests += 1;
    if (tally) tally.requests += 1;
    const account = (bytes: number) => {
      this.totals.bytes += bytes;
      if (tally) tally.bytes += bytes;
    };
    const deadlineSignal = this.deadlineController.signal;
    const inFlight = this.inFlight;
    return new Promise<Attempt>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: Attempt | KubeRequestError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(onDeadline);
        if (outcome instanceof KubeRequestError) reject(outcome);
        else resolve(outcome);
      };
      const cap = this.options.maxResponseBytes;
      const tooLarge = (bytes: number) =>
        new KubeRequestError(`GET ${url.pathname}: the response is larger than the ${describeBytes(cap)} cap on one API response (${bytes >= cap ? `over ${describeBytes(bytes)}` : describeBytes(bytes)}); the kind is not read`, 'too-large');
      const request = https.request(url, { ...requestOptions, method: 'GET', headers }, (response) => {
        const chunks: Buffer[] = [];
        let received = 0;
        // Refuse before reading when the server announces the size, else as soon as it is passed.
        const announced = Number(response.headers['content-length']);
        if (Number.isFinite(announced) && announced > cap) {
          finish(tooLarge(announced));
          request.destroy();
          return;
        }
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          account(chunk.length);
          if (received > cap) {
            finish(tooLarge(received));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (!response.complete) return finish(new KubeRequestError(`GET ${url.pathname}: connection closed mid-response after ${received} bytes`, 'network'));
          finish({ status: response.statusCode ?? 0, headers: response.headers, raw: Buffer.concat(chunks, received) });
        });
        response.on('aborted', () => finish(new KubeRequestError(`GET ${url.pathname}: connection closed mid-response after ${received} bytes`, 'network')));
        response.on('error', (error) => finish(new KubeRequestError(`GET ${url.pathname}: ${describeNetworkError(error)}`, 'network')));
      });
      const timer = setTimeout(() => {
        finish(new KubeRequestError(`GET ${url.pathname}: no complete response within ${this.options.requestTimeoutMs} ms`, 'timeout'));
        request.destroy();
      }, this.options.requestTimeoutMs);
      function onDeadline() {
        finish(new KubeRequestError(`GET ${url.pathname}: aborted at the scan deadline`, 'deadline'));
        request.destroy();
      }
      // As an abort listener added now would: not called if the deadline has already passed (the timeout still applies).
      if (!deadlineSignal.aborted) inFlight.add(onDeadline);
      request.on('error', (error) => finish(new KubeRequestError(`GET ${url.pathname}: ${describeNetworkError(error)}`, isTlsError(error) ? 'tls' : 'network')));
      request.end();
    });
  }
}

/** Same TLS material: the same values, or Buffers of the same bytes (what the identity hash would not tell apart). */
function sameTlsParts(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((part, index) => part === b[index] || (Buffer.isBuffer(part) && Buffer.isBuffer(b[index]) && part.equals(b[index] as Buffer)));
}

/** Certificate problems are not transient: retrying an untrusted server is pointless. */
function isTlsError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code);
}

function describeNetworkError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} (${error.message})` : error.message;
}

function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

/** Server text kept in an error message: scrubbed of credentials first, then shortened. */
const MAX_SERVER_TEXT_CHARS = 300;

/**
 * Reads reason/message of a Kubernetes Status body; tolerates anything else. The text comes
 * from the server (or a proxy) and may echo what was sent: it is scrubbed of the credentials
 * this client sent and of anything shaped like one before it goes anywhere.
 */
function statusOf(raw: Buffer, sentSecrets: ReadonlySet<string>): { reason?: string; message?: string } {
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { reason, message } = parsed as { reason?: unknown; message?: unknown };
    return {
      reason: typeof reason === 'string' ? scrubSecrets(reason, sentSecrets).slice(0, 100) : undefined,
      message: typeof message === 'string' ? scrubSecrets(message, sentSecrets).slice(0, MAX_SERVER_TEXT_CHARS) : undefined,
    };
  } catch {
    return {};
  }
}
