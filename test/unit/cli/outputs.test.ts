/**
 * The pieces behind safe outputs (the scenarios are in test/reliability/output-faults.test.ts):
 * one safe file name per hostile name, no fix path outside its folder, whole-file writes from a
 * stream of chunks, bounded lists with exact counts, and the streamed JSON report equal to the
 * document it stands for.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { boundedEvidence, boundedMatrix, MAX_LISTED_ITEMS } from '../../../src/report/bounded.js';
import { safeSegment, writeFixTree } from '../../../src/report/fixes.js';
import { buildJsonReport, renderJsonChunks } from '../../../src/report/json.js';
import { writeFileAtomically } from '../../../src/report/write-file.js';
import { sampleResult } from '../../integration/log-analytics/fixtures.js';

describe('fix file names', () => {
  it('names that try to leave the folder become safe, distinct file names', () => {
    expect(safeSegment('tenant-a')).toBe('tenant-a');
    expect(safeSegment('Sidecar')).toBe('sidecar');
    for (const hostile of ['..', '.', '../../etc', '.hidden', '', 'a/b', 'C:\\x', '\u0000', 'x'.repeat(300), '..\\..']) {
      const segment = safeSegment(hostile);
      expect(segment).toMatch(/^[a-z0-9_][a-z0-9._-]*$/);
      expect(segment).not.toContain('..');
      expect(segment.length).toBeLessThanOrEqual(120);
    }
    expect(safeSegment('a/b')).not.toBe(safeSegment('a_b'));
    expect(safeSegment('..')).not.toBe(safeSegment('__'));
  });

  it('refuses a fix path with a `..` segment or an absolute path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-fixtree-'));
    for (const path of ['../outside.yaml', 'a/../../outside.yaml', '/tmp/outside.yaml', './x.yaml']) {
      expect(() => writeFixTree(join(dir, 'fixes'), [{ path, text: 'x' }])).toThrow(/outside/);
    }
    expect(existsSync(join(dir, 'outside.yaml'))).toBe(false);
  });
});

describe('whole-file writes', () => {
  it('writes streamed chunks in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-atomic-'));
    writeFileAtomically(
      join(dir, 'out', 'big.txt'),
      (function* () {
        for (let i = 0; i < 5000; i++) yield `${i}\n`;
      })(),
    );
    expect(readFileSync(join(dir, 'out', 'big.txt'), 'utf8').split('\n')[4999]).toBe('4999');
  });
});

describe('bounded lists', () => {
  const long = Array.from({ length: 120 }, (_, i) => `ns-${i}`);

  it('cuts every list of the evidence, nested ones too, keeping exact counts', () => {
    const evidence = boundedEvidence({ foreignOwners: long, foreignOwnerCount: 120, kinds: ['Pod'], scopes: [{ foreignOwners: long }], note: 'x' });
    expect(evidence.foreignOwners).toHaveLength(MAX_LISTED_ITEMS);
    expect(evidence).toMatchObject({ foreignOwnerCount: 120, foreignOwnersTruncated: true, kinds: ['Pod'], note: 'x' });
    expect(evidence).not.toHaveProperty('kindsTruncated');
    expect((evidence.scopes as Array<Record<string, unknown>>)[0]).toMatchObject({ foreignOwnerCount: 120, foreignOwnersTruncated: true });
  });

  it('cuts exposure matrix rows and counts them', () => {
    expect(boundedMatrix({ a: long, b: ['x'] })).toEqual({ rows: { a: long.slice(0, MAX_LISTED_ITEMS), b: ['x'] }, counts: { a: 120, b: 1 } });
  });
});

describe('streamed JSON report', () => {
  it('is byte for byte the document JSON.stringify would write', () => {
    const result = sampleResult(25);
    for (const report of [
      { scanId: 's', scanner: { version: '1' }, clusters: [] },
      { scanId: 's', scanner: { version: '1' }, clusters: [result] },
      { scanId: 's', scanner: { version: '1' }, clusters: [result, { ...result, findings: [] }], failOn: 'high' as const },
    ]) {
      expect([...renderJsonChunks(report)].join('')).toBe(`${JSON.stringify(buildJsonReport(report), null, 2)}\n`);
    }
  });
});
