/**
 * `istio-isolation-scanner snapshot --kubeconfig FILE [--context NAME] --output cluster.json`:
 * reads a cluster (read-only, as `scan` does) and saves what the rules need, so CI can scan
 * changes against it offline without cluster credentials (`scan --against cluster.json`).
 * A folder or file of manifests (a `kubectl get -A -o yaml` dump) can be saved the same way.
 * Format and what is left out: src/snapshot/saved.ts, docs/ci.md "Saved snapshots".
 */
import { resolve } from 'node:path';
import { isUnreadable } from '../snapshot/coverage.js';
import { InputFileError, readDocumentFile, readMeshRevisionProfileFile, snapshotFromManifests } from '../snapshot/offline.js';
import { savedSnapshotChunks } from '../snapshot/saved.js';
import { SNAPSHOT_KINDS, type ClusterSnapshot } from '../snapshot/types.js';
import { SCANNER_VERSION } from '../version.js';
import { EXIT_OK, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { progressFor } from './progress.js';
import { STDOUT } from './outputs.js';
import { writeReportFile, writeReportToStream } from './write-report.js';

export interface SnapshotOptions {
  manifests?: string[];
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  allContexts?: boolean;
  output?: string;
  aksCluster?: string;
  meshRevisionProfile?: string;
  /** No progress on stderr. */
  quiet?: boolean;
}

async function liveSnapshot(options: SnapshotOptions, io: CliIo, side: Pick<ClusterSnapshot, 'aksCluster' | 'meshRevisionProfile'>): Promise<ClusterSnapshot> {
  const { snapshotsFromKubeconfig, KubeConfigError } = await import('../snapshot/live/index.js');
  const progress = progressFor(io, options.quiet);
  try {
    const [snapshot] = await snapshotsFromKubeconfig({
      kubeconfigPath: options.kubeconfig,
      context: options.context,
      onProgress: progress.live,
      onRetry: progress.retry,
      aksCluster: side.aksCluster,
      meshRevisionProfile: side.meshRevisionProfile,
    });
    return snapshot!;
  } catch (error) {
    if (error instanceof KubeConfigError) throw new UsageError(error.message);
    throw new UsageError(`cannot read the cluster: ${(error as Error).message}`);
  } finally {
    progress.finish();
  }
}

export async function runSnapshot(options: SnapshotOptions, io: CliIo): Promise<number> {
  if (!options.output) throw new UsageError('snapshot needs --output FILE (or --output - for stdout)');
  if (options.allContexts) throw new UsageError('a snapshot file holds one cluster: use --context NAME (or the current context), once per cluster');
  const live = Boolean(options.kubeconfig || options.context);
  if (live && options.manifests?.length) throw new UsageError('snapshot reads one source: --kubeconfig/--context or manifests');
  if (!live && !options.manifests?.length) throw new UsageError('snapshot needs a cluster (--kubeconfig FILE and/or --context NAME) or manifests to save');
  let side: Pick<ClusterSnapshot, 'aksCluster' | 'meshRevisionProfile'>;
  try {
    side = {
      aksCluster: options.aksCluster ? readDocumentFile(resolve(io.cwd, options.aksCluster), 'AKS cluster') : undefined,
      meshRevisionProfile: options.meshRevisionProfile ? readMeshRevisionProfileFile(resolve(io.cwd, options.meshRevisionProfile)) : undefined,
    };
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(error.message);
    throw error;
  }

  let snapshot: ClusterSnapshot;
  if (live) {
    snapshot = await liveSnapshot(options, io, side);
    const entries = SNAPSHOT_KINDS.map((kind) => snapshot.coverage[kind]).filter((entry) => entry !== undefined);
    // Nothing was read: a saved "empty cluster" would make every later scan look clean.
    if (entries.length > 0 && entries.every((entry) => isUnreadable(entry.status))) {
      throw new UsageError(`could not read cluster ${snapshot.cluster.name}: ${entries[0]!.error ?? entries[0]!.status}; nothing was saved`);
    }
    const unread = SNAPSHOT_KINDS.filter((kind) => isUnreadable(snapshot.coverage[kind]?.status));
    if (unread.length > 0) io.stderr(`warning: could not read ${unread.join(', ')}; the snapshot records it, and scans against it report scan-incomplete.\n`);
  } else {
    const offline = snapshotFromManifests(options.manifests!.map((path) => resolve(io.cwd, path)), { ...side, baseDir: io.cwd, defaultNamespace: options.namespace });
    if (!offline.anythingRead) throw new UsageError(`nothing could be read from ${options.manifests!.join(', ')}`);
    snapshot = offline.snapshot;
  }

  const chunks = savedSnapshotChunks(snapshot, new Date(), SCANNER_VERSION);
  const objects = SNAPSHOT_KINDS.reduce((sum, kind) => sum + snapshot.objects[kind].length, 0);
  if (options.output === STDOUT) await writeReportToStream(chunks, io.stdout);
  else await writeReportFile(resolve(io.cwd, options.output), chunks);
  io.stderr(`Saved a snapshot of ${snapshot.cluster.name} (${objects} object(s))${options.output === STDOUT ? '' : ` to ${options.output}`}.\n`);
  return EXIT_OK;
}
