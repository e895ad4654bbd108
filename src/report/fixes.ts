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
import { isRecord } from '../records.js';

export interface FixFile {
  /** Relative path inside the output directory. */
  path: string;
  manifest: Record<string, unknown>;
  /** Rule ids and finding ids this file fixes, for the header comment. */
  fixes: Array<{ ruleId: string; findingId: string; message: string }>;
  /** 'apply' (complete object) or 'merge-patch' (the target was not in the snapshot: apply with kubectl patch --type=merge). */
  mode: 'apply' | 'merge-patch';
  /** Labels and annotations the fix deletes: `kubectl apply` only removes keys a previous apply set. */
  removedMetadata?: Array<{ field: 'labels' | 'annotations'; key: string }>;
}

/** Label/annotation keys a merge patch sets to null (deletes). */
function removedMetadataOf(patch: Record<string, unknown>): Array<{ field: 'labels' | 'annotations'; key: string }> {
  const metadata = isRecord(patch.metadata) ? patch.metadata : {};
  const out: Array<{ field: 'labels' | 'annotations'; key: string }> = [];
  for (const field of ['labels', 'annotations'] as const) {
    const entries = isRecord(metadata[field]) ? metadata[field] : {};
    for (const [key, value] of Object.entries(entries)) if (value === null) out.push({ field, key });
  }
  return out;
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
      existing.removedMetadata = [...(existing.removedMetadata ?? []), ...removedMetadataOf(patch)];
      continue;
    }
    const object = objectOf(objects, target);
    const base = object ? manifestOf(object) : { apiVersion: target.apiVersion, kind: target.kind, metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
    const removed = removedMetadataOf(patch);
    files.set(path, { path, manifest: applyMergePatch(base, patch) as Record<string, unknown>, fixes: [about], mode: object ? 'apply' : 'merge-patch', ...(removed.length > 0 ? { removedMetadata: removed } : {}) });
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** `kubectl apply` leaves keys it did not set itself, so deletions get an explicit command. */
function removalCommands(file: FixFile): string[] {
  if (!file.removedMetadata?.length) return [];
  const { kind, namespace, name } = identityOf(file.manifest);
  const scope = namespace ? ` -n ${namespace}` : '';
  const verbOf = { labels: 'label', annotations: 'annotate' } as const;
  return (['labels', 'annotations'] as const).flatMap((field) => {
    const keys = [...new Set(file.removedMetadata!.filter((entry) => entry.field === field).map((entry) => `${entry.key}-`))];
    return keys.length > 0 ? [`# Also run (apply does not remove ${field} it did not set): kubectl ${verbOf[field]} ${kind.toLowerCase()} ${name}${scope} ${keys.join(' ')}`] : [];
  });
}

export function renderFixFile(file: FixFile): string {
  const header = [
    '# Generated by istio-isolation-scanner --write-fixes. Review before applying.',
    file.mode === 'apply'
      ? '# Apply: kubectl apply -f <this file>'
      : '# The object was not in the scan; apply as a merge patch: kubectl patch <kind> <name> -n <namespace> --type=merge --patch-file <this file>',
    ...file.fixes.map((fix) => `# Fixes ${fix.ruleId} (${fix.findingId}): ${fix.message.replace(/\s+/g, ' ')}`),
    ...removalCommands(file),
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
