/**
 * The Log Analytics sink end to end against the Logs Ingestion double: the real
 * @azure/monitor-ingestion client over HTTPS (verified against the test CA), bearer auth,
 * gzip, the SDK's own batching and retries.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { LogAnalyticsSink, LogAnalyticsUploadError, sinkOptionsFromEnv, type LogAnalyticsSinkOptions } from '../../../src/report/log-analytics/sink.js';
import type { ClusterScanResult } from '../../../src/report/types.js';
import { MAX_CALL_BYTES, startLogsIngestionDouble, type LogsIngestionDouble } from '../../doubles/logs-ingestion/server.js';
import { StaticTokenCredential } from '../../helpers/credentials.js';
import { sampleResult } from './fixtures.js';
import { loadTableSchemas, schemaProblems } from './table-schema.js';

const tables = loadTableSchemas();
const FINDINGS = tables.findings.streamName;
const SCANS = tables.scans.streamName;
const TOKEN = 'sink-test-token';

let double: LogsIngestionDouble;
let credential: StaticTokenCredential;

beforeAll(async () => {
  double = await startLogsIngestionDouble({ token: TOKEN });
});
afterAll(async () => {
  await double.close();
});
beforeEach(() => {
  double.reset();
  double.setFaults([]);
  credential = new StaticTokenCredential(TOKEN);
});

/** The sink as production builds it (from app settings), plus trust in the double's CA and fast retry delays. */
function newSink(overrides: Partial<LogAnalyticsSinkOptions> = {}): LogAnalyticsSink {
  return new LogAnalyticsSink({
    ...sinkOptionsFromEnv(double.env, credential),
    clientOptions: { tlsOptions: { ca: double.caPem }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
    ...overrides,
  });
}

/** How many times each FindingId of `result` arrived. */
function arrivals(result: ClusterScanResult): Map<string, number> {
  const counts = new Map(result.findings.map((finding) => [finding.findingId, 0]));
  for (const row of double.rows(FINDINGS)) {
    const id = String(row.FindingId);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('LogAnalyticsSink against the Logs Ingestion double', () => {
  it('delivers 5,000 findings exactly once each, in calls under 1 MB, then the scan record', async () => {
    const result = sampleResult(5000);
    await newSink().upload(result);

    const counts = arrivals(result);
    expect(counts.size).toBe(5000);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);

    const findingCalls = double.calls.filter((call) => call.stream === FINDINGS);
    expect(findingCalls.length).toBeGreaterThan(1); // the SDK had to split the rows
    for (const call of findingCalls) {
      expect(call.status).toBe(204);
      expect(call.jsonBytes).toBeLessThan(MAX_CALL_BYTES);
      expect(call.wireBytes).toBeLessThan(call.jsonBytes); // gzip was applied
    }
    // Findings first: the scan record call is the last call.
    expect(double.calls.at(-1)).toMatchObject({ stream: SCANS, status: 204, acceptedRows: 1 });
    expect(double.rows(SCANS)).toEqual([expect.objectContaining({ Status: 'succeeded', Error: '', ClusterName: 'aks-prod-1' })]);
    expect(credential.requestedScopes).toContain('https://monitor.azure.com/.default');
  });

  it('sends rows that validate against the table schema the infrastructure declares', async () => {
    const result = sampleResult(20);
    await newSink().upload(result);
    const problems = [...double.rows(FINDINGS).flatMap((row) => schemaProblems(row, tables.findings)), ...double.rows(SCANS).flatMap((row) => schemaProblems(row, tables.scans))];
    expect(problems).toEqual([]);
    // The double applies the deployed stream declarations: a column the rule does not declare is dropped silently in Azure.
    expect([double.droppedColumns(FINDINGS), double.droppedColumns(SCANS)]).toEqual([[], []]);
    expect(double.rows(FINDINGS)).toHaveLength(20);
    expect(double.rows(FINDINGS)[0]).toHaveProperty('RuleTitle', result.findings[0]!.title);
  });

  it('retries transient 429 (Retry-After), 500 and dropped connections and delivers every finding', async () => {
    const result = sampleResult(5000);
    double.setFaults([
      { kind: 'throttle', times: 2, retryAfterSeconds: 0 },
      { kind: 'server-error', times: 2 },
      { kind: 'drop', times: 2 },
    ]);
    await newSink().upload(result);

    const counts = arrivals(result);
    expect(counts.size).toBe(5000);
    expect([...counts.values()].every((count) => count >= 1)).toBe(true);
    const faulted = double.calls.filter((call) => call.fault !== undefined).map((call) => call.status);
    expect(faulted.sort()).toEqual([429, 429, 500, 500, 'dropped', 'dropped'].sort());
    expect(double.rows(SCANS)).toEqual([expect.objectContaining({ Status: 'succeeded' })]);
  });

  it('fails the scan on a persistent findings outage, records it, and the queue retry then delivers everything', async () => {
    const result = sampleResult(5000);
    double.setFaults({ kind: 'server-error', times: Number.POSITIVE_INFINITY, stream: FINDINGS });

    const failure = await newSink().upload(result).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LogAnalyticsUploadError);
    const uploadError = failure as LogAnalyticsUploadError;
    expect(uploadError.failures).toEqual([expect.objectContaining({ stream: FINDINGS, failedRows: 5000, totalRows: 5000 })]);
    expect(uploadError.message).toMatch(/5000 of 5000 rows to stream Custom-IstioIsolationFindings_CL not delivered after retries \(HTTP 500/);
    expect(uploadError.message).not.toContain(TOKEN);
    // The failure is visible in the scans table, so a silent cluster is alertable.
    expect(double.rows(SCANS)).toEqual([expect.objectContaining({ Status: 'failed', Error: expect.stringContaining('not delivered after retries') })]);
    expect(double.rows(FINDINGS)).toHaveLength(0);

    // The outage ends; the queue re-runs the cluster scan and the sink uploads again.
    double.setFaults([]);
    await newSink().upload(result);
    const counts = arrivals(result);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(double.rows(SCANS).map((row) => row.Status)).toEqual(['failed', 'succeeded']);
  });

  it('reports a partial outage as the rows that were lost, and a retry fills the gap (at least once)', async () => {
    const result = sampleResult(5000);
    // Enough consecutive 500s that the first chunks exhaust the SDK's 3 retries while later ones get through.
    double.setFaults({ kind: 'server-error', times: 8, stream: FINDINGS });
    const failure = await newSink({ clientOptions: { tlsOptions: { ca: double.caPem }, retryOptions: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 20 } } })
      .upload(result)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LogAnalyticsUploadError);
    const lost = (failure as LogAnalyticsUploadError).failures[0]!;
    const delivered = new Set(double.rows(FINDINGS).map((row) => row.FindingId));
    expect(lost.failedRows).toBeGreaterThan(0);
    expect(delivered.size).toBe(5000 - lost.failedRows);

    await newSink().upload(result);
    const counts = arrivals(result);
    expect([...counts.values()].every((count) => count >= 1)).toBe(true);
    expect(double.rows(SCANS).at(-1)).toMatchObject({ Status: 'succeeded' });
  });

  it('throws when the scan record itself cannot be delivered, even though findings arrived', async () => {
    double.setFaults({ kind: 'server-error', times: Number.POSITIVE_INFINITY, stream: SCANS });
    const failure = await newSink().upload(sampleResult(10)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LogAnalyticsUploadError);
    expect((failure as LogAnalyticsUploadError).failures).toEqual([expect.objectContaining({ stream: SCANS, failedRows: 1 })]);
    expect(double.rows(FINDINGS)).toHaveLength(10);
  });

  it('names both failures when findings and the failed scan record are lost', async () => {
    double.setFaults({ kind: 'server-error', times: Number.POSITIVE_INFINITY });
    const failure = (await newSink().upload(sampleResult(10)).catch((error: unknown) => error)) as LogAnalyticsUploadError;
    expect(failure.failures.map((item) => item.stream)).toEqual([FINDINGS, SCANS]);
  });

  it('fails without retrying when the token is rejected, without leaking the token', async () => {
    const failure = (await newSink({ credential: new StaticTokenCredential('wrong-token') })
      .upload(sampleResult(3))
      .catch((error: unknown) => error)) as LogAnalyticsUploadError;
    expect(failure).toBeInstanceOf(LogAnalyticsUploadError);
    expect(failure.message).toMatch(/HTTP 401/);
    expect(failure.message).not.toContain('wrong-token');
    expect(double.calls.filter((call) => call.stream === FINDINGS).map((call) => call.status)).toEqual([401]);
  });

  it('refuses an endpoint whose certificate is not trusted (TLS verification stays on)', async () => {
    const failure = (await newSink({ clientOptions: { retryOptions: { maxRetries: 0 } } })
      .upload(sampleResult(1))
      .catch((error: unknown) => error)) as LogAnalyticsUploadError;
    expect(failure).toBeInstanceOf(LogAnalyticsUploadError);
    expect(failure.message).toMatch(/certificate/i);
    expect(double.rows(FINDINGS)).toHaveLength(0);
  });

  it('uploads only the scan record when a cluster has no findings', async () => {
    await newSink().upload(sampleResult(0));
    expect(double.calls.map((call) => call.stream)).toEqual([SCANS]);
  });
});
