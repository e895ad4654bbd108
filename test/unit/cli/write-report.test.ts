import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeReportFile, writeReportToStream } from '../../../src/cli/write-report.js';

const dir = mkdtempSync(join(tmpdir(), 'iis-write-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Chunks of varied sizes (empty, multi-byte, one larger than a write piece), about 3 MB in all. */
function chunks(): string[] {
  const out: string[] = [];
  for (let index = 0; index < 20_000; index += 1) out.push(index % 7 === 0 ? '' : `{"n":${index},"s":"é€😀${'x'.repeat(index % 300)}"}\n`);
  out.splice(10_000, 0, 'y'.repeat(1_500_000));
  return out;
}

describe('writing a streamed report', () => {
  it('writes a sync or async chunk stream byte for byte, whatever the chunk sizes', async () => {
    const expected = chunks().join('');
    const sync = join(dir, 'sync.json');
    await writeReportFile(sync, chunks());
    expect(readFileSync(sync, 'utf8')).toBe(expected);
    const asyncFile = join(dir, 'async.json');
    await writeReportFile(asyncFile, (async function* () { yield* chunks(); })());
    expect(readFileSync(asyncFile, 'utf8')).toBe(expected);
  });

  it('hands a stream the same text in fewer, larger pieces', async () => {
    const written: string[] = [];
    await writeReportToStream(chunks(), (text) => written.push(text));
    expect(written.join('')).toBe(chunks().join(''));
    expect(written.length).toBeGreaterThan(1);
    expect(written.length).toBeLessThan(10);
  });

  it('writes a report given as one string, and an empty stream as an empty file', async () => {
    const whole = join(dir, 'whole.json');
    await writeReportFile(whole, 'whole report\n');
    expect(readFileSync(whole, 'utf8')).toBe('whole report\n');
    const empty = join(dir, 'empty.json');
    await writeReportFile(empty, []);
    expect(readFileSync(empty, 'utf8')).toBe('');
  });
});
