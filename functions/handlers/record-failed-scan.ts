/**
 * Poison-queue trigger: the scan of this cluster failed on every attempt. Writes a 'failed'
 * scan record (with the reason found again, and the platform findings ARM alone can give), so
 * a silent cluster is visible and alertable (findings.md).
 */
import type { InvocationContext } from '@azure/functions';
import type { FleetServices } from '../../src/fleet/fleet-services.js';
import { diagnoseFailedCluster } from '../../src/fleet/scan-cluster.js';
import { MAX_DEQUEUE_COUNT } from '../../src/inventory/scan-queue.js';
import { InvalidScanMessageError, parseScanClusterMessage } from '../../src/inventory/types.js';

export function createRecordFailedScanHandler(getServices: () => FleetServices) {
  return async function recordFailedScan(queueEntry: unknown, context: InvocationContext): Promise<void> {
    let message;
    try {
      message = parseScanClusterMessage(queueEntry);
    } catch (error) {
      if (error instanceof InvalidScanMessageError) {
        context.error(`${error.message}; poison message dropped.`);
        return;
      }
      throw error;
    }
    const services = getServices();
    const result = await diagnoseFailedCluster(message, services, MAX_DEQUEUE_COUNT);
    await services.sink.upload(result);
    context.error(`Scan ${message.scanId} of ${message.cluster.resourceId} failed for good: ${result.record.error}`);
  };
}
