/**
 * Values that several files must agree on, beyond the setting names deployment.test.ts checks:
 * the queue name, the Logs Ingestion stream names, the schedule and the per-cluster deadline,
 * across src/config/app-settings.ts (defaults and bounds), local.settings.sample.json,
 * infra/main.bicep (compiled), infra/schema/tables.json, host.json and functions/index.ts.
 * A mismatch here is a deployment that provisions one queue or stream and uses another.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lazyServices } from '../../functions/services.js';
import {
  APP_SETTING_NAMES,
  AppSettingsError,
  DEFAULT_CLUSTER_SCAN_DEADLINE_SECONDS,
  DEFAULT_SCAN_QUEUE_NAME,
  DEFAULT_SCAN_SCHEDULE,
  MAX_CLUSTER_SCAN_DEADLINE_SECONDS,
  PLATFORM_SETTING_NAMES,
  readAppSettings,
} from '../../src/config/app-settings.js';
import { sinkOptionsFromEnv } from '../../src/report/log-analytics/sink.js';
import type { TablesFile } from './kql.js';
import { compileBicep, readRepoFile, readRepoJson, repoPath, snapshotDeployment } from './helpers.js';

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

/** Every name `read` asks an environment object for: records the settings code really reads. */
function namesRead(read: (env: NodeJS.ProcessEnv) => unknown, base: Record<string, string> = {}): Set<string> {
  const names = new Set<string>();
  const env = new Proxy({ ...base }, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return (target as Record<string, string | undefined>)[name as string];
    },
  });
  try {
    read(env);
  } catch {
    // Missing settings are expected here; only the names asked for matter.
  }
  return names;
}

/** `process.env.NAME` reads in the Functions entry points and src/ (the CLI's NO_COLOR aside, which is not an app setting). */
function processEnvReads(): Set<string> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) files.push(path);
    }
  };
  walk(repoPath('functions'));
  walk(repoPath('src'));
  const names = new Set<string>();
  for (const file of files) {
    const text = readRepoFile(file.slice(repoPath('').length));
    for (const match of text.matchAll(/process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[['"]([^'"]+)['"]\])/g)) names.add(match[1] ?? match[2]!);
  }
  names.delete('NO_COLOR');
  return names;
}

describe('every app setting the code reads', () => {
  const appSettings = new Set<string>(APP_SETTING_NAMES);
  const read = new Set([
    ...namesRead((env) => readAppSettings(env)),
    ...namesRead((env) => readAppSettings(env, { needsLogs: false })),
    ...namesRead((env) => sinkOptionsFromEnv(env, { getToken: async () => null })),
    ...processEnvReads(),
  ]);

  it('is found by this test (it sees the identity-based queue settings and the sink settings)', () => {
    expect([...read]).toEqual(expect.arrayContaining(['AzureWebJobsStorage__queueServiceUri', 'AzureWebJobsStorage__accountName', 'LOGS_INGESTION_ENDPOINT', 'SCAN_SCHEDULE', 'IDENTITY_ENDPOINT']));
  });

  it('is listed in APP_SETTING_NAMES (or is set by the platform), and nothing is listed that is not read', () => {
    expect([...read].filter((name) => !appSettings.has(name) && !(PLATFORM_SETTING_NAMES as readonly string[]).includes(name)).sort()).toEqual([]);
    expect(APP_SETTING_NAMES.filter((name) => !read.has(name))).toEqual([]);
  });

  it('is in local.settings.sample.json and in the table of docs/fleet-scanning.md', () => {
    const documented = readRepoFile('docs/fleet-scanning.md');
    expect(APP_SETTING_NAMES.filter((name) => !(name in sample))).toEqual([]);
    expect(APP_SETTING_NAMES.filter((name) => !documented.includes(`\`${name}\``))).toEqual([]);
  });

  it('is set by the deployment, except the local connection string that identity-based settings replace', () => {
    const deployed = snapshotDeployment('infra/main.bicep', { environmentName: 'ci', location: 'westeurope' }, { subscriptionId: '00000000-0000-0000-0000-00000000aaaa' });
    const site = deployed.predictedResources.find((resource) => resource.type.toLowerCase() === 'microsoft.web/sites')!;
    const names = ((site.properties as { siteConfig: { appSettings: { name: string }[] } }).siteConfig.appSettings).map((setting) => setting.name);
    expect(APP_SETTING_NAMES.filter((name) => name !== 'AzureWebJobsStorage' && !names.includes(name))).toEqual([]);
  });
});

describe('the Functions\' services', () => {
  const withoutLogs = { AzureWebJobsStorage: 'UseDevelopmentStorage=true' };

  it('let the timer start without any Log Analytics setting (it only discovers and enqueues)', () => {
    const timer = lazyServices(withoutLogs).timer();
    expect(timer.settings.scanQueueName).toBe(DEFAULT_SCAN_QUEUE_NAME);
    expect(typeof timer.discover).toBe('function');
    expect(timer).not.toHaveProperty('sink');
  });

  it('make the queue workers name the missing Log Analytics settings', () => {
    const services = lazyServices(withoutLogs);
    expect(() => services.worker()).toThrow(AppSettingsError);
    expect(() => services.worker()).toThrow(/LOGS_INGESTION_ENDPOINT[\s\S]*LOGS_DCR_IMMUTABLE_ID/);
  });
});
