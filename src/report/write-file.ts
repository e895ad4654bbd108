/**
 * Writing output files without losing data. A file is written under a temporary name in
 * its own folder and renamed over the target only once complete, so a run that fails or is
 * interrupted half-way leaves the previous file intact (rename within one file system is
 * atomic). Content may be one string or a stream of chunks (large JSON reports), so no
 * output has to fit in a single JavaScript string.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Chunks are gathered up to this size before each write (fewer system calls for small pieces). */
const WRITE_BUFFER_BYTES = 1 << 20;

/** Writes `content` to `target` through a temporary file and a rename. Throws the file system error. */
export function writeFileAtomically(target: string, content: string | Iterable<string>): void {
  mkdirSync(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx');
  let closed = false;
  try {
    let pending: string[] = [];
    let pendingLength = 0;
    const flush = () => {
      if (pending.length === 0) return;
      writeAll(fd, Buffer.from(pending.join(''), 'utf8'));
      pending = [];
      pendingLength = 0;
    };
    for (const chunk of typeof content === 'string' ? [content] : content) {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= WRITE_BUFFER_BYTES) flush();
    }
    flush();
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    renameSync(temporary, target);
  } catch (error) {
    if (!closed) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
}

/**
 * The real path of `path` with symbolic links resolved, also when it does not exist yet (its
 * nearest existing ancestor is resolved and the rest appended), so two spellings of one file
 * compare equal.
 */
export function realPathOf(path: string): string {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      missing.push(basename(current));
      current = parent;
    }
  }
}

/** True when `path` is `folder` or lies inside it (both already resolved). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
