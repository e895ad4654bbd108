/**
 * Progress on stderr: a line rewritten in place on a terminal, a plain line at most every
 * 10 s off one, nothing with --quiet, nothing at all for a short scan. Time is a clock the
 * test moves, never the wall clock. The CLI part scans a folder of many files in-process.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { runCli } from '../../../src/cli/program.js';
import { createProgress, grouped, PLAIN_INTERVAL_MS, progressMode, TERMINAL_DELAY_MS, type ProgressMode } from '../../../src/cli/progress.js';
import type { CliIo } from '../../../src/cli/io.js';
import { SNAPSHOT_KINDS } from '../../../src/snapshot/types.js';

const KINDS = SNAPSHOT_KINDS.length;
const CLEAR = '\r\x1b[2K';

function recorder(mode: ProgressMode, columns?: number) {
  const out: string[] = [];
  let time = 0;
  const progress = createProgress((text) => out.push(text), { mode, now: () => time, columns });
  return { out, progress, at: (ms: number) => void (time = ms) };
}

const retry = { path: '/api/v1/pods?limit=500', attempt: 1, waitMs: 1500, error: { message: 'HTTP 429 TooManyRequests: slow down' } };

describe('on a terminal', () => {
  it('stays silent at first, then rewrites one line per cluster with kinds, objects and unreadable kinds', () => {
    const { out, progress, at } = recorder('terminal');
    progress.live({ cluster: 'a', kind: 'Pod', objectsRead: 500, done: false });
    expect(out).toEqual([]);
    at(TERMINAL_DELAY_MS);
    progress.live({ cluster: 'a', kind: 'Pod', objectsRead: 1200, done: true, status: 'read' });
    at(TERMINAL_DELAY_MS + 100);
    progress.live({ cluster: 'a', kind: 'Sidecar', objectsRead: 0, done: true, status: 'forbidden' });
    at(TERMINAL_DELAY_MS + 200);
    progress.live({ cluster: 'b', kind: 'Namespace', objectsRead: 3, done: false });
    progress.finish();
    expect(out).toEqual([
      `${CLEAR}a: 1/${KINDS} kinds, 1,200 objects`,
      `${CLEAR}a: 2/${KINDS} kinds, 1,200 objects - not readable: Sidecar (forbidden)`,
      '\n',
      `${CLEAR}b: 0/${KINDS} kinds, 3 objects - reading Namespace`,
      '\n',
    ]);
  });

  it('redraws at most every 100 ms but always ends on the latest state', () => {
    const { out, progress, at } = recorder('terminal');
    at(TERMINAL_DELAY_MS);
    for (let read = 1; read <= 50; read += 1) progress.files(read, 50);
    progress.finish();
    expect(out).toEqual([`${CLEAR}reading manifests: 1/50 files`, `${CLEAR}reading manifests: 50/50 files`, '\n']);
  });

  it('puts a retry on a line of its own and the status line back under it', () => {
    const { out, progress, at } = recorder('terminal');
    at(TERMINAL_DELAY_MS);
    progress.live({ cluster: 'prod', kind: 'Pod', objectsRead: 0, done: false });
    progress.retry('prod', retry);
    expect(out).toEqual([
      `${CLEAR}prod: 0/${KINDS} kinds, 0 objects - reading Pod`,
      `${CLEAR}prod: GET /api/v1/pods?limit=500 failed (HTTP 429 TooManyRequests: slow down); waiting 1.5 s before attempt 2\n`,
      `${CLEAR}prod: 0/${KINDS} kinds, 0 objects - reading Pod`,
    ]);
  });

  it('cuts the line to the terminal width and removes control characters from names', () => {
    const { out, progress, at } = recorder('terminal', 40);
    at(TERMINAL_DELAY_MS);
    progress.live({ cluster: 'evil\x1b[2J\rname-that-is-rather-long-for-a-terminal', kind: 'Pod', objectsRead: 0, done: false });
    const line = out[0]!.slice(CLEAR.length);
    expect(line).toBe('evil [2J name-that-is-rather-long-for-…');
    expect([...line]).toHaveLength(39);
  });
});

describe('off a terminal (CI logs)', () => {
  it('writes a plain line after 10 s, then at most one every 10 s, and the final state at the end', () => {
    const { out, progress, at } = recorder('plain');
    progress.files(1, 1000);
    at(PLAIN_INTERVAL_MS - 1);
    progress.files(2, 1000);
    expect(out).toEqual([]);
    at(PLAIN_INTERVAL_MS);
    progress.files(3, 1000);
    at(PLAIN_INTERVAL_MS + 5_000);
    progress.files(500, 1000);
    at(2 * PLAIN_INTERVAL_MS);
    progress.files(600, 1000);
    progress.files(1000, 1000);
    progress.finish();
    expect(out).toEqual(['reading manifests: 3/1,000 files\n', 'reading manifests: 600/1,000 files\n', 'reading manifests: 1,000/1,000 files\n']);
    expect(out.join('')).not.toContain('\x1b');
  });

  it('says nothing for a short scan, but always reports a retry', () => {
    const { out, progress, at } = recorder('plain');
    progress.fleet('[....................] 0/2 clusters, 2 found');
    progress.retry('aks-1', retry);
    at(1_000);
    progress.fleet('[####################] 2/2 clusters, aks-2: read');
    progress.finish();
    expect(out).toEqual([`aks-1: GET /api/v1/pods?limit=500 failed (HTTP 429 TooManyRequests: slow down); waiting 1.5 s before attempt 2\n`]);
  });
});

describe('--quiet', () => {
  it('writes nothing, retries included', () => {
    const { out, progress, at } = recorder('off');
    at(60_000);
    progress.live({ cluster: 'a', kind: 'Pod', objectsRead: 1, done: true, status: 'read' });
    progress.retry('a', retry);
    progress.files(1, 1);
    progress.fleet('x');
    progress.finish();
    expect(out).toEqual([]);
  });

  it('is chosen over any terminal; a terminal gets the rewritten line unless TERM=dumb', () => {
    expect(progressMode({ stderrIsTty: true, env: {} }, true)).toBe('off');
    expect(progressMode({ stderrIsTty: true, env: {} }, false)).toBe('terminal');
    expect(progressMode({ stderrIsTty: true, env: { TERM: 'dumb' } }, undefined)).toBe('plain');
    expect(progressMode({ stderrIsTty: false, env: {} }, undefined)).toBe('plain');
    expect(progressMode({ env: {} }, undefined)).toBe('plain');
  });
});

describe('scan of a folder with many files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'iis-progress-'));
  mkdirSync(join(folder, 'k8s'));
  for (let i = 0; i < 40; i += 1) {
    writeFileSync(join(folder, 'k8s', `ns-${String(i).padStart(2, '0')}.yaml`), `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-${i}\n`);
  }

  /** Each look at the clock moves it one second: a slow read, without waiting for one. */
  async function scan(extra: string[], stderrIsTty: boolean): Promise<{ status: number; stderr: string }> {
    let stderr = '';
    let time = 0;
    const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), isTty: false, stderrIsTty, env: {}, cwd: folder, now: () => (time += 1_000) };
    const status = await runCli(['node', 'istio-isolation-scanner', 'scan', 'k8s', '--no-config', '--format', 'json', '--fail-on', 'none', ...extra], io);
    return { status, stderr };
  }

  it('prints plain progress lines off a terminal, ending with every file read', async () => {
    const { status, stderr } = await scan([], false);
    expect(status).toBe(0);
    const lines = stderr.split('\n').filter((line) => line.startsWith('reading manifests'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toBe('reading manifests: 40/40 files');
    expect(stderr).not.toContain('\x1b');
  });

  it('rewrites one line on a terminal', async () => {
    const { stderr } = await scan([], true);
    expect(stderr).toContain(`${CLEAR}reading manifests: 40/40 files\n`);
  });

  it('prints none with --quiet', async () => {
    const { status, stderr } = await scan(['--quiet'], true);
    expect(status).toBe(0);
    expect(stderr).not.toContain('reading manifests');
    expect(stderr).not.toContain('\x1b');
  });
});

describe('counts', () => {
  it('are grouped as toLocaleString("en-US") groups them (without initialising ICU at start-up)', () => {
    expect(grouped(1234567)).toBe('1,234,567');
    expect(grouped(-0)).toBe((-0).toLocaleString('en-US'));
    fc.assert(fc.property(fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -1_000_000, max: -1 }), fc.double({ noNaN: true })), (count) => {
      expect(grouped(count)).toBe(count.toLocaleString('en-US'));
    }));
  });
});
