/**
 * Test helpers for the prevention kit in policies/: read its YAML and render its
 * kustomize overlays, so tests check the files users apply.
 *
 * `renderKustomization` implements only the kustomize features the kit uses (there is no
 * kustomize binary here): `resources` (files and directories with a kustomization.yaml),
 * `namespace`, and `patches` that are either JSON 6902 operations (replace, add with
 * `-` append, remove) on a target selected by group/kind/name, or a strategic-merge
 * patch consisting of `$patch: delete`. Anything else throws, so a new kustomize feature
 * in the kit cannot be silently ignored by the tests.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const POLICIES_DIR = join(REPO_ROOT, 'policies');

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
};

/** Every YAML document of a file, in order (empty documents skipped). */
export function loadYamlFile(path: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as Manifest | null;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** All .yaml files under a directory, recursively, as paths relative to REPO_ROOT. */
export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listYamlFiles(path));
    else if (entry.endsWith('.yaml') || entry.endsWith('.yml')) out.push(relative(REPO_ROOT, path));
  }
  return out;
}

interface PatchTarget {
  group?: string;
  kind?: string;
  name?: string;
}

interface KustomizationFile {
  resources?: string[];
  namespace?: string;
  patches?: Array<{ target?: PatchTarget; patch?: string; path?: string }>;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

function matchesTarget(manifest: Manifest, target: PatchTarget): boolean {
  if (target.kind !== undefined && manifest.kind !== target.kind) return false;
  if (target.name !== undefined && manifest.metadata.name !== target.name) return false;
  if (target.group !== undefined && groupOf(manifest.apiVersion) !== target.group) return false;
  return true;
}

/** JSON pointer tokens (RFC 6901). */
function pointerTokens(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatchOp(document: unknown, operation: JsonPatchOp): void {
  const tokens = pointerTokens(operation.path);
  const last = tokens.pop();
  if (last === undefined) throw new Error(`unsupported patch path ${operation.path}`);
  let parent: unknown = document;
  for (const token of tokens) {
    const next: unknown = Array.isArray(parent) ? parent[Number(token)] : (parent as Record<string, unknown> | undefined)?.[token];
    if (next === undefined) throw new Error(`patch path ${operation.path} does not exist (at ${token})`);
    parent = next;
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (operation.op === 'add') parent.splice(index, 0, operation.value);
    else if (index >= parent.length) throw new Error(`patch path ${operation.path} does not exist`);
    else if (operation.op === 'replace') parent[index] = operation.value;
    else if (operation.op === 'remove') parent.splice(index, 1);
    else throw new Error(`unsupported patch op ${operation.op}`);
    return;
  }
  const record = parent as Record<string, unknown>;
  if (operation.op !== 'add' && !(last in record)) throw new Error(`patch path ${operation.path} does not exist`);
  if (operation.op === 'add' || operation.op === 'replace') record[last] = operation.value;
  else if (operation.op === 'remove') delete record[last];
  else throw new Error(`unsupported patch op ${operation.op}`);
}

/** Renders a kustomization directory the way `kubectl kustomize` would, for the features the kit uses. */
export function renderKustomization(dir: string): Manifest[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${relative(REPO_ROOT, dir)} has no kustomization.yaml`);
  const kustomization = parse(readFileSync(file, 'utf8')) as KustomizationFile;
  let manifests: Manifest[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = resolve(dir, resource);
    if (!existsSync(path)) throw new Error(`${relative(REPO_ROOT, file)}: resource ${resource} does not exist`);
    manifests.push(...(statSync(path).isDirectory() ? renderKustomization(path) : loadYamlFile(path)));
  }
  // Rendered copies, so patches never touch another overlay's objects.
  manifests = structuredClone(manifests);
  for (const entry of kustomization.patches ?? []) {
    if (entry.patch === undefined) throw new Error(`${relative(REPO_ROOT, file)}: only inline patches are supported`);
    const parsed = parse(entry.patch) as unknown;
    if (Array.isArray(parsed)) {
      if (!entry.target) throw new Error(`${relative(REPO_ROOT, file)}: a JSON 6902 patch needs a target`);
      const targets = manifests.filter((manifest) => matchesTarget(manifest, entry.target!));
      if (targets.length === 0) throw new Error(`${relative(REPO_ROOT, file)}: patch target ${JSON.stringify(entry.target)} matches nothing`);
      for (const manifest of targets) for (const operation of parsed as JsonPatchOp[]) applyJsonPatchOp(manifest, operation);
    } else {
      const smp = parsed as Manifest & { $patch?: string };
      if (smp.$patch !== 'delete') throw new Error(`${relative(REPO_ROOT, file)}: only "$patch: delete" strategic-merge patches are supported`);
      const before = manifests.length;
      manifests = manifests.filter((manifest) => !(manifest.kind === smp.kind && manifest.apiVersion === smp.apiVersion && manifest.metadata.name === smp.metadata.name));
      if (manifests.length === before) throw new Error(`${relative(REPO_ROOT, file)}: delete patch for ${smp.kind}/${smp.metadata.name} matches nothing`);
    }
  }
  if (kustomization.namespace) {
    for (const manifest of manifests) manifest.metadata.namespace = kustomization.namespace;
  }
  return manifests;
}

export function renderOverlay(relativeDir: string): Manifest[] {
  return renderKustomization(join(POLICIES_DIR, relativeDir));
}

export function findManifest(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered kit`);
  return found;
}

/** Substitutes the only Kyverno variable the generate rules use, as Kyverno does for a new Namespace. */
export function substituteNamespaceVariable<T>(value: T, namespace: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('{{request.object.metadata.name}}', namespace)) as T;
}

interface GenerateRule {
  name: string;
  generate?: { apiVersion: string; kind: string; name: string; namespace: string; data?: Record<string, unknown> };
}

/**
 * The objects the Kyverno generate rules of a rendered kit create for a new Namespace
 * `namespace` (what the background controller would write), in rule order.
 */
export function generatedObjectsFor(manifests: Manifest[], namespace: string): Manifest[] {
  const out: Manifest[] = [];
  for (const policy of manifests.filter((manifest) => manifest.kind === 'ClusterPolicy')) {
    const rules = ((policy.spec as { rules?: GenerateRule[] }).rules ?? []).filter((rule) => rule.generate);
    for (const rule of rules) {
      const generate = substituteNamespaceVariable(rule.generate!, namespace);
      const data = structuredClone(generate.data ?? {}) as { metadata?: Record<string, unknown> } & Record<string, unknown>;
      out.push({
        ...data,
        apiVersion: generate.apiVersion,
        kind: generate.kind,
        metadata: { ...(data.metadata ?? {}), name: generate.name, namespace: generate.namespace },
      });
    }
  }
  return out;
}
