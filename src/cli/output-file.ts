/**
 * Where the CLI may write: a report (`--output`) or a fix folder (`--write-fixes`) never
 * replaces or mixes with what the scan reads. Checked before the scan starts; the writing
 * itself goes through a temporary file and a rename (write-report.ts, report/write-file.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { isInside, realPathOf } from '../report/write-file.js';
import { UsageError } from './exit-codes.js';

/** What a scan reads from disk: files named directly (manifests, --config, --kubeconfig...) and manifest folders. */
export interface ScanInputs {
  files: string[];
  folders: string[];
}

/** Extensions the manifest reader reads in a folder (src/snapshot/manifests.ts). */
const MANIFEST_EXTENSION = new Set(['.yaml', '.yml', '.json']);

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** True when the folder walk of the manifest reader would read `file` under `folder` (no dot entries on the way). */
function readByFolderWalk(file: string, folder: string): boolean {
  if (!isInside(file, folder) || !MANIFEST_EXTENSION.has(extname(file).toLowerCase())) return false;
  return !relative(folder, file).split(sep).some((part) => part.startsWith('.'));
}

/** The same file on disk (hard links included), or the same real path. */
function sameFile(a: string, b: string): boolean {
  if (realPathOf(a) === realPathOf(b)) return true;
  const statA = statOrUndefined(a);
  const statB = statOrUndefined(b);
  return Boolean(statA && statB && statA.isFile() && statA.dev === statB.dev && statA.ino === statB.ino);
}

/**
 * Refuses a report target that cannot or must not be written: a directory, or a file the scan
 * reads (named directly, or a manifest inside a scanned folder). Call it before scanning.
 */
export function checkOutputTarget(target: string, inputs: ScanInputs, flag = '--output'): void {
  const stat = statOrUndefined(target);
  if (stat?.isDirectory()) throw new UsageError(`${flag} ${target} is a directory; give a file name`);
  const input = inputs.files.find((file) => sameFile(file, target));
  if (input) throw new UsageError(`${flag} ${target} is an input of this scan (${input}); writing the report there would destroy it. Choose another file.`);
  if (!stat) return;
  const real = realPathOf(target);
  const folder = inputs.folders.find((candidate) => readByFolderWalk(real, realPathOf(candidate)));
  if (folder) throw new UsageError(`${flag} ${target} is a manifest this scan reads (inside ${folder}); writing the report there would destroy it. Choose a file outside the scanned folders.`);
}

/** The first file under `folder` that the manifest reader would read, if any (dot entries skipped, links not followed). */
function firstManifestUnder(folder: string): string | undefined {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isFile() && MANIFEST_EXTENSION.has(extname(entry.name).toLowerCase())) return path;
    if (entry.isDirectory()) {
      const found = firstManifestUnder(path);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Refuses a `--write-fixes` folder that holds what the scan reads: an input file or folder
 * inside it, or (when it lies inside a scanned folder) manifests the scan just read. Fix files
 * written there would overwrite manifests, or be read back as cluster objects next time.
 */
export function checkFixFolder(dir: string, inputs: ScanInputs): void {
  const realDir = realPathOf(dir);
  if (statOrUndefined(dir)?.isFile()) throw new UsageError(`--write-fixes ${dir} is a file; give a folder`);
  for (const path of [...inputs.files, ...inputs.folders]) {
    if (isInside(realPathOf(path), realDir)) throw new UsageError(`--write-fixes ${dir} holds an input of this scan (${path}); fix files there could overwrite it. Choose a folder outside the scanned paths.`);
  }
  for (const folder of inputs.folders) {
    // A dot folder inside a scanned folder is not read by the folder walk.
    if (!isInside(realDir, realPathOf(folder)) || relative(realPathOf(folder), realDir).split(sep).some((part) => part.startsWith('.'))) continue;
    const manifest = firstManifestUnder(dir);
    if (manifest) throw new UsageError(`--write-fixes ${dir} lies inside the scanned folder ${folder} and holds manifests this scan read (${manifest}). Choose a folder outside the scanned paths.`);
  }
}
