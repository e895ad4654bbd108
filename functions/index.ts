/**
 * Azure Functions (Node.js v4 programming model) registration. Handlers live in ./handlers and
 * are plain functions; this file only binds them to triggers. Services: ./services.ts.
 */
import { app } from '@azure/functions';
import { DEFAULT_SCAN_QUEUE_NAME, DEFAULT_SCAN_SCHEDULE } from '../src/config/app-settings.js';
import { createRecordFailedScanHandler } from './handlers/record-failed-scan.js';
import { createScanClusterHandler } from './handlers/scan-cluster.js';
import { createScheduleFleetScanHandler } from './handlers/schedule-fleet-scan.js';
import { lazyServices } from './services.js';

const services = lazyServices(process.env);

/** Trigger settings are read at registration (with the same defaults readAppSettings applies). */
const schedule = process.env.SCAN_SCHEDULE?.trim() || DEFAULT_SCAN_SCHEDULE;
const queueName = process.env.SCAN_QUEUE_NAME?.trim() || DEFAULT_SCAN_QUEUE_NAME;

app.timer('scheduleFleetScan', {
  schedule,
  runOnStartup: false,
  useMonitor: true,
  handler: createScheduleFleetScanHandler(services.timer),
});

app.storageQueue('scanCluster', {
  queueName,
  connection: 'AzureWebJobsStorage',
  handler: createScanClusterHandler(services.worker),
});

// The host moves a message here after host.json's maxDequeueCount failed attempts.
app.storageQueue('recordFailedScan', {
  queueName: `${queueName}-poison`,
  connection: 'AzureWebJobsStorage',
  handler: createRecordFailedScanHandler(services.worker),
});
