/**
 * Logs Ingestion faults against the real LogAnalyticsSink and @azure/monitor-ingestion client:
 * every scenario ends with every FindingId delivered at least once and a final `succeeded`
 * scan record, either by the SDK's own retries or by the queue re-running the upload.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MAX_DEQUEUE_COUNT } from '../../src/inventory/scan-queue.js';
import { LogAnalyticsSink, LogAnalyticsUploadError, sinkOptionsFromEnv } from '../../src/report/log-analytics/sink.js';
import type { ClusterScanResult } from '../../src/report/types.js';
import { startLogsIngestionDouble, type LogsIngestionDouble } from '../doubles/logs-ingestion/index.js';
import { StaticTokenCredential } from '../helpers/credentials.js';
import { sampleResult } from '../integration/log-analytics/fixtures.js';
import { faultFirst, startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { expectNoFindingLost, scenarioSummary } from './scenarios.js';

const TOKEN = 'reliability-logs-token';
const FINDING_COUNT = 3000;
let double: LogsIngestionDouble;
let proxy: FaultProxy;
let findingsStream: string;
let scansStream: string;

beforeAll(async () => {
  double = await startLogsIngestionDouble({ token: TOKEN });
  proxy = await startFaultProxy({ upstream: double.endpoint, upstreamCaPem: double.caPem });
  findingsStream = double.env.LOGS_FINDINGS_STREAM!;
  scansStream = double.env.LOGS_SCANS_STREAM!;
});
afterAll(async () => {
  process.stdout.write(`\n[reliability] logs-ingestion-faults: ${scenarioSummary()}\n`);
  await proxy.close();
  await double.close();
});
beforeEach(() => {
  double.reset();
  double.setFaults([]);
  proxy.setPlan(() => ({ type: 'forward' }));
  proxy.calls.length = 0;
});

/** The production sink, pointed at the double (or the fault proxy in front of it), with short retry delays. */
function sink(via: 'double' | 'proxy' = 'double'): LogAnalyticsSink {
  const endpoint = via === 'proxy' ? proxy.url : double.endpoint;
  return new LogAnalyticsSink({
    ...sinkOptionsFromEnv({ ...double.env, LOGS_INGESTION_ENDPOINT: endpoint }, new StaticTokenCredential(TOKEN)),
    clientOptions: { tlsOptions: { ca: via === 'proxy' ? proxy.caPem : double.caPem }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
  });
}

/**
 * What the Storage queue does for the scanCluster Function: a thrown upload leaves the message
 * on the queue and it is delivered again, up to maxDequeueCount times.
 */
async function uploadWithQueueRetry(upload: () => Promise<void>): Promise<{ attempts: number; errors: unknown[] }> {
  const errors: unknown[] = [];
  for (let attempt = 1; attempt <= MAX_DEQUEUE_COUNT; attempt++) {
    try {
      await upload();
      return { attempts: attempt, errors };
    } catch (error) {
      errors.push(error);
    }
  }
  throw new Error(`not delivered after ${MAX_DEQUEUE_COUNT} queue deliveries: ${errors.map(String).join('; ')}`);
}

function deliveredIds(): string[] {
  return double.rows(findingsStream).map((row) => String(row.FindingId));
}

function expectFinalRecordSucceeded(result: ClusterScanResult): void {
  const records = double.rows(scansStream).filter((row) => row.ScanId === result.record.scanId);
  expect(records.at(-1)).toMatchObject({ Status: 'succeeded' });
}

describe('Logs Ingestion faults', () => {
  it('logs-429-storm: waits as told by Retry-After and delivers everything in one upload', async () => {
    const result = sampleResult(FINDING_COUNT);
    double.setFaults({ kind: 'throttle', times: 8, retryAfterSeconds: 1 });
    await sink().upload(result);

    expect(double.calls.filter((call) => call.status === 429)).toHaveLength(8);
    expectNoFindingLost('logs-429-storm', { expectedFindingIds: result.findings.map((f) => f.findingId), deliveredFindingIds: deliveredIds() });
    expectFinalRecordSucceeded(result);
  });

  it('logs-500: retries server errors and delivers everything', async () => {
    const result = sampleResult(FINDING_COUNT);
    double.setFaults({ kind: 'server-error', times: 4 });
    const { attempts } = await uploadWithQueueRetry(() => sink().upload(result));

    expect(attempts).toBe(1);
    expect(double.calls.filter((call) => call.status === 500)).toHaveLength(4);
    expectNoFindingLost('logs-500', { expectedFindingIds: result.findings.map((f) => f.findingId), deliveredFindingIds: deliveredIds() });
    expectFinalRecordSucceeded(result);
  });

  it('logs-413: a rejected call fails the upload loudly and the queue retry delivers everything', async () => {
    const result = sampleResult(FINDING_COUNT);
    proxy.setPlan(faultFirst(2, { type: 'status', status: 413, body: { error: { code: 'ContentLengthLimitExceeded', message: 'Request body too large' } } }));
    const { attempts, errors } = await uploadWithQueueRetry(() => sink('proxy').upload(result));

    // 413 is not transient for the SDK: the first attempt must fail rather than pretend success.
    expect(attempts).toBe(2);
    expect(errors[0]).toBeInstanceOf(LogAnalyticsUploadError);
    expect(String((errors[0] as Error).message)).toContain('HTTP 413');
    expect(proxy.calls.filter((call) => call.status === 413)).toHaveLength(2);
    // The failed first attempt left a `failed` record; the last one says succeeded.
    expect(double.rows(scansStream).map((row) => row.Status)).toEqual(['failed', 'succeeded']);
    expectNoFindingLost('logs-413', { expectedFindingIds: result.findings.map((f) => f.findingId), deliveredFindingIds: deliveredIds() });
  });

  it('logs-connection-drops: retries dropped connections and delivers everything', async () => {
    const result = sampleResult(FINDING_COUNT);
    double.setFaults({ kind: 'drop', times: 6 });
    const { attempts } = await uploadWithQueueRetry(() => sink().upload(result));

    expect(attempts).toBeLessThanOrEqual(2);
    expect(double.calls.filter((call) => call.status === 'dropped')).toHaveLength(6);
    expectNoFindingLost('logs-connection-drops', { expectedFindingIds: result.findings.map((f) => f.findingId), deliveredFindingIds: deliveredIds() });
    expectFinalRecordSucceeded(result);
  });

  it('logs-outage-then-retry: a findings outage writes a failed record and throws; the retry delivers everything', async () => {
    const result = sampleResult(FINDING_COUNT);
    double.setFaults({ kind: 'server-error', times: Number.POSITIVE_INFINITY, stream: findingsStream });
    let deliveries = 0;
    const { attempts, errors } = await uploadWithQueueRetry(async () => {
      deliveries += 1;
      // The outage lasts for the first delivery of the message only.
      if (deliveries === 2) double.setFaults([]);
      await sink().upload(result);
    });

    expect(attempts).toBe(2);
    expect((errors[0] as LogAnalyticsUploadError).failures[0]).toMatchObject({ stream: findingsStream, failedRows: FINDING_COUNT });
    expect(double.rows(scansStream).map((row) => row.Status)).toEqual(['failed', 'succeeded']);
    expectNoFindingLost('logs-outage-then-retry', { expectedFindingIds: result.findings.map((f) => f.findingId), deliveredFindingIds: deliveredIds() });
  });
});
