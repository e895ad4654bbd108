/**
 * Ships one cluster scan to Log Analytics through the Logs Ingestion API (findings.md
 * "Delivery guarantees"): findings first, then the scan record, so a `succeeded` record
 * implies its findings arrived. The SDK splits rows into calls under 1 MB, gzips them,
 * sends 5 in parallel and retries transient failures (429 with Retry-After, 5xx, dropped
 * connections). Whatever still fails after those retries is collected via `onError` and
 * turned into a thrown LogAnalyticsUploadError, so the queue retries the whole cluster scan
 * (at least once; KQL de-duplicates by ScanId, FindingId). Nothing is swallowed.
 */
import type { TokenCredential } from '@azure/identity';
import { LogsIngestionClient, type LogsIngestionClientOptions, type LogsUploadFailure } from '@azure/monitor-ingestion';
import type { ClusterScanResult } from '../types.js';
import { toFindingRow, toScanRow, type ScanRow } from './rows.js';
import { readLogsIngestionSettings } from '../../config/logs-settings.js';

export interface LogAnalyticsSinkOptions {
  /** Data collection endpoint (or DCR ingestion endpoint), https://<name>.<region>.ingest.monitor.azure.com */
  endpoint: string;
  /** Immutable id of the data collection rule, dcr-<32 hex>. */
  ruleId: string;
  /** DCR stream of IstioIsolationFindings_CL, normally Custom-IstioIsolationFindings_CL. */
  findingsStream: string;
  /** DCR stream of IstioIsolationScans_CL, normally Custom-IstioIsolationScans_CL. */
  scansStream: string;
  credential: TokenCredential;
  /**
   * Passed to LogsIngestionClient: e.g. `retryOptions`, or `tlsOptions: { ca }` so tests trust a
   * local double's CA (verification stays on). Production needs none.
   */
  clientOptions?: LogsIngestionClientOptions;
}

/**
 * Builds sink options from app settings, read as the Functions app reads them
 * (config/logs-settings.ts: placeholders are unset, stream names have defaults). Used by the
 * CLI's --send-to-log-analytics. Throws one error naming every missing or invalid setting.
 */
export function sinkOptionsFromEnv(env: Record<string, string | undefined>, credential: TokenCredential): LogAnalyticsSinkOptions {
  const { settings, problems } = readLogsIngestionSettings(env);
  if (problems.length > 0) {
    throw new Error(`Log Analytics sink is not configured: ${problems.join('; ')}. See docs/log-analytics.md.`);
  }
  return { endpoint: settings.endpoint, ruleId: settings.dcrImmutableId, findingsStream: settings.findingsStream, scansStream: settings.scansStream, credential };
}

/** Rows of one stream that did not arrive after the SDK's retries. */
export interface StreamFailure {
  stream: string;
  failedRows: number;
  totalRows: number;
  /** Distinct causes, e.g. "500 InternalServerError: ...", secrets never included. */
  causes: string[];
}

/** Thrown by LogAnalyticsSink.upload when any row was not delivered; the queue should retry the scan. */
export class LogAnalyticsUploadError extends Error {
  override readonly name = 'LogAnalyticsUploadError';
  constructor(readonly failures: StreamFailure[]) {
    super(`Log Analytics upload failed: ${failures.map(describeFailure).join('; ')}`);
  }
}

export class LogAnalyticsSink {
  private readonly client: LogsIngestionClient;

  constructor(readonly options: LogAnalyticsSinkOptions) {
    this.client = new LogsIngestionClient(options.endpoint, options.credential, options.clientOptions);
  }

  /**
   * Uploads the findings, then the scan record. When findings fail, a scan record with
   * status `failed` and an Error naming the failure is uploaded (best effort) and the error
   * is thrown, so the failure is both visible in IstioIsolationScans_CL and retried by the queue.
   */
  async upload(result: ClusterScanResult): Promise<void> {
    const findingRows = result.findings.map((finding) => toFindingRow(finding, result.record));
    const scanRow = toScanRow(result.record);

    const findingsFailure = await this.uploadRows(this.options.findingsStream, findingRows);
    if (findingsFailure) {
      const failedScanRow: ScanRow = { ...scanRow, Status: 'failed', Error: joinErrors(scanRow.Error, describeFailure(findingsFailure)) };
      const scanFailure = await this.uploadRows(this.options.scansStream, [failedScanRow]);
      throw new LogAnalyticsUploadError(scanFailure ? [findingsFailure, scanFailure] : [findingsFailure]);
    }

    const scanFailure = await this.uploadRows(this.options.scansStream, [scanRow]);
    if (scanFailure) throw new LogAnalyticsUploadError([scanFailure]);
  }

  /** Uploads rows to one stream; returns what failed after the SDK's retries, or undefined. */
  private async uploadRows(stream: string, rows: Record<string, unknown>[]): Promise<StreamFailure | undefined> {
    if (rows.length === 0) return undefined;
    const failedBatches: LogsUploadFailure[] = [];
    let unexpected: unknown;
    try {
      await this.client.upload(this.options.ruleId, stream, rows, { onError: (failure) => failedBatches.push(failure) });
    } catch (error) {
      // AggregateLogsUploadError repeats what onError already collected; anything else
      // (e.g. an error thrown before any batch was sent) is recorded as a failure of every row.
      if (failedBatches.length === 0) unexpected = error;
    }
    if (failedBatches.length === 0 && unexpected === undefined) return undefined;
    const failedRows = unexpected !== undefined ? rows.length : failedBatches.reduce((sum, batch) => sum + batch.failedLogs.length, 0);
    const causes = unexpected !== undefined ? [describeCause(unexpected)] : failedBatches.map((batch) => describeCause(batch.cause));
    return { stream, failedRows, totalRows: rows.length, causes: [...new Set(causes)] };
  }
}

function describeFailure(failure: StreamFailure): string {
  return `${failure.failedRows} of ${failure.totalRows} rows to stream ${failure.stream} not delivered after retries (${failure.causes.join(' | ')})`;
}

function joinErrors(original: string, added: string): string {
  return original ? `${original}; ${added}` : added;
}

const MAX_CAUSE_CHARS = 300;

/** A short, secret-free description of why a batch failed: HTTP status and service message. */
function describeCause(cause: unknown): string {
  const error = cause instanceof Error ? cause : new Error(String(cause));
  const status = (error as { statusCode?: unknown }).statusCode;
  const code = (error as { code?: unknown }).code;
  const prefix = [typeof status === 'number' ? `HTTP ${status}` : '', typeof code === 'string' ? code : ''].filter(Boolean).join(' ');
  // Belt and braces: the SDK's messages do not contain tokens, but never let one through.
  const message = error.message.replace(/Bearer\s+[^\s"']+/gi, 'Bearer <redacted>');
  const text = prefix ? `${prefix}: ${message}` : message;
  return text.length > MAX_CAUSE_CHARS ? `${text.slice(0, MAX_CAUSE_CHARS)}…` : text;
}
