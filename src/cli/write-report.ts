/**
 * Writes a rendered report to a file or to standard output. A file is written next to its
 * target under a temporary name and renamed into place when complete, so a reader (or an
 * interrupted run) never sees half a report and a previous report survives a failed write.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RenderedReport } from '../report/formats.js';
import { describeFsError } from '../snapshot/manifests.js';
import { UsageError } from './exit-codes.js';

/** Chunks handed to a write join into pieces of about this many characters. */
const WRITE_PIECE_CHARS = 1 << 20;

/**
 * The report's text in pieces of about WRITE_PIECE_CHARS: renderers stream a chunk or two per
 * finding, and one awaited file write per chunk (22,000 on the large fleet) cost more than
 * rendering them; a piece is still far below V8's string limit.
 */
async function* chunksOf(rendered: RenderedReport): AsyncGenerator<string> {
  if (typeof rendered === 'string') {
    yield rendered;
    return;
  }
  let pending: string[] = [];
  let length = 0;
  const add = (chunk: string): string | undefined => {
    pending.push(chunk);
    length += chunk.length;
    if (length < WRITE_PIECE_CHARS) return undefined;
    const piece = pending.join('');
    pending = [];
    length = 0;
    return piece;
  };
  // A synchronous renderer (JSON, SARIF...) is read without a promise per chunk.
  if (Symbol.iterator in rendered) {
    for (const chunk of rendered) {
      const piece = add(chunk);
      if (piece !== undefined) yield piece;
    }
  } else {
    for await (const chunk of rendered) {
      const piece = add(chunk);
      if (piece !== undefined) yield piece;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

export async function writeReportToStream(rendered: RenderedReport, write: (text: string) => void): Promise<void> {
  for await (const chunk of chunksOf(rendered)) write(chunk);
}

/** Throws UsageError naming the file when it cannot be written. */
export async function writeReportFile(target: string, rendered: RenderedReport): Promise<void> {
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(temporary, 'wx', 0o644);
    try {
      for await (const chunk of chunksOf(rendered)) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new UsageError(`cannot write the report to ${target}: ${describeFsError(error)}`);
  }
}
