/**
 * Preloaded into a benchmarked child process (`--import ./bench/maxrss-preload.ts`): writes the
 * process's peak resident set size in KiB to $BENCH_MAXRSS_FILE when it exits. Works whatever
 * the child does with its exit code, and needs no external `time` binary.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_MAXRSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
