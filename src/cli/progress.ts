/**
 * Live-scan progress on a terminal: one line per cluster, rewritten in place, with the
 * kinds finished, the objects read so far and the kinds that could not be read. Off a
 * terminal it stays silent, so logs and piped output only get the report.
 */
import type { LiveProgress } from '../snapshot/live/index.js';
import { SNAPSHOT_KINDS } from '../snapshot/types.js';

export interface ProgressRenderer {
  onProgress: (progress: LiveProgress) => void;
  /** Ends the current line. Call once when every cluster is done. */
  finish: () => void;
}

interface ClusterState {
  objectsByKind: Map<string, number>;
  done: Set<string>;
  /** kind -> status, for kinds that ended other than read (forbidden, failed, absent). */
  unread: Map<string, string>;
  current?: string;
}

const CLEAR_LINE = '\r\x1b[2K';

export function formatClusterProgress(cluster: string, state: ClusterState): string {
  const objects = [...state.objectsByKind.values()].reduce((sum, n) => sum + n, 0);
  const problems = [...state.unread.entries()].filter(([, status]) => status !== 'absent');
  const parts = [`${cluster}: ${state.done.size}/${SNAPSHOT_KINDS.length} kinds, ${objects.toLocaleString('en-US')} objects`];
  if (state.current && !state.done.has(state.current)) parts.push(`reading ${state.current}`);
  if (problems.length > 0) parts.push(`not readable: ${problems.map(([kind, status]) => `${kind} (${status})`).join(', ')}`);
  return parts.join(' - ');
}

export function createProgressRenderer(write: (text: string) => void, options: { isTty: boolean }): ProgressRenderer {
  if (!options.isTty) return { onProgress: () => {}, finish: () => {} };
  const clusters = new Map<string, ClusterState>();
  let currentCluster: string | undefined;
  return {
    onProgress(progress) {
      if (currentCluster !== undefined && currentCluster !== progress.cluster) write('\n');
      currentCluster = progress.cluster;
      const state: ClusterState = clusters.get(progress.cluster) ?? { objectsByKind: new Map(), done: new Set(), unread: new Map() };
      clusters.set(progress.cluster, state);
      state.objectsByKind.set(progress.kind, progress.objectsRead);
      state.current = progress.kind;
      if (progress.done) {
        state.done.add(progress.kind);
        if (progress.status && progress.status !== 'read') state.unread.set(progress.kind, progress.status);
      }
      write(`${CLEAR_LINE}  ${formatClusterProgress(progress.cluster, state)}`);
    },
    finish() {
      if (currentCluster !== undefined) write('\n');
      currentCluster = undefined;
    },
  };
}
