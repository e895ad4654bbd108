import type { ClusterSnapshot, CoverageStatus, SnapshotKind } from './types.js';

/**
 * Coverage that leaves what depends on a kind unknown: the scanner tried and did not get the
 * data. `absent` (CRD not installed) is not among them: zero objects is then the truth.
 */
const UNREADABLE: ReadonlySet<CoverageStatus> = new Set<CoverageStatus>(['forbidden', 'failed']);

export function isUnreadable(status: CoverageStatus | undefined): boolean {
  return status !== undefined && UNREADABLE.has(status);
}

/** True when `kind` was tried and could not be read in this snapshot. */
export function kindUnread(snapshot: ClusterSnapshot, kind: SnapshotKind): boolean {
  return isUnreadable(snapshot.coverage[kind]?.status);
}
