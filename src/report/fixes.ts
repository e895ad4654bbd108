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
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { readPrefix, readTextBounded } from '../read-bounded.js';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { LazyObjectIndex } from '../rules/suppression.js';
import type { Finding } from '../rules/types.js';
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { isRecord } from '../records.js';
import { isInside, writeFileAtomically } from './write-file.js';

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

const MAX_SEGMENT_CHARS = 100;

/**
 * One file or folder name from text the scanner does not control (object, namespace, cluster
 * and context names): lower case, only [a-z0-9.-], no leading dot and no `..` (so never `.`,
 * `..` or a hidden file), bounded length. When anything had to change, a short hash of the original is appended, so
 * two different names never share a file.
 */
export function safeSegment(part: string): string {
  const lower = part.toLowerCase();
  const cleaned = lower
    .replace(/[^a-z0-9.-]+/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\./, '_')
    .slice(0, MAX_SEGMENT_CHARS);
  if (cleaned === lower && cleaned !== '') return cleaned;
  return `${cleaned || '_'}-${createHash('sha256').update(part).digest('hex').slice(0, 8)}`;
}

function pathOf(kind: string, namespace: string, name: string): string {
  return join(namespace ? safeSegment(namespace) : '_cluster', `${safeSegment(kind)}-${safeSegment(name)}.yaml`);
}

const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Namespace (empty for cluster-scoped objects) and name as the API server accepts them (DNS-1123 label and subdomain). */
function isKubernetesName(namespace: string, name: string): boolean {
  return (namespace === '' || NAMESPACE_NAME.test(namespace)) && OBJECT_NAME.test(name);
}

function identityOf(manifest: Record<string, unknown>): { kind: string; namespace: string; name: string } {
  const metadata = isRecord(manifest.metadata) ? manifest.metadata : {};
  return { kind: String(manifest.kind ?? 'object'), namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '', name: String(metadata.name ?? 'unnamed') };
}

/** Fix files for the unsuppressed findings that carry a fix, one file per object. */
export function buildFixManifests(findings: Finding[], snapshot: ClusterSnapshot): FixFile[] {
  const files = new Map<string, FixFile>();
  // Fix targets are a few kinds: only those are indexed, as for the engine's finding locations.
  const objects = new LazyObjectIndex(snapshot);
  for (const finding of findings) {
    if (finding.suppressed || !finding.fix) continue;
    const about = { ruleId: finding.ruleId, findingId: finding.findingId, message: finding.message };
    // A fix for an object the API server would refuse (a rootNamespace that is no namespace name...) helps nobody.
    const fixed = finding.fix.type === 'manifest' ? identityOf(finding.fix.manifest) : finding.fix.target;
    if (!isKubernetesName(fixed.namespace, fixed.name)) continue;
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
    const object = objects.get(target);
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
    `${GENERATED_HEADER} Review before applying.`,
    file.mode === 'apply'
      ? '# Apply: kubectl apply -f <this file>'
      : '# The object was not in the scan; apply as a merge patch: kubectl patch <kind> <name> -n <namespace> --type=merge --patch-file <this file>',
    ...file.fixes.map((fix) => `# Fixes ${fix.ruleId} (${fix.findingId}): ${fix.message.replace(/\s+/g, ' ')}`),
    ...removalCommands(file),
  ];
  return `${header.join('\n')}\n${stringify(file.manifest)}`;
}

/** The file in a fix folder that lists what the last run wrote there (a dot file: manifest readers skip it). */
export const FIX_INDEX_FILE = '.istio-isolation-scanner-fixes.json';
const GENERATED_HEADER = '# Generated by istio-isolation-scanner --write-fixes.';

export interface FixTreeFile {
  /** Relative path inside the fix folder, built from safe segments. */
  path: string;
  text: string;
}

export interface FixTreeResult {
  /** Absolute paths written. */
  written: string[];
  /** Absolute paths of fix files an earlier run wrote for objects that no longer need a fix, now removed. */
  removed: string[];
}

/** A relative path that stays inside its folder: no absolute path, no empty, `.` or `..` segment. */
function isContainedPath(path: string): boolean {
  if (path === '' || isAbsolute(path)) return false;
  return path.split(/[\\/]/).every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** The index lists one path a line per fix file written: more than this is not an index the scanner wrote. */
const MAX_FIX_INDEX_BYTES = 64 * 1024 * 1024;

function readFixIndex(dir: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readTextBounded(join(dir, FIX_INDEX_FILE), MAX_FIX_INDEX_BYTES));
  } catch {
    return [];
  }
  const files = isRecord(parsed) && Array.isArray(parsed.files) ? parsed.files : [];
  // The index is read back from disk: only paths that stay inside the folder are trusted.
  return files.filter((file): file is string => typeof file === 'string' && isContainedPath(file));
}

function writeFixIndex(dir: string, files: string[]): void {
  writeFileAtomically(join(dir, FIX_INDEX_FILE), `${JSON.stringify({ generatedBy: 'istio-isolation-scanner --write-fixes', files: [...new Set(files)].sort() }, null, 2)}\n`);
}

function isGeneratedFixFile(path: string): boolean {
  try {
    // Only the header is compared: a regular file's first bytes, nothing else (no FIFO, no device).
    if (!lstatSync(path).isFile()) return false;
    return readPrefix(path, Buffer.byteLength(GENERATED_HEADER)).toString('utf8') === GENERATED_HEADER;
  } catch {
    return false;
  }
}

/** Removes `folder` and its empty parents up to (not including) `root`. */
function removeEmptyFolders(folder: string, root: string): void {
  for (let current = folder; current !== root && isInside(current, root); current = dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
  }
}

/**
 * Writes fix files under `dir` and removes the ones an earlier run wrote that this run does not
 * (objects no longer needing a fix), using the index file of that run. Every file is written
 * through a temporary file and a rename, and the index lists the union of old and new files
 * until the old ones are gone, so an interrupted run leaves every file either the previous or
 * the new version and a later run still finds what to clean up. A listed file that no longer
 * starts with the generated header was taken over by someone and is left alone.
 */
export function writeFixTree(dir: string, files: FixTreeFile[]): FixTreeResult {
  for (const file of files) {
    const target = resolve(dir, file.path);
    if (!isContainedPath(file.path) || !isInside(target, resolve(dir))) throw new Error(`refusing to write fix file ${file.path} outside ${dir}`);
  }
  mkdirSync(dir, { recursive: true });
  const previous = readFixIndex(dir);
  const current = files.map((file) => file.path);
  writeFixIndex(dir, [...previous, ...current]);
  const written: string[] = [];
  for (const file of files) {
    const target = join(dir, file.path);
    writeFileAtomically(target, file.text);
    written.push(target);
  }
  const keep = new Set(current);
  const removed: string[] = [];
  for (const path of previous) {
    if (keep.has(path)) continue;
    const target = join(dir, path);
    if (!isGeneratedFixFile(target)) continue;
    rmSync(target, { force: true });
    removed.push(target);
    removeEmptyFolders(dirname(target), dir);
  }
  writeFixIndex(dir, current);
  return { written, removed };
}

/** One cluster's fix files under `dir` (see writeFixTree); returns the paths written. */
export async function writeFixes(findings: Finding[], snapshot: ClusterSnapshot, dir: string): Promise<string[]> {
  const files = buildFixManifests(findings, snapshot).map((file) => ({ path: file.path, text: renderFixFile(file) }));
  return writeFixTree(dir, files).written;
}
