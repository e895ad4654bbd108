/**
 * A local double of the Azure Monitor Logs Ingestion API, speaking the real protocol over
 * HTTPS on 127.0.0.1 so the real @azure/monitor-ingestion client (bearer auth, gzip, batching,
 * retries) runs unmodified. Contract: README.md next to this file.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { generateTestPki, type TestPki } from '../../helpers/tls.js';

/** The only api-version the service (and SDK 1.x) speaks. */
export const LOGS_INGESTION_API_VERSION = '2023-01-01';

/** "Maximum size of API call: 1 MB" (Azure Monitor service limits), applied to compressed and uncompressed bodies. */
export const MAX_CALL_BYTES = 1024 * 1024;

export type FaultKind = 'throttle' | 'server-error' | 'drop';

/** Answer the next `times` matching calls with a fault instead of accepting them. */
export interface FaultPlan {
  /** throttle: 429 with Retry-After; server-error: 500; drop: close the connection without answering. */
  kind: FaultKind;
  /** How many calls to affect; Infinity for a persistent outage (until setFaults([])). */
  times: number;
  /** Only calls to this stream (default: every stream). */
  stream?: string;
  /** Retry-After seconds for throttle (default 0, so tests do not wait). */
  retryAfterSeconds?: number;
}

/** One HTTP call as the double saw it. */
export interface IngestionCall {
  stream: string;
  ruleId: string;
  /** HTTP status answered, or 'dropped'. */
  status: number | 'dropped';
  /** Bytes on the wire (gzip when Content-Encoding: gzip). */
  wireBytes: number;
  /** Bytes of JSON after decompression (0 if rejected before decoding). */
  jsonBytes: number;
  /** Rows accepted by this call (0 unless 204). */
  acceptedRows: number;
  fault?: FaultKind;
}

export interface LogsIngestionDoubleOptions {
  /** Bearer token every call must carry (default 'logs-ingestion-double-token'). */
  token?: string;
  /** Immutable id of the one data collection rule it serves (default: a random dcr-<32 hex>). */
  ruleId?: string;
  /** Stream names the rule declares (default: both streams of infra/schema/tables.json). */
  streams?: string[];
  /** Reuse a PKI (e.g. one shared with other doubles); default: a fresh one. */
  pki?: TestPki;
}

export interface LogsIngestionDouble {
  /** https://127.0.0.1:<port> — the data collection endpoint to configure. */
  endpoint: string;
  ruleId: string;
  token: string;
  /** PEM of the CA that signed the server certificate: trust it, never disable verification. */
  caPem: string;
  /** Sink settings as app settings (LOGS_INGESTION_ENDPOINT, ...), for sinkOptionsFromEnv or a child process's env. */
  env: Record<string, string>;
  /** Rows accepted so far on a stream, in arrival order (a copy), holding only the stream's declared columns. */
  rows(stream: string): Record<string, unknown>[];
  /**
   * Columns that arrived on a stream but are not in its declaration, so the service dropped
   * them from the rows (silently, as a data collection rule does). Sorted; empty when every
   * column sent was declared, or when the stream has no column declaration (custom `streams`).
   */
  droppedColumns(stream: string): string[];
  /** Every call so far, in arrival order (live array). */
  calls: IngestionCall[];
  /** Replaces the pending fault plans; each call consumes the first plan that matches its stream. */
  setFaults(plans: FaultPlan | FaultPlan[]): void;
  /** Forgets stored rows and calls (faults are kept). */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = 'logs-ingestion-double-token';

/** The stream declarations of the scanner's rule: stream name -> declared column names (infra/schema/tables.json, as the Bicep deploys them). */
export function defaultStreamDeclarations(): Map<string, Set<string>> {
  const tables = JSON.parse(readFileSync(new URL('../../../infra/schema/tables.json', import.meta.url), 'utf8')) as Record<string, { streamName?: string; columns?: { name: string }[] }>;
  return new Map(
    Object.values(tables).flatMap((table) => (typeof table === 'object' && table?.streamName ? [[table.streamName, new Set((table.columns ?? []).map((column) => column.name))] as const] : [])),
  );
}

export function defaultStreamNames(): string[] {
  return [...defaultStreamDeclarations().keys()];
}

export async function startLogsIngestionDouble(options: LogsIngestionDoubleOptions = {}): Promise<LogsIngestionDouble> {
  const token = options.token ?? DEFAULT_TOKEN;
  const ruleId = options.ruleId ?? `dcr-${randomBytes(16).toString('hex')}`;
  const streams = new Set(options.streams ?? defaultStreamNames());
  // Custom stream names come without column declarations: their rows are stored as sent.
  const declarations = options.streams ? new Map<string, Set<string>>() : defaultStreamDeclarations();
  const dropped = new Map<string, Set<string>>();
  const pki = options.pki ?? generateTestPki();
  const stored = new Map<string, Record<string, unknown>[]>();
  const calls: IngestionCall[] = [];
  let faults: FaultPlan[] = [];

  /** Takes one use of the first fault plan that applies to this stream. */
  function nextFault(stream: string): FaultPlan | undefined {
    const plan = faults.find((candidate) => candidate.times > 0 && (candidate.stream === undefined || candidate.stream === stream));
    if (plan) plan.times -= 1;
    return plan;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const match = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/.exec(url.pathname);
    const body = await readBody(request);
    const call: IngestionCall = { stream: '', ruleId: '', status: 0, wireBytes: body.length, jsonBytes: 0, acceptedRows: 0 };
    calls.push(call);
    const answer = (status: number, code?: string, message?: string, headers: Record<string, string> = {}) => {
      call.status = status;
      if (code) {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify({ error: { code, message } }));
      } else {
        response.writeHead(status, headers);
        response.end();
      }
    };

    if (!match || request.method !== 'POST') return answer(404, 'NotFound', `No route for ${request.method} ${url.pathname}`);
    call.ruleId = decodeURIComponent(match[1] ?? '');
    call.stream = decodeURIComponent(match[2] ?? '');
    // URLSearchParams decodes the SDK's "api%2Dversion" key to "api-version", as the service does.
    if (url.searchParams.get('api-version') !== LOGS_INGESTION_API_VERSION) {
      return answer(400, 'InvalidApiVersion', `api-version must be ${LOGS_INGESTION_API_VERSION}`);
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      return answer(401, 'InvalidToken', 'The bearer token is missing or not valid for this endpoint');
    }
    if (call.ruleId !== ruleId) return answer(404, 'DataCollectionRuleNotFound', `Unknown data collection rule ${call.ruleId}`);
    if (!streams.has(call.stream)) return answer(400, 'InvalidStream', `Stream ${call.stream} is not declared by the data collection rule`);

    const fault = nextFault(call.stream);
    if (fault) {
      call.fault = fault.kind;
      if (fault.kind === 'drop') {
        call.status = 'dropped';
        request.socket.destroy();
        return;
      }
      if (fault.kind === 'throttle') return answer(429, 'TooManyRequests', 'Throttled', { 'retry-after': String(fault.retryAfterSeconds ?? 0) });
      return answer(500, 'InternalServerError', 'Injected server error');
    }

    if (body.length > MAX_CALL_BYTES) return answer(413, 'ContentLengthLimitExceeded', `Body of ${body.length} bytes exceeds ${MAX_CALL_BYTES}`);
    let json: Buffer;
    try {
      json = request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
    } catch {
      return answer(400, 'InvalidContentEncoding', 'Body is not valid gzip');
    }
    call.jsonBytes = json.length;
    if (json.length > MAX_CALL_BYTES) return answer(413, 'ContentLengthLimitExceeded', `Decompressed body of ${json.length} bytes exceeds ${MAX_CALL_BYTES}`);
    let rows: unknown;
    try {
      rows = JSON.parse(json.toString('utf8'));
    } catch {
      return answer(400, 'InvalidJson', 'Body is not valid JSON');
    }
    if (!Array.isArray(rows) || !rows.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))) {
      return answer(400, 'InvalidPayload', 'Body must be a JSON array of objects');
    }
    const list = stored.get(call.stream) ?? [];
    const declared = declarations.get(call.stream);
    for (const row of rows as Record<string, unknown>[]) list.push(declared ? keepDeclared(row, declared, dropped, call.stream) : row);
    stored.set(call.stream, list);
    call.acceptedRows = rows.length;
    answer(204);
  }

  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'DoubleError', message: String(error) } }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `https://127.0.0.1:${port}`;
  const [findingsStream = '', scansStream = ''] = options.streams ?? defaultStreamNames();

  return {
    endpoint,
    ruleId,
    token,
    caPem: pki.caPem,
    env: { LOGS_INGESTION_ENDPOINT: endpoint, LOGS_DCR_IMMUTABLE_ID: ruleId, LOGS_FINDINGS_STREAM: findingsStream, LOGS_SCANS_STREAM: scansStream },
    rows: (stream) => [...(stored.get(stream) ?? [])],
    droppedColumns: (stream) => [...(dropped.get(stream) ?? [])].sort(),
    calls,
    setFaults(plans) {
      faults = (Array.isArray(plans) ? plans : [plans]).map((plan) => ({ ...plan }));
    },
    reset() {
      stored.clear();
      dropped.clear();
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The SDK keeps connections alive; close them so the port is released now.
        server.closeAllConnections();
      }),
  };
}

/** A data collection rule passes on the declared columns of a stream only; the rest is dropped without an error. */
function keepDeclared(row: Record<string, unknown>, declared: Set<string>, dropped: Map<string, Set<string>>, stream: string): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (declared.has(name)) kept[name] = value;
    else dropped.set(stream, (dropped.get(stream) ?? new Set()).add(name));
  }
  return kept;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
