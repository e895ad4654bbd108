/** The HTML report without a browser: self-contained, escaped, pinned by its CSP, bounded. */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { escapeHtml, MAX_HTML_FINDINGS, renderHtml } from '../../../src/report/html/render.js';
import { layoutExposureGraph, MAX_DRAWN_EDGES, MAX_DRAWN_NODES, selectDrawn } from '../../../src/report/html/layout.js';
import { exposureGraphOf } from '../../../src/report/exposure-graph.js';
import type { ScanReport } from '../../../src/report/types.js';
import { clusterResult, finding, sampleReport } from './fixtures.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

describe('self-contained page', () => {
  it('loads nothing from anywhere and pins its own style and script by hash', async () => {
    const html = await renderHtml(sampleReport, { docsBaseUrl: 'https://github.com/example/scanner' });
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(policy).toContain("default-src 'none'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(policy).toContain(`style-src 'sha256-${sha256(style)}'`);
    expect(policy).toContain(`script-src 'sha256-${sha256(script)}'`);
    // No resource is fetched: no src attributes, no stylesheet links, no url() in CSS but the SVG's own markers.
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/<link\b/);
    expect(style).not.toMatch(/url\(|@import/);
    expect(script).not.toMatch(/fetch|XMLHttpRequest|import\(|https?:/);
    // The only links out are rule documentation, opened without referrer or opener.
    for (const [, href] of html.matchAll(/href="([^"#][^"]*)"/g)) expect(href).toMatch(/^https:\/\/github\.com\/example\/scanner\/blob\/main\/docs\/rules\/[a-z0-9-]+\.md$/);
  });

  it('has a summary per cluster and for the fleet, every finding, and marks the suppressed ones', async () => {
    const html = await renderHtml({ ...sampleReport, clusters: [clusterResult(sampleReport.clusters[0]!.findings, 'aks-a'), clusterResult([], 'aks-b')] });
    expect(html).toContain('<section id="fleet">');
    expect(html.match(/<section class="cluster"/g)).toHaveLength(2);
    expect(html.match(/<details class="finding/g)).toHaveLength(3);
    expect(html).toMatch(/<details class="finding sev-low suppressed"[^>]*data-suppressed="true"/);
    expect(html).toContain('<span class="badge">suppressed</span>');
    expect(html).toContain('quota managed by platform team (TICKET-42)');
  });
});

describe('hostile names', () => {
  const evil = `</script><script>alert(1)</script><img src=x onerror=alert(2)>"' onmouseover="x`;
  const report: ScanReport = {
    scanId: evil,
    scanner: { version: evil },
    clusters: [
      {
        ...clusterResult([finding({ ruleId: 'namespace-imports-foreign-config', namespace: evil, message: evil, evidence: { foreignOwners: [`o${evil}`], evil }, suppressed: true, suppressionReason: evil, source: { file: evil, line: 1 } })], evil),
        tenantNamespaceNames: [evil, `o${evil}`],
      },
    ],
  };
  report.clusters[0]!.record.error = evil;
  report.clusters[0]!.record.meshMode = evil;

  it('never appear as markup: one script element, no img, no injected attribute', async () => {
    const html = await renderHtml(report, { docsBaseUrl: 'https://github.com/example/scanner' });
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    // Input '<', '>' and '"' are escaped, so every tag is the renderer's and ends at its own '>':
    // each is well formed (name, then name="value" attributes) and none has an event handler.
    const tags = html.match(/<[a-zA-Z][^>]*>/g)!;
    for (const tag of tags) {
      expect(tag).toMatch(/^<[a-zA-Z][a-zA-Z0-9-]*(\s+[a-zA-Z][a-zA-Z0-9:-]*(="[^"]*")?)*\s*>$/);
      const names = [...tag.replace(/="[^"]*"/g, '').matchAll(/\s([a-zA-Z:-]+)/g)].map((match) => match[1]!.toLowerCase());
      expect(names.filter((name) => name.startsWith('on'))).toEqual([]);
    }
    expect(html).toContain(escapeHtml(evil));
  });

  it('escapes the five HTML specials and replaces control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>\u0000\u001b`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;\ufffd\ufffd');
  });
});

describe('graph', () => {
  it('draws every tenant namespace of the cluster as a node, exposed or not', async () => {
    const cluster = { ...clusterResult([finding({ ruleId: 'namespace-imports-foreign-config', namespace: 'b', evidence: { foreignOwners: ['a'] } })]), tenantNamespaceNames: ['a', 'b', 'c', 'd'] };
    const html = await renderHtml({ ...sampleReport, clusters: [cluster] });
    expect([...html.matchAll(/<g class="node tenant[^"]*" data-ns="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(html).toMatch(/<path class="edge sev-high kind-imports" d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+"[^>]*data-from="a" data-to="b"/);
  });

  it('lays out the same input the same way', async () => {
    const graph = exposureGraphOf([finding({ ruleId: 'namespace-imports-foreign-config', namespace: 'b', evidence: { foreignOwners: ['a', 'c'] } })], ['a', 'b', 'c']);
    expect(await layoutExposureGraph(graph)).toEqual(await layoutExposureGraph(graph));
  });

  it('keeps nodes apart', async () => {
    const owners = Array.from({ length: 12 }, (_, i) => `owner-${i}`);
    const findings = Array.from({ length: 30 }, (_, i) => finding({ ruleId: 'namespace-imports-foreign-config', namespace: `tenant-${i}`, evidence: { foreignOwners: owners.filter((_, j) => (i + j) % 3 === 0) } }));
    const layout = await layoutExposureGraph(exposureGraphOf(findings, [...owners, ...Array.from({ length: 40 }, (_, i) => `tenant-${i}`)]));
    expect(layout.nodes).toHaveLength(52);
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap).toBe(false);
      }
      expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('lays out 300 namespaces readably: all drawn, none overlapping, roughly as wide as tall, the exposed ones first', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `team-${String(i).padStart(3, '0')}`);
    const findings = names.flatMap((name, i) =>
      i % 3 === 0 ? [finding({ findingId: i.toString(16).padStart(32, '0'), ruleId: 'namespace-imports-foreign-config', namespace: name, evidence: { foreignOwners: [names[i % 7]!] } })] : [],
    );
    const layout = await layoutExposureGraph(exposureGraphOf(findings, names));
    expect(layout.nodes.filter((node) => node.tenant)).toHaveLength(300);
    const sorted = [...layout.nodes].sort((a, b) => a.x - b.x);
    for (const [index, a] of sorted.entries()) {
      for (const b of sorted.slice(index + 1)) {
        if (b.x >= a.x + a.width) break;
        expect(a.y < b.y + b.height && b.y < a.y + a.height).toBe(false);
      }
    }
    expect(layout.width / layout.height).toBeGreaterThan(0.4);
    expect(layout.width / layout.height).toBeLessThan(4);
    // Namespaces on an edge come first (the top rows), those that reach nobody and are reached by nobody after them.
    const onEdge = new Set(layout.edges.flatMap(({ edge }) => [edge.from, edge.to]));
    const top = Math.min(...layout.nodes.map((node) => node.y));
    expect(layout.nodes.some((node) => node.y === top && onEdge.has(node.namespace))).toBe(true);
    const meanY = (nodes: typeof layout.nodes) => nodes.reduce((sum, node) => sum + node.y, 0) / nodes.length;
    expect(meanY(layout.nodes.filter((node) => onEdge.has(node.namespace)))).toBeLessThan(meanY(layout.nodes.filter((node) => !onEdge.has(node.namespace))));
  });

  it('bounds what it lays out, most severe edges first, and counts the rest', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `tenant-${i}`);
    const findings = names.map((name, i) => finding({ ruleId: 'namespace-imports-foreign-config', namespace: name, findingId: i.toString(16).padStart(32, '0'), evidence: { foreignOwners: [names[(i + 1) % 3000]!, names[(i + 2) % 3000]!] } }));
    findings.push(finding({ ruleId: 'serviceentry-shadows-service', severity: 'critical', namespace: 'tenant-2999', evidence: { shadowedService: 'Service tenant-5/x' } }));
    const graph = exposureGraphOf(findings, names);
    const drawn = selectDrawn(graph);
    expect(drawn.namespaces.length).toBeLessThanOrEqual(MAX_DRAWN_NODES);
    expect(drawn.edges.length).toBeLessThanOrEqual(MAX_DRAWN_EDGES);
    expect(drawn.edges[0]).toMatchObject({ kind: 'shadow', severity: 'critical' });
    for (const edge of drawn.edges) expect(drawn.namespaces).toEqual(expect.arrayContaining([edge.from, edge.to]));
  });
});

describe('bounded page', () => {
  it(`writes at most ${MAX_HTML_FINDINGS.toLocaleString('en-US')} findings, the most severe, and says how many it left out`, async () => {
    const base = finding({ severity: 'low' });
    const findings = Array.from({ length: 12_000 }, (_, i) => ({ ...base, findingId: i.toString(16).padStart(32, '0'), severity: i === 11_999 ? ('critical' as const) : base.severity }));
    const html = await renderHtml({ ...sampleReport, clusters: [{ ...clusterResult(findings), exposureMatrix: {}, tenantNamespaceNames: [] }] });
    expect(html.match(/<details class="finding/g)).toHaveLength(MAX_HTML_FINDINGS);
    expect(html).toContain('data-severity="critical"');
    expect(html).toContain('2,000 less severe finding(s) are not in this page');
  });

  it('shows the affected-namespace count from the count field when the list is bounded', async () => {
    const bounded = { ...finding({ affectedNamespaces: ['tenant-b', 'tenant-c'] }), affectedNamespaceCount: 5000 };
    const html = await renderHtml({ ...sampleReport, clusters: [clusterResult([bounded])] });
    expect(html).toContain('<dt>affected namespaces</dt><dd>5,000: tenant-b, tenant-c and 4,998 more</dd>');
  });
});
