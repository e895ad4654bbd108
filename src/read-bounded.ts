/**
 * Reads a whole file (regular, FIFO or device) up to a limit, never trusting the size the file
 * system reports: `/dev/zero` or a pipe named as an input would otherwise be read until the
 * process runs out of memory. Every file a user names (manifests, saved snapshots, baselines,
 * configuration, side inputs) is read through here.
 */
import * as nodeFs from 'node:fs';

/** The file-system calls a bounded read makes; tests pass a faulty one. */
export type ReadFs = Pick<typeof nodeFs, 'openSync' | 'readSync' | 'closeSync' | 'fstatSync'>;

export class InputTooLargeError extends Error {}

/**
 * Reads a whole file (regular, FIFO or device) up to `limit` bytes. Throws InputTooLargeError
 * beyond it, without reading the rest.
 */
export function readBounded(path: string, limit: number, fs: ReadFs = nodeFs): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.isFile() && stat.size > limit) throw new InputTooLargeError(`${stat.size} bytes exceeds the ${limit}-byte limit`);
    return readFd(fd, limit, fs, stat.isFile() ? stat.size : 0);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reused for reads of unknown length (pipes) and the end-of-file probe: no allocation per file. */
const scratch = Buffer.allocUnsafeSlow(64 * 1024);

function readFd(fd: number, limit: number, fs: ReadFs, expectedSize: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  if (expectedSize > 0 && expectedSize <= limit) {
    // A regular file: one buffer of its size, filled by as many reads as it takes.
    const whole = Buffer.allocUnsafe(expectedSize);
    while (total < expectedSize) {
      const read = fs.readSync(fd, whole, total, expectedSize - total, null);
      if (read === 0) break;
      total += read;
    }
    chunks.push(whole.subarray(0, total));
    if (total < expectedSize) return chunks[0]!;
  }
  for (;;) {
    const read = fs.readSync(fd, scratch, 0, scratch.length, null);
    if (read === 0) break;
    total += read;
    if (total > limit) throw new InputTooLargeError(`more than ${limit} bytes (the limit)`);
    chunks.push(Buffer.from(scratch.subarray(0, read)));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** readBounded as UTF-8 text. */
export function readTextBounded(path: string, limit: number, fs: ReadFs = nodeFs): string {
  return readBounded(path, limit, fs).toString('utf8');
}

/** The first `bytes` bytes of a file (fewer when it is shorter), without reading the rest. */
export function readPrefix(path: string, bytes: number, fs: ReadFs = nodeFs): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    let total = 0;
    while (total < bytes) {
      const read = fs.readSync(fd, buffer, total, bytes - total, null);
      if (read === 0) break;
      total += read;
    }
    return buffer.subarray(0, total);
  } finally {
    fs.closeSync(fd);
  }
}
