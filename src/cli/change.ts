/**
 * `scan --manifests PR_DIR --against BASE`: the change (the scanned manifests, plus what
 * `--removed` and `--removed-object` delete) applied on top of a base cluster, either a saved
 * snapshot (`--against cluster.json`, read offline) or the live cluster of `--kubeconfig` /
 * `--context` (`--against` alone). The scan then compares the findings of the result with
 * those of the base.
 */
import { InputTooLargeError, readTextBounded } from '../read-bounded.js';
import { resolve } from 'node:path';
import { loadManifests, describeFsError } from '../snapshot/manifests.js';
import { overlaySnapshot, parseObjectReference, type ObjectReference } from '../snapshot/overlay.js';
import { MAX_SAVED_SNAPSHOT_BYTES, SavedSnapshotError, snapshotFromSaved, type LoadSavedOptions } from '../snapshot/saved.js';
import { isUnreadable } from '../snapshot/coverage.js';
import { SNAPSHOT_KINDS, type ClusterSnapshot, type IstioVersion } from '../snapshot/types.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

export interface ChangeOptions {
  manifests: string[];
  /** A saved snapshot file, or true for the live cluster of --kubeconfig / --context. */
  against: string | true;
  removed: string[];
  removedObjects: string[];
  defaultNamespace?: string;
  /** Standard input's bytes, when the change is read from `-` (`helm template ... | scan - --against ...`). */
  stdin?: Buffer;
  istioVersion?: IstioVersion;
  fallbackIstioVersion?: IstioVersion;
  meshConfigDocument?: Record<string, unknown>;
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: ClusterSnapshot['meshRevisionProfile'];
}

export interface ChangeRun {
  base: ClusterSnapshot;
  /** The base with the change applied. */
  changed: ClusterSnapshot;
  /** "snapshot cluster.json" or "live cluster <context>", for reports. */
  against: string;
  /** The saved snapshot's absolute path, when the base is one. */
  snapshotPath?: string;
}

/** Reads a saved snapshot file; every problem is a UsageError (exit 2) naming the file. */
export function readSavedSnapshotFile(path: string, options: Omit<LoadSavedOptions, 'name'>, shownAs: string): ClusterSnapshot {
  let text: string;
  try {
    text = readTextBounded(path, MAX_SAVED_SNAPSHOT_BYTES);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new UsageError(`snapshot ${shownAs} is too large: ${error.message}`);
    throw new UsageError(`cannot read snapshot ${shownAs}: ${describeFsError(error)}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`snapshot ${shownAs} is not JSON (${(error as Error).message}); a saved snapshot is the file \`istio-isolation-scanner snapshot --output FILE\` writes`);
  }
  try {
    return snapshotFromSaved(document, { ...options, name: shownAs });
  } catch (error) {
    if (error instanceof SavedSnapshotError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--removed-object` values: references, or `@FILE` naming a file of references (one a line, # comments). */
function objectReferences(values: string[], cwd: string): ObjectReference[] {
  const references: ObjectReference[] = [];
  for (const value of values) {
    const lines = value.startsWith('@') ? readReferenceList(resolve(cwd, value.slice(1)), value.slice(1)) : [value];
    for (const line of lines) {
      const reference = parseObjectReference(line);
      if (!reference) throw new UsageError(`--removed-object ${line}: expected Kind/namespace/name (Kind/name for cluster-scoped kinds), e.g. ServiceEntry/team-a/stripe or ServiceEntry.networking.istio.io/team-a/stripe`);
      references.push(reference);
    }
  }
  return references;
}

/** A --removed-object @FILE list: a line per object, so a few MiB is already hundreds of thousands. */
const MAX_REFERENCE_LIST_BYTES = 16 * 1024 * 1024;

function readReferenceList(path: string, shownAs: string): string[] {
  try {
    return readTextBounded(path, MAX_REFERENCE_LIST_BYTES)
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
  } catch (error) {
    throw new UsageError(`cannot read --removed-object list ${shownAs}: ${describeFsError(error)}`);
  }
}

export async function loadChange(options: ChangeOptions, liveBase: () => Promise<ClusterSnapshot>, io: CliIo): Promise<ChangeRun> {
  const cwd = io.cwd;
  const loadOptions = { istioVersion: options.istioVersion, fallbackIstioVersion: options.fallbackIstioVersion, meshConfigDocument: options.meshConfigDocument, aksCluster: options.aksCluster, meshRevisionProfile: options.meshRevisionProfile };
  let base: ClusterSnapshot;
  let against: string;
  let snapshotPath: string | undefined;
  if (options.against === true) {
    base = await liveBase();
    against = `live cluster ${base.cluster.name}`;
    // Nothing read: a change compared with an empty cluster would look harmless.
    const entries = SNAPSHOT_KINDS.map((kind) => base.coverage[kind]).filter((entry) => entry !== undefined);
    if (entries.length > 0 && entries.every((entry) => isUnreadable(entry.status))) {
      throw new UsageError(`could not read the base cluster ${base.cluster.name}: ${entries[0]!.error ?? entries[0]!.status}; the change was not judged`);
    }
  } else {
    snapshotPath = resolve(cwd, options.against);
    base = readSavedSnapshotFile(snapshotPath, loadOptions, options.against);
    against = `snapshot ${options.against}`;
  }

  const change = loadManifests(options.manifests.map((path) => (path === '-' ? path : resolve(cwd, path))), cwd, { defaultNamespace: options.defaultNamespace, stdin: options.stdin });
  const removed = loadManifests(options.removed.map((path) => resolve(cwd, path)), cwd, { defaultNamespace: options.defaultNamespace });
  // A removed file that cannot be read would silently keep its objects in the cluster.
  if (removed.problems.length > 0) throw new UsageError(`--removed: ${removed.problems.slice(0, 3).map((problem) => problem.message).join('; ')}`);
  const references = objectReferences(options.removedObjects, cwd);
  const changeReadSomething = change.objects.length > 0 || change.problems.some((problem) => problem.resource !== undefined);
  if (!changeReadSomething && removed.objects.length === 0 && references.length === 0) {
    const why = change.problems.slice(0, 3).map((problem) => problem.message).join('; ') || 'no Kubernetes objects there';
    throw new UsageError(`the change is empty: nothing could be read from ${options.manifests.join(', ') || '(no manifests)'} (${why}) and nothing is removed`);
  }

  const overlay = overlaySnapshot(base, { objects: change.objects, problems: change.problems, removedObjects: removed.objects, removedReferences: references, appliedAt: new Date() }, loadOptions);
  io.stderr(`Applied the change to ${against}: ${overlay.added} object(s) added, ${overlay.replaced} replaced, ${overlay.removed} removed.\n`);
  for (const missing of overlay.notFound) io.stderr(`warning: ${missing} is listed as removed but is not in ${against}.\n`);
  return { base, changed: overlay.snapshot, against, snapshotPath };
}
