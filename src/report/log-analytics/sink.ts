import type { TokenCredential } from '@azure/identity';
import type { ClusterScanResult } from '../types.js';

export interface LogAnalyticsSinkOptions {
  endpoint: string;
  ruleId: string;
  findingsStream: string;
  scansStream: string;
  credential: TokenCredential;
}

/**
 * Ships one cluster's findings, then its scan record (issue 6). Throws when rows could not be
 * delivered after the SDK's retries, so the queue retries the cluster scan.
 */
export class LogAnalyticsSink {
  constructor(readonly options: LogAnalyticsSinkOptions) {}

  async upload(_result: ClusterScanResult): Promise<void> {
    throw new Error('Log Analytics sink not implemented yet');
  }
}
