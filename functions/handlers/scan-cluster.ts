/**
 * Queue trigger: scans one cluster and ships its findings and scan record to Log Analytics.
 * Throws on retryable failures (network, throttling, upload), so the Functions host retries the
 * message and, after maxDequeueCount attempts, moves it to the poison queue.
 */
import type { InvocationContext } from '@azure/functions';
import type { FleetServices } from '../../src/fleet/fleet-services.js';
import { scanOneCluster } from '../../src/fleet/scan-cluster.js';
import { InvalidScanMessageError, parseScanClusterMessage } from '../../src/inventory/types.js';

export function createScanClusterHandler(getServices: () => FleetServices) {
  return async function scanCluster(queueEntry: unknown, context: InvocationContext): Promise<void> {
    let message;
    try {
      message = parseScanClusterMessage(queueEntry);
    } catch (error) {
      // A malformed message never succeeds: retrying it only delays the poison queue, and
      // without a cluster id no scan record can be written. Logged as an error for alerting.
      if (error instanceof InvalidScanMessageError) {
        context.error(`${error.message}; message dropped.`);
        return;
      }
      throw error;
    }
    const services = getServices();
    const attempt = Number(context.triggerMetadata?.dequeueCount ?? 1);
    const label = `Scan ${message.scanId} of ${message.cluster.resourceId} (attempt ${attempt})`;
    let result;
    try {
      result = await scanOneCluster(message, services);
    } catch (error) {
      context.warn(`${label} failed, the queue will retry: ${(error as Error).message}`);
      throw error;
    }
    await services.sink.upload(result);
    const { status, findingCounts, error } = result.record;
    context.log(`${label}: ${status}, ${result.findings.length} finding(s) (${Object.entries(findingCounts).map(([s, n]) => `${s} ${n}`).join(', ')})${error ? `; ${error}` : ''}.`);
  };
}
