/**
 * Offline findings should point at the manifest line of the object at fault (SARIF, table).
 * Rules set `source` when they know it; for those that only name the resource, the
 * location is looked up in the snapshot here, so no rule has to remember it.
 */
import type { Finding } from '../rules/types.js';
import type { ClusterSnapshot, SourceLocation } from '../snapshot/types.js';

function key(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

export function withSourceLocations(findings: Finding[], snapshot: ClusterSnapshot): Finding[] {
  const locations = new Map<string, SourceLocation>();
  for (const objects of Object.values(snapshot.objects)) {
    for (const object of objects) if (object.source) locations.set(key(object.kind, object.metadata.namespace, object.metadata.name), object.source);
  }
  if (locations.size === 0) return findings;
  return findings.map((finding) => {
    if (finding.source || !finding.resource) return finding;
    const source = locations.get(key(finding.resource.kind, finding.resource.namespace, finding.resource.name));
    return source ? { ...finding, source } : finding;
  });
}
