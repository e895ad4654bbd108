/** The mesh revision profile of an AKS region: which Istio revisions AKS supports there. */
import { isRecord } from '../records.js';

/** Supported AKS mesh revisions of a region (mesh revision profiles API). */
export interface MeshRevisionProfile {
  revisions: Array<{ revision: string; upgrades?: string[]; compatibleWith?: Array<{ name: string; versions: string[] }> }>;
}

/**
 * Maps the ARM meshRevisionProfiles GET body (`properties.meshRevisions[]`) — or the
 * `az aks mesh get-revisions -o json` output, which has `meshRevisions` at the top —
 * to the snapshot's MeshRevisionProfile. Returns undefined when the shape is wrong.
 */
export function meshRevisionProfileFromArm(body: unknown): MeshRevisionProfile | undefined {
  if (!isRecord(body)) return undefined;
  const list = isRecord(body.properties) && Array.isArray(body.properties.meshRevisions) ? body.properties.meshRevisions : body.meshRevisions;
  if (!Array.isArray(list)) return undefined;
  const revisions: MeshRevisionProfile['revisions'] = [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.revision !== 'string') continue;
    const upgrades = Array.isArray(entry.upgrades) ? entry.upgrades.filter((u): u is string => typeof u === 'string') : undefined;
    const compatibleWith = Array.isArray(entry.compatibleWith)
      ? entry.compatibleWith.filter(isRecord).map((c) => ({ name: String(c.name ?? ''), versions: Array.isArray(c.versions) ? c.versions.map(String) : [] }))
      : undefined;
    revisions.push({ revision: entry.revision, upgrades, compatibleWith });
  }
  return { revisions };
}
