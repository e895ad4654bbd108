import { describe, expect, it } from '@jest/globals';
import { LogAnalyticsSink, sinkOptionsFromEnv } from '../../../src/report/log-analytics/sink.js';
import { StaticTokenCredential } from '../../helpers/credentials.js';

const credential = new StaticTokenCredential('unused');
const complete = {
  LOGS_INGESTION_ENDPOINT: 'https://dce-scanner-abcd.westeurope-1.ingest.monitor.azure.com',
  LOGS_DCR_IMMUTABLE_ID: 'dcr-0123456789abcdef0123456789abcdef',
  LOGS_FINDINGS_STREAM: 'Custom-IstioIsolationFindings_CL',
  LOGS_SCANS_STREAM: 'Custom-IstioIsolationScans_CL',
};

describe('sinkOptionsFromEnv', () => {
  it('reads the four settings (trimmed) and keeps the credential', () => {
    const options = sinkOptionsFromEnv({ ...complete, LOGS_SCANS_STREAM: ' Custom-IstioIsolationScans_CL\n' }, credential);
    expect(options).toEqual({
      endpoint: complete.LOGS_INGESTION_ENDPOINT,
      ruleId: complete.LOGS_DCR_IMMUTABLE_ID,
      findingsStream: complete.LOGS_FINDINGS_STREAM,
      scansStream: 'Custom-IstioIsolationScans_CL',
      credential,
    });
    expect(new LogAnalyticsSink(options)).toBeInstanceOf(LogAnalyticsSink);
  });

  it('names every missing setting in one error', () => {
    expect(() => sinkOptionsFromEnv({ LOGS_INGESTION_ENDPOINT: complete.LOGS_INGESTION_ENDPOINT, LOGS_SCANS_STREAM: '  ' }, credential)).toThrow(
      'Log Analytics sink is not configured: missing settings LOGS_DCR_IMMUTABLE_ID, LOGS_FINDINGS_STREAM, LOGS_SCANS_STREAM. See docs/log-analytics.md.',
    );
    expect(() => sinkOptionsFromEnv({}, credential)).toThrow(/LOGS_INGESTION_ENDPOINT, LOGS_DCR_IMMUTABLE_ID, LOGS_FINDINGS_STREAM, LOGS_SCANS_STREAM/);
  });

  it.each(['http://dce.westeurope-1.ingest.monitor.azure.com', 'dce.westeurope-1.ingest.monitor.azure.com'])('rejects the non-https endpoint %s', (endpoint) => {
    expect(() => sinkOptionsFromEnv({ ...complete, LOGS_INGESTION_ENDPOINT: endpoint }, credential)).toThrow(/LOGS_INGESTION_ENDPOINT must be an https:\/\/ URL/);
  });
});
