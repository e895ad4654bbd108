/** The terminal table fits its width, hints a fix per finding, summarises fleets and keeps the exposure matrix sparse. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TABLE_WIDTH, fixHint, MAX_EXPOSURE_ROWS, renderExposureMatrix, renderTable } from '../../../src/report/render/table.js';
import { displayWidth, firstSentence, wrap } from '../../../src/report/render/text.js';
import type { ScanReport } from '../../../src/report/types.js';
import { clusterResult, finding, sampleReport } from './fixtures.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+(;\d+)*m/g;

function widest(text: string): number {
  return Math.max(...text.split('\n').map((line) => displayWidth(line.replace(ANSI, ''))));
}

const longHost = `${'a'.repeat(240)}.example.com`;
const wideReport: ScanReport = {
  ...sampleReport,
  clusters: [
    clusterResult([
      finding({
        message: `ServiceEntry tenant-a/payments declares ${longHost} and is visible in every namespace, including ${Array.from({ length: 30 }, (_, i) => `tenant-${i}`).join(', ')}.`,
        source: { file: `deeply/${'nested/'.repeat(30)}manifest.yaml`, line: 4 },
        remediation: `Set spec.exportTo explicitly, normally ["."] (own namespace only), or list the namespaces that consume it; ${'then review it. '.repeat(20)}`,
      }),
    ]),
  ],
};

describe('terminal width', () => {
  it.each([60, 80, 100, 132])('keeps every line within %i columns, long hostnames and paths included', (width) => {
    expect(widest(renderTable(wideReport, { color: false, width }))).toBeLessThanOrEqual(width);
    expect(widest(renderTable(wideReport, { color: true, width }))).toBeLessThanOrEqual(width);
  });

  it('uses 100 columns when no width is given (not a terminal)', () => {
    expect(DEFAULT_TABLE_WIDTH).toBe(100);
    const text = renderTable(wideReport, { color: false });
    expect(widest(text)).toBeLessThanOrEqual(100);
    expect(widest(text)).toBeGreaterThan(90);
  });

  it('wraps at blanks, keeps the two-space column gaps and cuts only words longer than a line', () => {
    expect(wrap('rule  ns  Kind ns/name', 80, '  ', '')).toEqual(['rule  ns  Kind ns/name']);
    expect(wrap('one two three four', 12, '  ', '')).toEqual(['one two', '  three four']);
    const cut = wrap('x'.repeat(25), 12, '  ', '');
    expect(cut.every((line) => line.length <= 12)).toBe(true);
    expect(cut.join('').replace(/ /g, '')).toBe('x'.repeat(25));
  });
});

describe('fix hint', () => {
  it('is one line: the first sentence of the remediation, cut to the width, marking fixes --write-fixes can write', () => {
    const hint = fixHint(wideReport.clusters[0]!.findings[0]!, 60);
    expect(hint.startsWith('fix: Set spec.exportTo explicitly')).toBe(true);
    expect(hint.endsWith('[--write-fixes]')).toBe(true);
    expect(displayWidth(hint)).toBeLessThanOrEqual(60);
    expect(fixHint(finding({ remediation: 'Restrict the grant. Then audit it.', fix: undefined }), 80)).toBe('fix: Restrict the grant.');
  });

  it('does not end the sentence inside a hostname or file name', () => {
    expect(firstSentence('Remove api.stripe.com from team-a/se.yaml. Then re-run.')).toBe('Remove api.stripe.com from team-a/se.yaml.');
  });

  it('follows every finding in the table', () => {
    const text = renderTable(sampleReport, { color: false });
    expect(text.match(/^ {6}fix: /gm)).toHaveLength(2);
  });
});

describe('fleet summary', () => {
  it('appears when several clusters were scanned, with a row per cluster and the totals', () => {
    const report: ScanReport = { ...sampleReport, clusters: [clusterResult([finding({})], 'aks-a'), { ...clusterResult([finding({ severity: 'critical' })], 'aks-b'), record: { ...clusterResult([], 'aks-b').record, status: 'failed' } }] };
    const text = renderTable(report, { color: false });
    const summary = text.slice(text.indexOf('Fleet: 2 clusters'));
    expect(summary).toContain('(1 succeeded, 0 partial, 1 failed)');
    expect(summary).toMatch(/aks-a\s+succeeded\s+0\s+1\s+0\s+0\s+0\s+0/);
    expect(summary).toMatch(/aks-b\s+failed\s+1\s+0/);
    expect(summary).toMatch(/total\s+1\s+1\s+0\s+0\s+0\s+0/);
  });

  it('is left out for a single cluster', () => {
    expect(renderTable(sampleReport, { color: false })).not.toContain('Fleet:');
  });
});

describe('sparse exposure matrix', () => {
  it('has rows only for importing namespaces and columns only for imported owners', () => {
    const lines = renderExposureMatrix({ 'tenant-b': ['tenant-a'] });
    expect(lines[0]).toMatch(/importing namespace \| tenant-a$/);
    expect(lines).toHaveLength(3);
  });

  it('becomes a bounded list with exact counts when 3,000 namespaces all import each other', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `tenant-${String(i).padStart(4, '0')}`);
    // One shared owner list (self included) keeps the fixture cheap; the renderer does not care.
    const matrix = Object.fromEntries(names.map((name) => [name, names]));
    const lines = renderExposureMatrix(matrix, undefined, 100);
    expect(lines.length).toBeLessThanOrEqual(MAX_EXPOSURE_ROWS + 2);
    expect(lines[0]).toContain('(3,000 importing, 3,000 imported from)');
    expect(lines[1]).toMatch(/^ {4}tenant-0000 <- tenant-0000, tenant-0001, .* and 2,9\d\d more$/);
    expect(lines.at(-1)).toContain(`and ${(3000 - MAX_EXPOSURE_ROWS).toLocaleString('en-US')} more importing namespace(s)`);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(100);
    // Linear, not quadratic: the whole text is a few kilobytes.
    expect(lines.join('\n').length).toBeLessThan(10_000);
  });

  it('switches to the list when the grid would be wider than the terminal', () => {
    const owners = Array.from({ length: 12 }, (_, i) => `owner-namespace-${i}`);
    expect(renderExposureMatrix({ 'tenant-b': owners }, undefined, 300)[0]).toContain('| owner-namespace-0 |');
    expect(renderExposureMatrix({ 'tenant-b': owners }, undefined, 80)[1]).toMatch(/^ {4}tenant-b <- owner-namespace-0, /);
  });
});
