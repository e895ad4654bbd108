import type { Finding } from '../rules/types.js';
import type { ClusterSnapshot } from '../snapshot/types.js';

export interface FixFile {
  /** Relative path inside the output directory. */
  path: string;
  manifest: Record<string, unknown>;
}

/** Ready-to-apply manifests for findings with a mechanical fix (issue 3). */
export function buildFixManifests(_findings: Finding[], _snapshot: ClusterSnapshot): FixFile[] {
  return [];
}

export async function writeFixes(findings: Finding[], snapshot: ClusterSnapshot, _dir: string): Promise<string[]> {
  return buildFixManifests(findings, snapshot).map((file) => file.path);
}
