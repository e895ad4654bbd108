/**
 * Azure Functions (Node.js v4 programming model) registration. Handlers live in ./handlers and
 * are plain functions; this file only binds them to triggers. Services are built on first use,
 * so a configuration error surfaces as a clear failed invocation, not a host that will not start.
 */
import { app } from '@azure/functions';
import { DEFAULT_SCAN_QUEUE_NAME, DEFAULT_SCAN_SCHEDULE, readAppSettings } from '../src/config/app-settings.js';
import { createFleetServices, type FleetServices } from '../src/fleet/fleet-services.js';
import { ALL_RULES } from '../src/rules/registry.js';
import { createRecordFailedScanHandler } from './handlers/record-failed-scan.js';
import { createScanClusterHandler } from './handlers/scan-cluster.js';
import { createScheduleFleetScanHandler } from './handlers/schedule-fleet-scan.js';

let services: FleetServices | undefined;
function getServices(): FleetServices {
  services ??= createFleetServices(readAppSettings(process.env, { knownRuleIds: ALL_RULES.map((rule) => rule.meta.id) }));
  return services;
}

/** Trigger settings are read at registration (with the same defaults readAppSettings applies). */
const schedule = process.env.SCAN_SCHEDULE?.trim() || DEFAULT_SCAN_SCHEDULE;
const queueName = process.env.SCAN_QUEUE_NAME?.trim() || DEFAULT_SCAN_QUEUE_NAME;

app.timer('scheduleFleetScan', {
  schedule,
  runOnStartup: false,
  useMonitor: true,
  handler: createScheduleFleetScanHandler(getServices),
});

app.storageQueue('scanCluster', {
  queueName,
  connection: 'AzureWebJobsStorage',
  handler: createScanClusterHandler(getServices),
});

// The host moves a message here after host.json's maxDequeueCount failed attempts.
app.storageQueue('recordFailedScan', {
  queueName: `${queueName}-poison`,
  connection: 'AzureWebJobsStorage',
  handler: createRecordFailedScanHandler(getServices),
});
