import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { APP_SETTING_NAMES, AppSettingsError, DEFAULT_SCAN_SCHEDULE, readAppSettings } from '../../../src/config/app-settings.js';

const LOGS = { LOGS_INGESTION_ENDPOINT: 'https://dce.westeurope-1.ingest.monitor.azure.com', LOGS_DCR_IMMUTABLE_ID: 'dcr-00000000000000000000000000000000' };
const LOCAL = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...LOGS };

function problemsOf(env: NodeJS.ProcessEnv, options?: { needsLogs?: boolean }): string[] {
  try {
    readAppSettings(env, options);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(AppSettingsError);
    return (error as AppSettingsError).problems;
  }
}

describe('readAppSettings', () => {
  it('applies the documented defaults for a local run', () => {
    const settings = readAppSettings(LOCAL);
    expect(settings).toMatchObject({
      runningInAzure: false,
      scanSchedule: DEFAULT_SCAN_SCHEDULE,
      scanQueueName: 'cluster-scans',
      poisonQueueName: 'cluster-scans-poison',
      queueConnection: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' },
      subscriptionIds: [],
      resourceGroups: [],
      tagFilters: [],
      clusterScanDeadlineMs: 300_000,
      logs: { findingsStream: 'Custom-IstioIsolationFindings_CL', scansStream: 'Custom-IstioIsolationScans_CL' },
    });
  });

  it('reads lists, tag filters, identity-based storage and scanner configuration', () => {
    const settings = readAppSettings({
      ...LOGS,
      IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token',
      AZURE_CLIENT_ID: '0a1b2c3d-0000-4000-8000-000000000001',
      AzureWebJobsStorage__accountName: 'scannerstore',
      AzureWebJobsStorage__clientId: '0a1b2c3d-0000-4000-8000-000000000001',
      SCAN_SUBSCRIPTION_IDS: ' aaaaaaaa-0000-4000-8000-000000000001 , bbbbbbbb-0000-4000-8000-000000000002',
      SCAN_RESOURCE_GROUPS: 'rg-a,rg-b',
      SCAN_TAG_FILTER: 'env=prod, team = payments',
      SCANNER_CONFIG: JSON.stringify({ tenantNamespaces: ['tenant-*'], disabledRules: ['aks-defender-disabled'] }),
    });
    expect(settings.runningInAzure).toBe(true);
    expect(settings.queueConnection).toEqual({ kind: 'identity', queueServiceUri: 'https://scannerstore.queue.core.windows.net', clientId: '0a1b2c3d-0000-4000-8000-000000000001' });
    expect(settings.subscriptionIds).toHaveLength(2);
    expect(settings.resourceGroups).toEqual(['rg-a', 'rg-b']);
    expect(settings.tagFilters).toEqual([{ key: 'env', value: 'prod' }, { key: 'team', value: 'payments' }]);
    expect(settings.scannerConfig.tenantNamespaces).toEqual(['tenant-*']);
    expect(settings.scannerConfig.disabledRules).toEqual(['aks-defender-disabled']);
  });

  it('treats the sample file\'s <placeholders> as unset', () => {
    const settings = readAppSettings({ ...LOCAL, SCAN_SUBSCRIPTION_IDS: '<optional: comma-separated subscription ids; empty = all readable>' });
    expect(settings.subscriptionIds).toEqual([]);
  });

  it('names every problem at once', () => {
    const problems = problemsOf({
      IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token',
      SCAN_SCHEDULE: '0 */6 * * *',
      SCAN_QUEUE_NAME: 'Cluster_Scans',
      SCAN_SUBSCRIPTION_IDS: 'not-a-guid',
      SCAN_TAG_FILTER: 'env',
      CLUSTER_SCAN_DEADLINE_SECONDS: 'soon',
      LOGS_INGESTION_ENDPOINT: 'http://insecure.example',
      SCANNER_CONFIG: '{broken',
    });
    const text = problems.join('\n');
    for (const name of ['AZURE_CLIENT_ID', 'SCAN_SCHEDULE', 'SCAN_QUEUE_NAME', 'SCAN_SUBSCRIPTION_IDS', 'SCAN_TAG_FILTER', 'CLUSTER_SCAN_DEADLINE_SECONDS', 'LOGS_INGESTION_ENDPOINT', 'LOGS_DCR_IMMUTABLE_ID', 'AzureWebJobsStorage', 'SCANNER_CONFIG']) {
      expect(text).toContain(name);
    }
  });

  it('lets the timer run without Log Analytics settings', () => {
    expect(problemsOf({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, { needsLogs: false })).toEqual([]);
    expect(problemsOf({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' })).toHaveLength(2);
  });

  it('every setting it reads is listed in local.settings.sample.json', () => {
    const sample = JSON.parse(readFileSync(new URL('../../../local.settings.sample.json', import.meta.url), 'utf8')) as { Values: Record<string, string> };
    for (const name of APP_SETTING_NAMES) expect(Object.keys(sample.Values)).toContain(name);
    // And the sample itself is a valid local configuration once the Log Analytics placeholders are filled.
    expect(() => readAppSettings({ ...sample.Values, ...LOGS })).not.toThrow();
  });
});
