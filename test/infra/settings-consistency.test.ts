/**
 * Values that several files must agree on, beyond the setting names deployment.test.ts checks:
 * the queue name, the Logs Ingestion stream names, the schedule and the per-cluster deadline,
 * across src/config/app-settings.ts (defaults and bounds), local.settings.sample.json,
 * infra/main.bicep (compiled), infra/schema/tables.json, host.json and functions/index.ts.
 * A mismatch here is a deployment that provisions one queue or stream and uses another.
 */
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_CLUSTER_SCAN_DEADLINE_SECONDS,
  DEFAULT_SCAN_QUEUE_NAME,
  DEFAULT_SCAN_SCHEDULE,
  MAX_CLUSTER_SCAN_DEADLINE_SECONDS,
  readAppSettings,
} from '../../src/config/app-settings.js';
import type { TablesFile } from './kql.js';
import { compileBicep, readRepoFile, readRepoJson } from './helpers.js';

const sample = readRepoJson<{ Values: Record<string, string> }>('local.settings.sample.json').Values;
const tables = readRepoJson<TablesFile>('infra/schema/tables.json');
const host = readRepoJson<{ functionTimeout: string }>('host.json');
const mainBicep = readRepoFile('infra/main.bicep');
const template = compileBicep('infra/main.bicep') as { parameters: Record<string, { defaultValue?: unknown; minValue?: number; maxValue?: number; allowedValues?: unknown[] }> };
const LOGS = { LOGS_INGESTION_ENDPOINT: 'https://dce.westeurope-1.ingest.monitor.azure.com', LOGS_DCR_IMMUTABLE_ID: 'dcr-00000000000000000000000000000000' };

function seconds(timespan: string): number {
  const match = /^(\d+):(\d{2}):(\d{2})$/.exec(timespan);
  if (!match) throw new Error(`not a hh:mm:ss timespan: ${timespan}`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3]);
}

describe('the scan queue name', () => {
  it('is the same in app-settings.ts, the sample settings and main.bicep', () => {
    expect(sample.SCAN_QUEUE_NAME).toBe(DEFAULT_SCAN_QUEUE_NAME);
    expect(mainBicep).toContain(`var scanQueueName = '${DEFAULT_SCAN_QUEUE_NAME}'`);
  });

  it('is what the queue triggers listen on, through the AzureWebJobsStorage connection the app settings configure', () => {
    const functionsIndex = readRepoFile('functions/index.ts');
    expect(functionsIndex).toContain('DEFAULT_SCAN_QUEUE_NAME');
    expect(functionsIndex).toContain('queueName: `${queueName}-poison`');
    expect(functionsIndex.match(/connection: 'AzureWebJobsStorage'/g)).toHaveLength(2);
    expect(readRepoFile('infra/modules/function-app.bicep')).toContain("{ name: 'AzureWebJobsStorage__accountName', value: storageAccountName }");
  });
});

describe('the Logs Ingestion stream names', () => {
  it('are those of tables.json in app-settings.ts defaults and the sample settings', () => {
    const settings = readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...LOGS });
    expect(settings.logs.findingsStream).toBe(tables.findings.streamName);
    expect(settings.logs.scansStream).toBe(tables.scans.streamName);
    expect(sample.LOGS_FINDINGS_STREAM).toBe(tables.findings.streamName);
    expect(sample.LOGS_SCANS_STREAM).toBe(tables.scans.streamName);
  });
});

describe('the schedule', () => {
  it('defaults to the same six-field NCRONTAB as main.bicep builds from its default interval', () => {
    expect(sample.SCAN_SCHEDULE).toBe(DEFAULT_SCAN_SCHEDULE);
    const interval = template.parameters.scanIntervalHours!.defaultValue;
    expect(`0 0 */${String(interval)} * * *`).toBe(DEFAULT_SCAN_SCHEDULE);
  });

  it('only allows intervals that divide the day evenly (NCRONTAB */n restarts at midnight)', () => {
    const allowed = template.parameters.scanIntervalHours!.allowedValues as number[];
    expect(allowed.length).toBeGreaterThan(0);
    for (const hours of allowed) expect(24 % hours).toBe(0);
    expect(allowed).not.toContain(5);
  });
});

describe('the per-cluster deadline', () => {
  it('has the same default and maximum in app-settings.ts, the sample settings and main.bicep', () => {
    const parameter = template.parameters.clusterScanDeadlineSeconds!;
    expect(parameter.defaultValue).toBe(DEFAULT_CLUSTER_SCAN_DEADLINE_SECONDS);
    expect(Number(sample.CLUSTER_SCAN_DEADLINE_SECONDS)).toBe(DEFAULT_CLUSTER_SCAN_DEADLINE_SECONDS);
    expect(parameter.maxValue).toBe(MAX_CLUSTER_SCAN_DEADLINE_SECONDS);
  });

  it('leaves at least two minutes of host.json functionTimeout for ARM reads and the upload', () => {
    expect(seconds(host.functionTimeout) - MAX_CLUSTER_SCAN_DEADLINE_SECONDS).toBeGreaterThanOrEqual(120);
  });

  it('is refused above the maximum', () => {
    expect(() => readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...LOGS, CLUSTER_SCAN_DEADLINE_SECONDS: String(MAX_CLUSTER_SCAN_DEADLINE_SECONDS + 1) })).toThrow(/CLUSTER_SCAN_DEADLINE_SECONDS/);
    expect(readAppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...LOGS, CLUSTER_SCAN_DEADLINE_SECONDS: String(MAX_CLUSTER_SCAN_DEADLINE_SECONDS) }).clusterScanDeadlineMs).toBe(MAX_CLUSTER_SCAN_DEADLINE_SECONDS * 1000);
  });
});
