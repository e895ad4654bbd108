/**
 * The CLI as the installed package's bin runs it, for the benchmarks that time it as a child
 * process (3, end to end, and 6, start-up): the bundle `npm pack` builds.
 */
import { execFileSync } from 'node:child_process';

/** The bundle's entry, relative to the repository root (bin/istio-isolation-scanner.js in an installed package). */
export const INSTALLED_CLI = 'dist/cli/main.js';

/** Builds what `npm pack` builds (its prepack): tsc's dist/src/, then the CLI bundle from the sources (dist/cli/). */
export function buildInstalledCli(): void {
  for (const script of ['build', 'build:cli']) execFileSync('npm', ['run', script], { stdio: ['ignore', 'ignore', 'inherit'] });
}
