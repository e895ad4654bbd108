import type { ClusterSnapshot, CoverageEntry, CoverageStatus, InputProblem, SnapshotKind } from './types.js';

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

/**
 * Why nothing at all could be read from a cluster: the credentials were rejected (HTTP 401),
 * the identity may read no kind (every kind 403), or the API server could not be used
 * (refused TLS, `http://`, untrusted CA, unreachable, every kind failed).
 */
export interface ClusterReadFailure {
  reason: 'unauthenticated' | 'forbidden' | 'unreachable';
  /** One sentence naming the cause, without secrets. */
  cause: string;
  /** The distinct errors behind it, first one first. */
  errors: string[];
}

/**
 * The cluster as a whole could not be read: every kind the scanner tried is forbidden or
 * failed, and none was read or found absent (which would prove the API server answered).
 * Such a scan is `failed`, not `partial`: no rule that reads the cluster has a result.
 */
export function clusterReadFailure(snapshot: Pick<ClusterSnapshot, 'coverage'>): ClusterReadFailure | undefined {
  const entries = Object.values(snapshot.coverage).filter((entry): entry is CoverageEntry => entry !== undefined && entry.status !== 'not-collected');
  if (entries.length === 0 || !entries.every((entry) => isUnreadable(entry.status))) return undefined;
  const errors = [...new Set(entries.map((entry) => entry.error).filter((error): error is string => Boolean(error)))];
  const first = errors[0] ?? 'no detail';
  if (entries.some((entry) => entry.httpStatus === 401)) {
    const rejected = entries.find((entry) => entry.httpStatus === 401)?.error ?? first;
    return { reason: 'unauthenticated', cause: `could not authenticate: the API server rejected the credentials (${rejected})`, errors };
  }
  if (entries.every((entry) => entry.status === 'forbidden')) {
    return { reason: 'forbidden', cause: `the identity may not read any kind (${first})`, errors };
  }
  return { reason: 'unreachable', cause: `nothing could be read from the API server (${first})`, errors };
}

/**
 * Input that could not be read: manifest files or documents refused or skipped (malformed
 * YAML, binary, oversized, too deep, invalid UTF-8, links not followed, folders that cannot be
 * listed). Whatever they hold was not scanned, so a scan with any is incomplete: the gate
 * fails closed on it as on a kind it could not list. Objects that were read but are invalid
 * (schema, status, unknown version) are not among them: Istio or the API server refuses those.
 */
export function unreadInput(snapshot: Pick<ClusterSnapshot, 'inputProblems'>): InputProblem[] {
  return snapshot.inputProblems.filter((problem) => problem.type === 'parse' && !problem.holdsNoObject);
}

/** Where unread input is: `file:line`, or the message of a problem without a location. */
export function unreadLocation(problem: InputProblem): string {
  return problem.source ? `${problem.source.file}:${problem.source.line}` : problem.message;
}

/** How many input locations a one-line description names before "and N more". */
const LOCATIONS_NAMED = 3;

/** The first locations of unread input and how many more: "a.yaml:4, b.yaml:1, c.yaml:1 and 2 more". */
export function namedUnreadLocations(problems: readonly InputProblem[]): string {
  const more = problems.length > LOCATIONS_NAMED ? ` and ${problems.length - LOCATIONS_NAMED} more` : '';
  return `${problems.slice(0, LOCATIONS_NAMED).map(unreadLocation).join(', ')}${more}`;
}

/** One line for the scan record's error: how many could not be read and where the first ones are. */
export function describeUnreadInput(problems: readonly InputProblem[]): string {
  return `Could not read ${problems.length} input file(s) or document(s): ${namedUnreadLocations(problems)}`;
}
