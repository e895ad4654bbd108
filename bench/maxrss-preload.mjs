/**
 * Preloaded into a benchmarked child process (`--import ./bench/maxrss-preload.mjs`): writes the
 * process's peak resident set size in KiB and its CPU time (user + system, every thread) in
 * microseconds, separated by a space, to $BENCH_MAXRSS_FILE when it exits. Works whatever the
 * child does with its exit code, and needs no external `time` binary. Plain JavaScript, so the
 * measured processes load no TypeScript loader.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_MAXRSS_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
