/**
 * `--write-fixes DIR`: ready-to-apply YAML for findings with a mechanical fix.
 *
 * A rule describes its fix on the finding (`fix`): either a full manifest to create
 * (default Sidecar, default-deny AuthorizationPolicy, ResourceQuota, PeerAuthentication)
 * or a JSON merge patch (RFC 7386) for the object at fault (exportTo added, namespace
 * labels). Patches are applied here to the object as read, so every file is a complete
 * object for `kubectl apply -f DIR -R`. Several fixes of one object are merged into one
 * file; identical manifests from several rules are written once. Suppressed findings get
 * no fix: someone decided to keep them. Server-owned metadata (uid, resourceVersion,
 * creationTimestamp, status, last-applied annotation) is left out.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { indexObjects, objectOf } from '../rules/suppression.js';
import type { Finding } from '../rules/types.js';
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';

export interface FixFile {
  /** Relative path inside the output directory. */
  path: string;
  manifest: Record<string, unknown>;
  /** Rule ids and finding ids this file fixes, for the header comment. */
  fixes: Array<{ ruleId: string; findingId: string; message: string }>;
  /** 'apply' (complete object) or 'merge-patch' (the target was not in the snapshot: apply with kubectl patch --type=merge). */
  mode: 'apply' | 'merge-patch';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** The object as it would be applied: identity, labels, annotations, spec and the other top-level fields. */
export function manifestOf(object: K8sObject): Record<string, unknown> {
  const annotations = Object.fromEntries(Object.entries(object.metadata.annotations).filter(([key]) => key !== 'kubectl.kubernetes.io/last-applied-configuration'));
  const metadata: Record<string, unknown> = { name: object.metadata.name };
  if (object.metadata.namespace) metadata.namespace = object.metadata.namespace;
  if (Object.keys(object.metadata.labels).length > 0) metadata.labels = { ...object.metadata.labels };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  const manifest: Record<string, unknown> = { apiVersion: object.apiVersion, kind: object.kind, metadata };
  if (Object.keys(object.spec).length > 0 || object.snapshotKind !== 'Namespace') manifest.spec = structuredClone(object.spec);
  return { ...manifest, ...structuredClone(object.body) };
}

function safe(part: string): string {
  return part.toLowerCase().replace(/[^a-z0-9.-]+/g, '_') || '_';
}

function pathOf(kind: string, namespace: string, name: string): string {
  return join(namespace ? safe(namespace) : '_cluster', `${safe(kind)}-${safe(name)}.yaml`);
}

function identityOf(manifest: Record<string, unknown>): { kind: string; namespace: string; name: string } {
  const metadata = isRecord(manifest.metadata) ? manifest.metadata : {};
  return { kind: String(manifest.kind ?? 'object'), namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '', name: String(metadata.name ?? 'unnamed') };
}

/** Fix files for the unsuppressed findings that carry a fix, one file per object. */
export function buildFixManifests(findings: Finding[], snapshot: ClusterSnapshot): FixFile[] {
  const files = new Map<string, FixFile>();
  const objects = indexObjects(snapshot);
  for (const finding of findings) {
    if (finding.suppressed || !finding.fix) continue;
    const about = { ruleId: finding.ruleId, findingId: finding.findingId, message: finding.message };
    if (finding.fix.type === 'manifest') {
      const { kind, namespace, name } = identityOf(finding.fix.manifest);
      const path = pathOf(kind, namespace, name);
      const existing = files.get(path);
      if (existing) existing.fixes.push(about);
      else files.set(path, { path, manifest: structuredClone(finding.fix.manifest), fixes: [about], mode: 'apply' });
      continue;
    }
    const { target, patch } = finding.fix;
    const path = pathOf(target.kind, target.namespace, target.name);
    const existing = files.get(path);
    if (existing) {
      existing.manifest = applyMergePatch(existing.manifest, patch) as Record<string, unknown>;
      existing.fixes.push(about);
      continue;
    }
    const object = objectOf(objects, target);
    const base = object ? manifestOf(object) : { apiVersion: target.apiVersion, kind: target.kind, metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
    files.set(path, { path, manifest: applyMergePatch(base, patch) as Record<string, unknown>, fixes: [about], mode: object ? 'apply' : 'merge-patch' });
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

export function renderFixFile(file: FixFile): string {
  const header = [
    '# Generated by istio-isolation-scanner --write-fixes. Review before applying.',
    file.mode === 'apply'
      ? '# Apply: kubectl apply -f <this file>'
      : '# The object was not in the scan; apply as a merge patch: kubectl patch <kind> <name> -n <namespace> --type=merge --patch-file <this file>',
    ...file.fixes.map((fix) => `# Fixes ${fix.ruleId} (${fix.findingId}): ${fix.message.replace(/\s+/g, ' ')}`),
  ];
  return `${header.join('\n')}\n${stringify(file.manifest)}`;
}

/** Writes the fix files under `dir` and returns the paths written. */
export async function writeFixes(findings: Finding[], snapshot: ClusterSnapshot, dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const file of buildFixManifests(findings, snapshot)) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, renderFixFile(file), 'utf8');
    written.push(target);
  }
  return written;
}
