/**
 * Offline sources: a set of manifest paths (`--manifests`), and the bundled demo fleet
 * (each folder of demo/ is one cluster, with optional aks-cluster.json and
 * mesh-revision-profile.json beside the manifests). Both end in assembleSnapshot.
 */
import { existsSync, readdirSync } from 'node:fs';
import { InputTooLargeError, readTextBounded } from '../read-bounded.js';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { meshRevisionProfileFromArm } from '../inventory/mesh-revision-profile.js';
import { assembleSnapshot } from './assemble.js';
import { describeFsError, loadManifests, MAX_ALIAS_COUNT, MAX_MANIFEST_FILE_BYTES, type ManifestFs } from './manifests.js';
import { SNAPSHOT_KINDS, type ClusterSnapshot, type CoverageEntry, type IstioVersion, type K8sObject, type MeshRevisionProfile, type SnapshotKind } from './types.js';
import { isRecord } from '../records.js';

/** A side file (mesh config, ARM JSON) that could not be used; the CLI turns it into exit code 2. */
export class InputFileError extends Error {}

/** The first line of a yaml error, in words a user can act on (no API names, no dangling colon). */
function yamlErrorSummary(error: Error): string {
  const first = (error.message.split('\n')[0] ?? '').replace(/:\s*$/, '');
  if (first.startsWith('Source contains multiple documents')) return `expected one YAML/JSON document, found several (separated by ---)${/ at line \d+/.exec(first)?.[0] ?? ''}`;
  return first;
}

/** Reads a small YAML or JSON file into a mapping, or throws InputFileError naming the file. */
export function readDocumentFile(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readTextBounded(path, MAX_MANIFEST_FILE_BYTES);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new InputFileError(`${what} ${path} is too large: ${error.message}`);
    throw new InputFileError(`cannot read ${what} ${path}: ${describeFsError(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new InputFileError(`cannot parse ${what} ${path}: ${yamlErrorSummary(error as Error)}`);
  }
  if (!isRecord(parsed)) throw new InputFileError(`${what} ${path} must be a YAML/JSON mapping`);
  return parsed;
}

/**
 * `--mesh-config FILE`: a MeshConfig document (the text of the `mesh` key), or a whole
 * ConfigMap whose `data.mesh` holds it (what `kubectl get cm istio -o yaml` prints).
 */
export function readMeshConfigFile(path: string): Record<string, unknown> {
  const document = readDocumentFile(path, 'mesh config');
  if (document.kind === 'ConfigMap' && isRecord(document.data) && typeof document.data.mesh === 'string') {
    try {
      const mesh = parseYaml(document.data.mesh, { maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
      if (isRecord(mesh)) return mesh;
      if (mesh === null) return {};
    } catch (error) {
      throw new InputFileError(`cannot parse data.mesh of ${path}: ${yamlErrorSummary(error as Error)}`);
    }
    throw new InputFileError(`data.mesh of ${path} must be a mapping`);
  }
  return document;
}

export function readMeshRevisionProfileFile(path: string): MeshRevisionProfile {
  const profile = meshRevisionProfileFromArm(readDocumentFile(path, 'mesh revision profile'));
  if (!profile) throw new InputFileError(`mesh revision profile ${path} has no properties.meshRevisions[] (expected the ARM meshRevisionProfiles GET body)`);
  return profile;
}

export interface OfflineOptions {
  clusterName?: string;
  meshConfigDocument?: Record<string, unknown>;
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: MeshRevisionProfile;
  istioVersion?: IstioVersion;
  fallbackIstioVersion?: IstioVersion;
  /** File names in findings and SARIF are relative to this directory. */
  baseDir?: string;
  /** Namespace of namespaced objects without metadata.namespace (`kubectl apply -n`); default `default`. */
  defaultNamespace?: string;
  /** Bytes of standard input, read for the path `-`. */
  stdin?: Buffer;
  /** File-system calls of the manifest walk (tests inject faults). */
  fs?: ManifestFs;
  /** Progress of the read: files read so far of the files found so far. */
  onFile?: (filesDone: number, filesFound: number) => void;
}

export interface OfflineSnapshot {
  snapshot: ClusterSnapshot;
  /**
   * False when the input held no Kubernetes object at all, valid or invalid: an empty folder,
   * only binary files, only unparseable text (exit code 2 rather than a report about nothing).
   */
  anythingRead: boolean;
  /** Side files (aks-cluster.json...) found in the folders and not read as manifests. */
  sideFiles: string[];
  /** Kubernetes objects read whose kinds the scanner does not evaluate (Gateway API routes, CRDs...), by kind. */
  notEvaluatedKinds: Map<string, number>;
}

/**
 * Offline coverage: the manifests are taken as the whole cluster, so a kind with objects is
 * 'read' and a kind without is 'not-collected' (no rule is blinded by an absent file, and
 * nothing claims a kind was read from an API that was never asked).
 */
function offlineCoverage(objects: K8sObject[]): Partial<Record<SnapshotKind, CoverageEntry>> {
  const counts = new Map<SnapshotKind, number>();
  for (const object of objects) counts.set(object.snapshotKind, (counts.get(object.snapshotKind) ?? 0) + 1);
  return Object.fromEntries(SNAPSHOT_KINDS.map((kind) => [kind, counts.has(kind) ? { status: 'read', objects: counts.get(kind) } : { status: 'not-collected' }]));
}

export function snapshotFromManifests(paths: string[], options: OfflineOptions = {}, source: ClusterSnapshot['source'] = 'manifests'): OfflineSnapshot {
  const loaded = loadManifests(paths, options.baseDir, { defaultNamespace: options.defaultNamespace, stdin: options.stdin, fs: options.fs, onFile: options.onFile });
  const clusterName = options.clusterName ?? (typeof options.aksCluster?.name === 'string' ? options.aksCluster.name : paths.length === 1 && paths[0] !== '-' ? basename(resolve(paths[0]!)) : paths.length === 1 ? 'stdin' : 'manifests');
  const resourceId = typeof options.aksCluster?.id === 'string' ? options.aksCluster.id : undefined;
  const snapshot = assembleSnapshot({
    cluster: {
      name: clusterName,
      resourceId,
      location: typeof options.aksCluster?.location === 'string' ? options.aksCluster.location : undefined,
      ...armScope(resourceId),
    },
    source,
    objects: loaded.objects,
    inputProblems: loaded.problems,
    coverage: offlineCoverage(loaded.objects),
    meshConfigDocument: options.meshConfigDocument,
    aksCluster: options.aksCluster,
    meshRevisionProfile: options.meshRevisionProfile,
    istioVersion: options.istioVersion,
    fallbackIstioVersion: options.fallbackIstioVersion,
  });
  // A problem that names a resource was a Kubernetes object (invalid, unknown version): that counts.
  const notEvaluatedKinds = new Map([...loaded.ignoredKinds].filter(([kind]) => kind !== '(no kind)'));
  // Objects of kinds the scanner does not evaluate were read all the same: a report (and an exit by the findings), not exit 2.
  const anythingRead = loaded.objects.length > 0 || notEvaluatedKinds.size > 0 || loaded.problems.some((problem) => problem.resource !== undefined);
  return { snapshot, anythingRead, sideFiles: loaded.sideFiles, notEvaluatedKinds };
}

/** Subscription and resource group from an ARM id (/subscriptions/S/resourceGroups/G/...). */
function armScope(resourceId: string | undefined): { subscriptionId?: string; resourceGroup?: string } {
  const match = resourceId ? /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(resourceId) : null;
  return match ? { subscriptionId: match[1], resourceGroup: match[2] } : {};
}

/** demo/ at the repository root (works from src/ under tsx and from dist/src/). */
export function demoFleetDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'demo');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new InputFileError('the bundled demo fleet (demo/) was not found next to package.json');
}

/** One snapshot per cluster folder of the demo fleet, in folder-name order. */
export function loadDemoFleet(options: Pick<OfflineOptions, 'istioVersion' | 'fallbackIstioVersion' | 'baseDir' | 'defaultNamespace'> = {}, dir: string = demoFleetDir()): OfflineSnapshot[] {
  const clusters = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  return clusters.map((name) => {
    const folder = join(dir, name);
    const aksPath = join(folder, 'aks-cluster.json');
    const profilePath = join(folder, 'mesh-revision-profile.json');
    return snapshotFromManifests(
      [folder],
      {
        ...options,
        clusterName: name,
        aksCluster: existsSync(aksPath) ? readDocumentFile(aksPath, 'AKS cluster') : undefined,
        meshRevisionProfile: existsSync(profilePath) ? readMeshRevisionProfileFile(profilePath) : undefined,
      },
      'demo',
    );
  });
}
