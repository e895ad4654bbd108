/**
 * Finds and reads manifest files. Walks folders without recursion (any depth, any number of
 * files), reads symlinked files as kubectl does, reports links that leave the scanned folder,
 * loops and unreadable folders by their own path and goes on with the rest. Reads regular
 * files, FIFOs and devices named directly (`/dev/stdin`, `<(helm template ...)`) with a size
 * cap, never trusting a size the file system reports.
 */
import * as nodeFs from 'node:fs';
import { extname, join, sep } from 'node:path';

/** The file-system calls the walker makes; tests pass a faulty one to exercise errors root cannot provoke. */
export type ManifestFs = Pick<typeof nodeFs, 'statSync' | 'lstatSync' | 'readdirSync' | 'realpathSync' | 'openSync' | 'readSync' | 'closeSync' | 'fstatSync'>;

export const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Files that sit next to manifests in a cluster folder (demo fleet, CI checkouts) and are
 * usually not Kubernetes objects: ARM JSON, a MeshConfig, the scanner's configuration. Walking
 * a folder still reads them for Kubernetes objects, since `kubectl apply -R` would apply any
 * they hold (a ServiceEntry saved as mesh-config.yaml must not pass the gate unseen); what
 * holds no object there is passed over quietly, with a note naming the option that reads it.
 */
export const NON_MANIFEST_FILES = new Set(['aks-cluster.json', 'mesh-revision-profile.json', 'mesh-config.yaml', 'scanner-config.yaml']);

export interface WalkProblem {
  /** The path the problem is about, as walked (not resolved). */
  path: string;
  message: string;
}

/**
 * Version-control metadata folders: never manifests, and large. Every other hidden file and
 * folder is walked, because `kubectl apply -R -f` applies them too: a hidden manifest the gate
 * skipped would reach the cluster unchecked.
 */
export const VCS_FOLDERS = new Set(['.git', '.hg', '.svn']);

export interface WalkResult {
  files: string[];
  /** Files of `files` under a hidden name (`.github/`, `.gitlab-ci.yml`): tool configuration as often as manifests. */
  hiddenFiles: Set<string>;
  /** Side files (NON_MANIFEST_FILES) met in folders: also in `files`, read for Kubernetes objects only. */
  sideFiles: string[];
  problems: WalkProblem[];
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent of it is not a directory',
  ELOOP: 'too many levels of symbolic links',
};

/** A file-system error as a user reads it: "no such file or directory (ENOENT)". */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && FS_ERRORS[code]) return `${FS_ERRORS[code]} (${code})`;
  return code ?? (error as Error).message;
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

interface PendingEntry {
  path: string;
  /** Resolved path of the entry (the walk root's real path joined with names, or a symlink's target). */
  real: string;
  isDirectory: boolean;
  name: string;
  /** The entry or a folder above it (below the walk root) has a hidden name. */
  hidden: boolean;
}

/**
 * Manifest files under `root` (a file or anything that is not a folder is returned as is),
 * depth first in name order. A real file reached twice (through a symlink and directly) is
 * read once: the cluster would hold its objects once.
 */
export function walkManifestPaths(root: string, fs: ManifestFs = nodeFs): WalkResult {
  const result: WalkResult = { files: [], hiddenFiles: new Set(), sideFiles: [], problems: [] };
  let rootReal: string;
  try {
    if (!fs.statSync(root).isDirectory()) {
      result.files.push(root);
      return result;
    }
    rootReal = fs.realpathSync(root);
  } catch (error) {
    result.problems.push({ path: root, message: `cannot read ${root}: ${describeFsError(error)}` });
    return result;
  }
  const seenFiles = new Set<string>();
  const seenFolders = new Set<string>();
  const pending: PendingEntry[] = [{ path: root, real: rootReal, isDirectory: true, name: '', hidden: false }];
  while (pending.length > 0) {
    const entry = pending.pop()!;
    if (!entry.isDirectory) {
      if (seenFiles.has(entry.real)) continue;
      seenFiles.add(entry.real);
      if (NON_MANIFEST_FILES.has(entry.name)) result.sideFiles.push(entry.path);
      result.files.push(entry.path);
      if (entry.hidden) result.hiddenFiles.add(entry.path);
      continue;
    }
    if (seenFolders.has(entry.real)) continue;
    seenFolders.add(entry.real);
    let children: nodeFs.Dirent[];
    try {
      children = fs.readdirSync(entry.path, { withFileTypes: true });
    } catch (error) {
      result.problems.push({ path: entry.path, message: `cannot read folder ${entry.path}: ${describeFsError(error)}; the rest of ${root} is still scanned` });
      continue;
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const next: PendingEntry[] = [];
    for (const child of children) {
      if (VCS_FOLDERS.has(child.name)) continue;
      const hidden = entry.hidden || child.name.startsWith('.');
      const path = join(entry.path, child.name);
      const real = join(entry.real, child.name);
      if (child.isSymbolicLink()) {
        const followed = followLink(path, rootReal, fs, result);
        if (followed) next.push({ path, real: followed.real, isDirectory: followed.isDirectory, name: child.name, hidden });
      } else if (child.isDirectory()) {
        next.push({ path, real, isDirectory: true, name: child.name, hidden });
      } else if (child.isFile()) {
        if (hasManifestExtension(child.name)) next.push({ path, real, isDirectory: false, name: child.name, hidden });
      } else if (hasManifestExtension(child.name)) {
        // A FIFO or device met while walking could block the scan forever; named directly it is read.
        result.problems.push({ path, message: `skipped ${path}: not a regular file (name it directly to read it)` });
      }
    }
    for (let index = next.length - 1; index >= 0; index -= 1) pending.push(next[index]!);
  }
  return result;
}

function hasManifestExtension(name: string): boolean {
  return MANIFEST_EXTENSIONS.has(extname(name).toLowerCase());
}

/** Where a symlink met in a walk leads, or undefined (reported) when it must not be followed. */
function followLink(path: string, rootReal: string, fs: ManifestFs, result: WalkResult): { real: string; isDirectory: boolean } | undefined {
  let real: string;
  let isDirectory: boolean;
  try {
    real = fs.realpathSync(path);
    isDirectory = fs.statSync(real).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    result.problems.push({ path, message: code === 'ELOOP' ? `symbolic link ${path} is a loop; not followed` : `broken symbolic link ${path}: ${describeFsError(error)}` });
    return undefined;
  }
  if (!isInside(real, rootReal)) {
    if (isDirectory || hasManifestExtension(path)) result.problems.push({ path, message: `symbolic link ${path} leads outside the scanned folder (to ${real}); not followed` });
    return undefined;
  }
  if (isDirectory) {
    // A link to a folder that contains the link would be walked forever.
    if (isInside(fs.realpathSync(join(path, '..')), real)) {
      result.problems.push({ path, message: `symbolic link ${path} points to a folder that contains it (a loop); not followed` });
      return undefined;
    }
    return { real, isDirectory };
  }
  return hasManifestExtension(path) ? { real, isDirectory } : undefined;
}

export { InputTooLargeError, readBounded } from '../../read-bounded.js';
