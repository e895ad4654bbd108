/**
 * The Function App's configuration: every app setting the fleet scan reads, read and validated
 * here only, so a missing or malformed setting fails with one message naming all problems
 * (instead of an `undefined` deep inside a handler). Names match local.settings.sample.json and
 * the Function App's app settings in infra/.
 */
import { parseScannerConfig } from './load.js';
import { defaultConfig, type ScannerConfig } from './types.js';
import { readLogsIngestionSettings, settingValue, type LogsIngestionSettings } from './logs-settings.js';

/** Every 6 hours on the hour (NCRONTAB: second minute hour day month day-of-week). */
export const DEFAULT_SCAN_SCHEDULE = '0 0 */6 * * *';
export const DEFAULT_SCAN_QUEUE_NAME = 'cluster-scans';
export const DEFAULT_CLUSTER_SCAN_DEADLINE_SECONDS = 300;
/**
 * The per-cluster deadline must leave the scanCluster invocation (ARM reads, the scan, the
 * upload) time to finish within host.json's functionTimeout (10 min), or the host kills it
 * mid-scan and the queue retries a scan that can never finish. infra/main.bicep uses the same
 * maximum (a test checks both against host.json).
 */
export const MAX_CLUSTER_SCAN_DEADLINE_SECONDS = 480;
export const MIN_CLUSTER_SCAN_DEADLINE_SECONDS = 10;

/** How the Function reaches its Storage queue (same settings the Functions host uses for AzureWebJobsStorage). */
export type QueueConnection =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; queueServiceUri: string; clientId?: string };

export interface TagFilter {
  key: string;
  value: string;
}

export interface AppSettings {
  /** True when IDENTITY_ENDPOINT is set: the App Service managed identity endpoint is available. */
  runningInAzure: boolean;
  /** Client id of the user-assigned managed identity (AZURE_CLIENT_ID); required in Azure. */
  managedIdentityClientId?: string;
  scanSchedule: string;
  scanQueueName: string;
  /** `<queue>-poison`, where the Functions host moves messages after maxDequeueCount failures. */
  poisonQueueName: string;
  queueConnection: QueueConnection;
  subscriptionIds: string[];
  resourceGroups: string[];
  tagFilters: TagFilter[];
  clusterScanDeadlineMs: number;
  /**
   * SCAN_LOCAL_ACCOUNT_CLUSTERS: scan clusters without Entra ID with their local account, whose
   * credential is admin-equivalent. Off by default: such clusters are `skipped` with a finding.
   */
  allowLocalAccountCredentials: boolean;
  logs: LogsIngestionSettings;
  scannerConfig: ScannerConfig;
}

/** Every app setting the scanner reads (local.settings.sample.json lists each; a test checks it). */
export const APP_SETTING_NAMES = [
  'AZURE_CLIENT_ID',
  'SCAN_SCHEDULE',
  'SCAN_QUEUE_NAME',
  'SCAN_SUBSCRIPTION_IDS',
  'SCAN_RESOURCE_GROUPS',
  'SCAN_TAG_FILTER',
  'CLUSTER_SCAN_DEADLINE_SECONDS',
  'SCAN_LOCAL_ACCOUNT_CLUSTERS',
  'LOGS_INGESTION_ENDPOINT',
  'LOGS_DCR_IMMUTABLE_ID',
  'LOGS_FINDINGS_STREAM',
  'LOGS_SCANS_STREAM',
  'SCANNER_CONFIG',
  'AzureWebJobsStorage',
  'AzureWebJobsStorage__queueServiceUri',
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__clientId',
] as const;

/**
 * Read by the code but set by the platform, never by a deployment: IDENTITY_ENDPOINT (the App
 * Service managed identity endpoint) is how the code knows it runs in Azure.
 */
export const PLATFORM_SETTING_NAMES = ['IDENTITY_ENDPOINT'] as const;

export class AppSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Function App settings:\n- ${problems.join('\n- ')}`);
    this.name = 'AppSettingsError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Storage queue names: 3-63 lowercase letters, digits and single hyphens, starting and ending alphanumeric. */
const QUEUE_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return settingValue(env, name);
}

function commaList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** Six-field NCRONTAB as the Functions timer trigger expects (or a %SETTING% reference is not used here). */
function looksLikeNcrontab(schedule: string): boolean {
  return schedule.split(/\s+/).length === 6;
}

function readQueueConnection(env: NodeJS.ProcessEnv, problems: string[]): QueueConnection {
  const connectionString = setting(env, 'AzureWebJobsStorage');
  if (connectionString) return { kind: 'connectionString', connectionString };
  const serviceUri = setting(env, 'AzureWebJobsStorage__queueServiceUri');
  const accountName = setting(env, 'AzureWebJobsStorage__accountName');
  const clientId = setting(env, 'AzureWebJobsStorage__clientId');
  if (serviceUri) return { kind: 'identity', queueServiceUri: serviceUri, clientId };
  if (accountName) return { kind: 'identity', queueServiceUri: `https://${accountName}.queue.core.windows.net`, clientId };
  problems.push('AzureWebJobsStorage: set a connection string, or AzureWebJobsStorage__accountName (identity-based connection)');
  return { kind: 'connectionString', connectionString: '' };
}

function readScannerConfig(env: NodeJS.ProcessEnv, knownRuleIds: readonly string[] | undefined, problems: string[]): ScannerConfig {
  const text = setting(env, 'SCANNER_CONFIG');
  if (!text) return defaultConfig();
  // The same schema-validated parser as the CLI's --config, so both accept exactly the same documents.
  try {
    return parseScannerConfig(text, 'SCANNER_CONFIG', { knownRuleIds });
  } catch (error) {
    problems.push((error as Error).message);
    return defaultConfig();
  }
}

/**
 * Reads and validates the app settings. `needsLogs` is false for the timer, which does not
 * write to Log Analytics, so a half-configured sink does not stop discovery. `knownRuleIds`
 * (the rule catalogue's ids) makes an unknown rule id in SCANNER_CONFIG an error.
 */
export function readAppSettings(env: NodeJS.ProcessEnv = process.env, options: { needsLogs?: boolean; knownRuleIds?: readonly string[] } = {}): AppSettings {
  const needsLogs = options.needsLogs ?? true;
  const problems: string[] = [];
  const runningInAzure = Boolean(setting(env, 'IDENTITY_ENDPOINT'));

  const managedIdentityClientId = setting(env, 'AZURE_CLIENT_ID');
  if (managedIdentityClientId && !GUID.test(managedIdentityClientId)) problems.push(`AZURE_CLIENT_ID must be a GUID (got "${managedIdentityClientId}")`);
  if (runningInAzure && !managedIdentityClientId) problems.push('AZURE_CLIENT_ID: the client id of the user-assigned managed identity is required in Azure');

  const scanSchedule = setting(env, 'SCAN_SCHEDULE') ?? DEFAULT_SCAN_SCHEDULE;
  if (!looksLikeNcrontab(scanSchedule)) problems.push(`SCAN_SCHEDULE must be a six-field NCRONTAB expression such as "${DEFAULT_SCAN_SCHEDULE}" (got "${scanSchedule}")`);

  const scanQueueName = setting(env, 'SCAN_QUEUE_NAME') ?? DEFAULT_SCAN_QUEUE_NAME;
  // The poison queue adds 7 characters and must itself be a valid name.
  if (!QUEUE_NAME.test(scanQueueName) || scanQueueName.length > 56) problems.push(`SCAN_QUEUE_NAME must be 3-56 lowercase letters, digits or single hyphens (got "${scanQueueName}")`);

  const subscriptionIds = commaList(setting(env, 'SCAN_SUBSCRIPTION_IDS'));
  for (const id of subscriptionIds) if (!GUID.test(id)) problems.push(`SCAN_SUBSCRIPTION_IDS: "${id}" is not a subscription id (GUID)`);

  const tagFilters: TagFilter[] = [];
  for (const entry of commaList(setting(env, 'SCAN_TAG_FILTER'))) {
    const equals = entry.indexOf('=');
    if (equals <= 0) problems.push(`SCAN_TAG_FILTER: "${entry}" is not key=value`);
    else tagFilters.push({ key: entry.slice(0, equals).trim(), value: entry.slice(equals + 1).trim() });
  }

  const deadlineText = setting(env, 'CLUSTER_SCAN_DEADLINE_SECONDS');
  const deadlineSeconds = deadlineText === undefined ? DEFAULT_CLUSTER_SCAN_DEADLINE_SECONDS : Number(deadlineText);
  if (!Number.isInteger(deadlineSeconds) || deadlineSeconds < MIN_CLUSTER_SCAN_DEADLINE_SECONDS || deadlineSeconds > MAX_CLUSTER_SCAN_DEADLINE_SECONDS) {
    problems.push(`CLUSTER_SCAN_DEADLINE_SECONDS must be a whole number of seconds between ${MIN_CLUSTER_SCAN_DEADLINE_SECONDS} and ${MAX_CLUSTER_SCAN_DEADLINE_SECONDS}, within host.json's functionTimeout (got "${deadlineText}")`);
  }

  // Only the literal "true" opts in: admin credentials are never used by accident (a typo stays off, and says so).
  const localAccounts = setting(env, 'SCAN_LOCAL_ACCOUNT_CLUSTERS')?.toLowerCase();
  if (localAccounts !== undefined && localAccounts !== 'true' && localAccounts !== 'false') {
    problems.push(`SCAN_LOCAL_ACCOUNT_CLUSTERS must be "true" or "false" (got "${localAccounts}")`);
  }

  const { settings: logs, problems: logsProblems } = readLogsIngestionSettings(env);
  if (needsLogs) problems.push(...logsProblems);

  const settings: AppSettings = {
    runningInAzure,
    managedIdentityClientId,
    scanSchedule,
    scanQueueName,
    poisonQueueName: `${scanQueueName}-poison`,
    queueConnection: readQueueConnection(env, problems),
    subscriptionIds,
    resourceGroups: commaList(setting(env, 'SCAN_RESOURCE_GROUPS')),
    tagFilters,
    clusterScanDeadlineMs: deadlineSeconds * 1000,
    allowLocalAccountCredentials: localAccounts === 'true',
    logs,
    scannerConfig: readScannerConfig(env, options.knownRuleIds, problems),
  };
  if (problems.length > 0) throw new AppSettingsError(problems);
  return settings;
}
