import type { ScannerConfig } from '../config/types.js';
import type { ClusterSnapshot } from '../snapshot/types.js';
import type { Finding } from './types.js';

/**
 * Marks findings suppressed by annotation or configuration (rules.md "Suppression").
 * Suppressed findings are kept, never dropped. (Full implementation: issue 3.)
 */
export function applySuppressions(findings: Finding[], _snapshot: ClusterSnapshot, _config: ScannerConfig): Finding[] {
  return findings;
}
