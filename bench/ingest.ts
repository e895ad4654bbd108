/**
 * Benchmark 4 (ingestion): the findings of one generated cluster uploaded through the real
 * LogAnalyticsSink (@azure/monitor-ingestion: batching under 1 MB, gzip, 5 calls in
 * parallel) to the Logs Ingestion double over verified HTTPS. Reports findings per second
 * (findings upload and the scan record, end to end) and bytes per finding on the wire
 * (gzip, as counted by the double) and before compression.
 */
import { defaultConfig } from '../src/config/types.js';
import { LogAnalyticsSink, sinkOptionsFromEnv } from '../src/report/log-analytics/sink.js';
import { scanSnapshot } from '../src/report/scan-result.js';
import { assembleSnapshot } from '../src/snapshot/assemble.js';
import { normalizeObject } from '../src/snapshot/build.js';
import type { K8sObject } from '../src/snapshot/types.js';
import { startLogsIngestionDouble } from '../test/doubles/logs-ingestion/index.js';
import { StaticTokenCredential } from '../test/helpers/credentials.js';
import { generateFleet, type FleetSize } from './generator.js';
import { summarize, type Summary } from './stats.js';

export interface IngestResult {
  size: string;
  findings: number;
  runs: number;
  uploadMs: Summary;
  findingsPerSecond: Summary;
  /** Calls to the findings stream per upload. */
  findingCalls: number;
  wireBytesPerFinding: number;
  jsonBytesPerFinding: number;
  /** jsonBytes / wireBytes. */
  compressionRatio: number;
}

const TOKEN = 'bench-logs-ingestion-token';

export async function benchmarkIngestion(size: FleetSize, runs: number): Promise<IngestResult> {
  const objects: K8sObject[] = [];
  for (const raw of generateFleet(size)) {
    const result = normalizeObject(raw);
    if ('object' in result) objects.push(result.object);
  }
  const snapshot = assembleSnapshot({ cluster: { name: `bench-${size.name}` }, source: 'manifests', objects });
  const scan = scanSnapshot(snapshot, defaultConfig(), { scanId: 'bench-ingest', startedAt: Date.now() });

  const double = await startLogsIngestionDouble({ token: TOKEN });
  try {
    const options = sinkOptionsFromEnv(double.env, new StaticTokenCredential(TOKEN));
    const sink = new LogAnalyticsSink({ ...options, clientOptions: { tlsOptions: { ca: double.caPem } } });
    await sink.upload(scan); // warm-up: TLS, token, JIT
    const times: number[] = [];
    let findingCalls = 0;
    let wireBytes = 0;
    let jsonBytes = 0;
    for (let run = 0; run < runs; run++) {
      double.reset();
      const started = performance.now();
      await sink.upload(scan);
      times.push(performance.now() - started);
      const calls = double.calls.filter((call) => call.stream === options.findingsStream && call.status === 204);
      const delivered = double.rows(options.findingsStream).length;
      if (delivered !== scan.findings.length) throw new Error(`ingestion delivered ${delivered} of ${scan.findings.length} findings`);
      findingCalls = calls.length;
      wireBytes = calls.reduce((sum, call) => sum + call.wireBytes, 0);
      jsonBytes = calls.reduce((sum, call) => sum + call.jsonBytes, 0);
    }
    const findings = scan.findings.length;
    return {
      size: size.name,
      findings,
      runs,
      uploadMs: summarize(times),
      findingsPerSecond: summarize(times.map((ms) => findings / (ms / 1000))),
      findingCalls,
      wireBytesPerFinding: findings ? wireBytes / findings : 0,
      jsonBytesPerFinding: findings ? jsonBytes / findings : 0,
      compressionRatio: wireBytes ? jsonBytes / wireBytes : 0,
    };
  } finally {
    await double.close();
  }
}
