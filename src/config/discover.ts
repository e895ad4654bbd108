/**
 * Finds the scanner configuration a repository carries, so CI and people get the same
 * settings without `--config`: the nearest `.istio-isolation-scanner.yaml` (or `.yml`,
 * `.json`) from the working directory up to the repository root (the nearest folder with
 * `.git`). Outside a repository only the working directory is looked at, so a stray file
 * higher up the disk never changes a scan.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CONFIG_FILE_NAMES = ['.istio-isolation-scanner.yaml', '.istio-isolation-scanner.yml', '.istio-isolation-scanner.json'] as const;

/** The repository root above `dir` (the nearest folder holding `.git`, a folder or a worktree file), if any. */
export function repositoryRoot(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    if (existsSync(join(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function configIn(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The configuration file that applies in `cwd`, or undefined. */
export function discoverConfigFile(cwd: string): string | undefined {
  const root = repositoryRoot(cwd);
  if (!root) return configIn(cwd);
  let current = cwd;
  for (;;) {
    const found = configIn(current);
    if (found || current === root) return found;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
