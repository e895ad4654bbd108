import { describe, expect, it } from '@jest/globals';
import { readAppSettings, type AppSettingsError } from '../../../src/config/app-settings.js';
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

  it('names every missing required setting in one error; stream names default to the deployed streams', () => {
    expect(() => sinkOptionsFromEnv({ LOGS_SCANS_STREAM: '  ' }, credential)).toThrow(
      'Log Analytics sink is not configured: LOGS_INGESTION_ENDPOINT: the data collection endpoint (logs ingestion URL) is required; LOGS_DCR_IMMUTABLE_ID: the immutable id (dcr-...) of the data collection rule is required. See docs/log-analytics.md.',
    );
    const options = sinkOptionsFromEnv({ LOGS_INGESTION_ENDPOINT: complete.LOGS_INGESTION_ENDPOINT, LOGS_DCR_IMMUTABLE_ID: complete.LOGS_DCR_IMMUTABLE_ID, LOGS_SCANS_STREAM: '  ' }, credential);
    expect([options.findingsStream, options.scansStream]).toEqual([complete.LOGS_FINDINGS_STREAM, complete.LOGS_SCANS_STREAM]);
  });

  it('reads the settings exactly as the Functions app does (placeholders are unset)', () => {
    const envs: Array<Record<string, string | undefined>> = [
      complete,
      { ...complete, LOGS_FINDINGS_STREAM: '<findings stream>', LOGS_SCANS_STREAM: 'Custom-Other_CL' },
      { ...complete, LOGS_DCR_IMMUTABLE_ID: '<dcr-...>' },
      { ...complete, LOGS_INGESTION_ENDPOINT: 'http://dce.example' },
      { LOGS_INGESTION_ENDPOINT: ' https://dce.example ', LOGS_DCR_IMMUTABLE_ID: 'dcr-1' },
    ];
    for (const env of envs) {
      const app = (() => {
        try {
          return { logs: readAppSettings({ AzureWebJobsStorage: "UseDevelopmentStorage=true", ...env }, { needsLogs: true }).logs };
        } catch (error) {
          return { problems: (error as AppSettingsError).problems.filter((problem) => problem.startsWith('LOGS_')) };
        }
      })();
      const cli = (() => {
        try {
          const { endpoint, ruleId, findingsStream, scansStream } = sinkOptionsFromEnv(env, credential);
          return { logs: { endpoint, dcrImmutableId: ruleId, findingsStream, scansStream } };
        } catch (error) {
          return { problems: /not configured: (.*)\. See/.exec((error as Error).message)![1]!.split('; ') };
        }
      })();
      expect(cli).toEqual(app);
    }
  });

  it.each(['http://dce.westeurope-1.ingest.monitor.azure.com', 'dce.westeurope-1.ingest.monitor.azure.com'])('rejects the non-https endpoint %s', (endpoint) => {
    expect(() => sinkOptionsFromEnv({ ...complete, LOGS_INGESTION_ENDPOINT: endpoint }, credential)).toThrow(/LOGS_INGESTION_ENDPOINT must be an https:\/\/ URL/);
  });
});
