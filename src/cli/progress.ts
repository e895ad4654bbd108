/**
 * Progress of long scans on stderr, so a long scan never leaves a silent screen: offline
 * folders (files read of files found), live collection (per cluster: kinds done, objects
 * read, the kind being read, kinds not readable, and every retry with its wait), fleet scans
 * (clusters done of total).
 *
 * Three modes: on a terminal one status line is rewritten in place (a finished cluster's line
 * stays); off a terminal (CI logs) a plain line at most every PLAIN_INTERVAL_MS; with --quiet
 * nothing. A short scan shows nothing at all (nothing before the mode's first delay), so
 * quick runs and piped output only get the report and its notes. Retries are always a line
 * of their own: a scan waiting on a throttled API server says so.
 *
 * Names in the lines come from clusters and kubeconfigs: control characters are removed so a
 * name cannot move the cursor or rewrite the screen.
 */
import type { LiveProgress } from '../snapshot/live/index.js';
import { SNAPSHOT_KINDS } from '../snapshot/types.js';
import type { CliIo } from './io.js';

export type ProgressMode = 'terminal' | 'plain' | 'off';

/** Off a terminal: the first line after this long, then at most one line per this long. */
export const PLAIN_INTERVAL_MS = 10_000;
/** On a terminal: nothing before this long, then at most one redraw per TERMINAL_REDRAW_MS. */
export const TERMINAL_DELAY_MS = 500;
const TERMINAL_REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[2K';
/** Longest detail taken from a failed request (server messages can be long). */
const MAX_REASON_CHARACTERS = 160;

export interface ProgressOptions {
  mode: ProgressMode;
  /** Milliseconds clock (tests pass their own). Default Date.now. */
  now?: () => number;
  /** Terminal width: the status line is cut to it so rewriting it in place works. */
  columns?: number;
}

/** What KubeHttpOptions.onRetry tells about a retry. */
export interface RetryNotice {
  path: string;
  attempt: number;
  waitMs: number;
  error: { message: string };
}

export interface Progress {
  /** Live collection: a kind's objects so far, or its end. */
  live(progress: LiveProgress): void;
  /** A request of `cluster` failed and is retried after a wait. */
  retry(cluster: string, retry: RetryNotice): void;
  /** Offline: files read of the files found so far. */
  files(read: number, found: number): void;
  /** Fleet: a status line (discovery, clusters done of total). */
  fleet(line: string): void;
  /** Ends the status line; call once when the scan's collection is over. */
  finish(): void;
}

/** --quiet: nothing; stderr a terminal: a line rewritten in place; else plain periodic lines. */
export function progressMode(io: Pick<CliIo, 'stderrIsTty' | 'env'>, quiet: boolean | undefined): ProgressMode {
  if (quiet) return 'off';
  return io.stderrIsTty && io.env.TERM !== 'dumb' ? 'terminal' : 'plain';
}

export function progressFor(io: CliIo, quiet: boolean | undefined): Progress {
  return createProgress(io.stderr, { mode: progressMode(io, quiet), now: io.now, columns: io.stderrColumns });
}

/**
 * A count with en-US thousands separators (12,345), as toLocaleString('en-US') writes it, without
 * its cost: the first locale-aware call initialises ICU number formatting, about 10 ms of every
 * offline scan's start-up (docs/performance.md "Start-up").
 */
export function grouped(count: number): string {
  return Number.isSafeInteger(count) && count >= 0 && !Object.is(count, -0) ? String(count).replace(/\B(?=(\d{3})+$)/g, ',') : count.toLocaleString('en-US');
}

/** Text from outside on one line: control characters (escape sequences, line breaks) become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

interface ClusterState {
  objectsByKind: Map<string, number>;
  done: Set<string>;
  /** kind -> status, for kinds that ended other than read (forbidden, failed, absent). */
  unread: Map<string, string>;
  current?: string;
}

export function formatClusterProgress(cluster: string, state: ClusterState): string {
  const objects = [...state.objectsByKind.values()].reduce((sum, n) => sum + n, 0);
  const problems = [...state.unread.entries()].filter(([, status]) => status !== 'absent');
  const parts = [`${oneLine(cluster)}: ${state.done.size}/${SNAPSHOT_KINDS.length} kinds, ${grouped(objects)} objects`];
  if (state.current && !state.done.has(state.current)) parts.push(`reading ${state.current}`);
  if (problems.length > 0) parts.push(`not readable: ${problems.map(([kind, status]) => `${kind} (${status})`).join(', ')}`);
  return parts.join(' - ');
}

export function formatRetry(cluster: string, retry: RetryNotice): string {
  const reason = oneLine(retry.error.message);
  const cut = reason.length > MAX_REASON_CHARACTERS ? `${reason.slice(0, MAX_REASON_CHARACTERS - 1)}…` : reason;
  return `${oneLine(cluster)}: GET ${oneLine(retry.path)} failed (${cut}); waiting ${(retry.waitMs / 1000).toFixed(1)} s before attempt ${retry.attempt + 1}`;
}

export function createProgress(write: (text: string) => void, options: ProgressOptions): Progress {
  const { mode } = options;
  if (mode === 'off') return { live: () => {}, retry: () => {}, files: () => {}, fleet: () => {}, finish: () => {} };
  const now = options.now ?? Date.now;
  const started = now();
  const firstAfter = mode === 'terminal' ? TERMINAL_DELAY_MS : PLAIN_INTERVAL_MS;
  const every = mode === 'terminal' ? TERMINAL_REDRAW_MS : PLAIN_INTERVAL_MS;
  const width = Math.max(20, (options.columns ?? 100) - 1);

  let status = '';
  /** What the screen or log last got, and when. */
  let drawn = '';
  let drawnAt = -Infinity;
  /** A terminal line is open (drawn and not yet ended with a line break). */
  let lineOpen = false;
  let anythingShown = false;

  const draw = (time: number) => {
    if (status === '') return;
    if (mode === 'terminal') {
      const line = status.length > width ? `${status.slice(0, width - 1)}…` : status;
      write(`${CLEAR_LINE}${line}`);
      lineOpen = true;
    } else if (status !== drawn) write(`${status}\n`);
    drawn = status;
    drawnAt = time;
    anythingShown = true;
  };
  const update = (text: string) => {
    status = text;
    const time = now();
    if (time - started >= firstAfter && time - drawnAt >= every) draw(time);
  };
  /** Shows the latest status if it is not on screen yet, and ends the terminal line. */
  const settle = () => {
    if (anythingShown && status !== drawn) draw(now());
    if (lineOpen) write('\n');
    lineOpen = false;
  };

  const clusters = new Map<string, ClusterState>();
  let currentCluster: string | undefined;
  return {
    live(progress) {
      if (currentCluster !== undefined && currentCluster !== progress.cluster) settle();
      currentCluster = progress.cluster;
      const state: ClusterState = clusters.get(progress.cluster) ?? { objectsByKind: new Map(), done: new Set(), unread: new Map() };
      clusters.set(progress.cluster, state);
      state.objectsByKind.set(progress.kind, progress.objectsRead);
      state.current = progress.kind;
      if (progress.done) {
        state.done.add(progress.kind);
        if (progress.status && progress.status !== 'read') state.unread.set(progress.kind, progress.status);
      }
      update(formatClusterProgress(progress.cluster, state));
    },
    retry(cluster, retry) {
      const line = formatRetry(cluster, retry);
      write(mode === 'terminal' ? `${lineOpen ? CLEAR_LINE : ''}${line}\n` : `${line}\n`);
      lineOpen = false;
      // The status line comes back under it.
      if (mode === 'terminal' && drawn !== '') {
        drawn = '';
        draw(now());
      }
    },
    files(read, found) {
      update(`reading manifests: ${grouped(read)}/${grouped(found)} files`);
    },
    fleet(line) {
      update(oneLine(line));
    },
    finish() {
      settle();
      status = '';
      drawn = '';
      currentCluster = undefined;
    },
  };
}
