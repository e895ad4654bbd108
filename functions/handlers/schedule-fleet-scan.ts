/**
 * Timer: one fleet scan run. Gives the run one ScanId, discovers the clusters with Resource
 * Graph and enqueues one message per cluster; the scanCluster Function does the rest, scaled
 * out by the platform.
 */
import { randomUUID } from 'node:crypto';
import type { InvocationContext, Timer } from '@azure/functions';
import type { DiscoveryServices } from '../../src/fleet/fleet-services.js';
import { enqueueScanMessages } from '../../src/inventory/scan-queue.js';
import type { ScanClusterMessage } from '../../src/inventory/types.js';

export interface FleetScanScheduled {
  scanId: string;
  enqueued: number;
}

export function createScheduleFleetScanHandler(getServices: () => DiscoveryServices, newScanId: () => string = randomUUID) {
  return async function scheduleFleetScan(timer: Timer, context: InvocationContext): Promise<FleetScanScheduled> {
    const services = getServices();
    const scanId = newScanId();
    if (timer.isPastDue) context.warn(`Fleet scan ${scanId}: the timer is past due (the previous run or the host was late).`);
    const discovery = await services.discover();
    if (discovery.skippedRows > 0) context.warn(`Fleet scan ${scanId}: ${discovery.skippedRows} Resource Graph row(s) were not managed cluster ids and were skipped.`);
    const enqueuedAt = new Date().toISOString();
    const messages: ScanClusterMessage[] = discovery.clusters.map(({ tags: _tags, ...cluster }) => ({ version: 1, scanId, cluster, enqueuedAt }));
    await enqueueScanMessages(services.queue, messages);
    context.log(`Fleet scan ${scanId}: ${messages.length} cluster(s) found in ${discovery.pages} Resource Graph page(s), one queue message each on ${services.settings.scanQueueName}.`);
    return { scanId, enqueued: messages.length };
  };
}
