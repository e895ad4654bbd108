/**
 * The Logs Ingestion settings (LOGS_*), read one way for the Functions app (app-settings.ts)
 * and for the CLI's --send-to-log-analytics (report/log-analytics/sink.ts), so a value that
 * works in one works in the other.
 */

export const DEFAULT_FINDINGS_STREAM = 'Custom-IstioIsolationFindings_CL';
export const DEFAULT_SCANS_STREAM = 'Custom-IstioIsolationScans_CL';

export interface LogsIngestionSettings {
  /** The data collection endpoint's logs ingestion URL; '' when unset. */
  endpoint: string;
  /** The data collection rule's immutable id (dcr-...); '' when unset. */
  dcrImmutableId: string;
  findingsStream: string;
  scansStream: string;
}

/** Placeholders in local.settings.sample.json look like "<...>"; treat them as unset. */
const PLACEHOLDER = /^<.*>$/s;

/** A setting's trimmed value; undefined when empty or a placeholder. */
export function settingValue(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value && !PLACEHOLDER.test(value) ? value : undefined;
}

/**
 * Reads the four settings; the stream names default to the ones the Bicep deployment creates.
 * `problems` names every missing or invalid required setting (empty when usable).
 */
export function readLogsIngestionSettings(env: Record<string, string | undefined>): { settings: LogsIngestionSettings; problems: string[] } {
  const settings: LogsIngestionSettings = {
    endpoint: settingValue(env, 'LOGS_INGESTION_ENDPOINT') ?? '',
    dcrImmutableId: settingValue(env, 'LOGS_DCR_IMMUTABLE_ID') ?? '',
    findingsStream: settingValue(env, 'LOGS_FINDINGS_STREAM') ?? DEFAULT_FINDINGS_STREAM,
    scansStream: settingValue(env, 'LOGS_SCANS_STREAM') ?? DEFAULT_SCANS_STREAM,
  };
  const problems: string[] = [];
  if (!settings.endpoint) problems.push('LOGS_INGESTION_ENDPOINT: the data collection endpoint (logs ingestion URL) is required');
  // The SDK only sends bearer tokens over TLS, so an http:// or malformed endpoint can never work.
  else if (!URL.canParse(settings.endpoint) || new URL(settings.endpoint).protocol !== 'https:') {
    problems.push(`LOGS_INGESTION_ENDPOINT must be an https:// URL (the data collection endpoint's logs ingestion URL), got "${settings.endpoint}"`);
  }
  if (!settings.dcrImmutableId) problems.push('LOGS_DCR_IMMUTABLE_ID: the immutable id (dcr-...) of the data collection rule is required');
  return { settings, problems };
}
