import { describe, expect, it } from '@jest/globals';
import { escapeCell, renderMarkdown } from '../../../src/report/markdown.js';
import { renderExposureMatrix, renderTable } from '../../../src/report/render/table.js';
import { clusterResult, sampleReport } from './fixtures.js';

const ESC = String.fromCharCode(27);

describe('table', () => {
  it('groups by cluster and severity, lists suppressed findings apart and shows the matrix', () => {
    const text = renderTable(sampleReport, { color: false });
    expect(text).not.toContain(ESC);
    const critical = text.indexOf('CRITICAL (1)');
    const high = text.indexOf('HIGH (1)');
    const suppressed = text.indexOf('SUPPRESSED (1)');
    expect(critical).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(critical);
    expect(suppressed).toBeGreaterThan(high);
    expect(text).toContain('Cluster aks-prod-1');
    expect(text).toContain('demo/contaminated/tenant-a.yaml:12');
    expect(text).toContain('      suppressed: quota managed by platform team (TICKET-42)');
    expect(text).toMatch(/tenant-b\s+\| X\s+\| X/);
    expect(text).toContain('Summary: 1 critical, 1 high, 0 medium, 0 low, 0 info, 1 suppressed');
  });

  it('uses colours only when asked', () => {
    expect(renderTable(sampleReport, { color: true })).toContain(`${ESC}[`);
  });

  it('says so when nothing is exposed', () => {
    expect(renderExposureMatrix({})).toEqual(['  No tenant namespace imports configuration owned by another tenant.']);
    expect(renderTable({ ...sampleReport, clusters: [clusterResult([])] }, { color: false })).toContain('No unsuppressed findings.');
  });
});

describe('markdown', () => {
  it('renders a PR comment with escaped cells, suppressed findings and the matrix', () => {
    const text = renderMarkdown(sampleReport, { docsBaseUrl: 'https://github.com/example/scanner' });
    expect(text).toContain('## Istio isolation scan');
    expect(text).toContain('| critical | high | medium | low | info |');
    expect(text).toContain('| 1 | 1 | 0 | 0 | 0 |');
    expect(text).toContain('api.example.com \\| pipes \\<b\\>and\\</b\\> markup');
    expect(text).toContain('[`exportto-missing`](https://github.com/example/scanner/blob/main/docs/rules/exportto-missing.md)');
    expect(text).toContain('<details><summary>1 suppressed finding(s)</summary>');
    expect(text).toContain('| tenant-b | tenant-a, tenant-c |');
  });

  it('escapes table-breaking characters', () => {
    expect(escapeCell('a|b\nc')).toBe('a\\|b\\\\nc');
  });
});
