/**
 * Outputs that cannot be turned against the reader (issue 15): names, messages and file names
 * are attacker-controlled, and neither the terminal table nor the markdown comment may let
 * them forge lines, move the cursor, create markdown structure or notify anyone.
 */
import { describe, expect, it } from '@jest/globals';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { escapeMarkdown, mermaidLabel, renderMarkdown } from '../../../src/report/markdown.js';
import { renderTable } from '../../../src/report/render/table.js';
import { escapeControlCharacters } from '../../../src/report/render/text.js';
import type { ScanReport } from '../../../src/report/types.js';
import { clusterResult, finding } from './fixtures.js';

const ESC = '\u001b';
const BEL = '\u0007';
const CSI_C1 = '\u009b';
const RLO = '\u202e';
/** Every control character the table must never print raw: C0 but nothing legitimate, DEL, C1, bidi overrides. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const hostile = `evil${ESC}[2J${ESC}]8;;https://x${BEL}link${CSI_C1}31m\rCRITICAL forged line\nnext${RLO}txt.lanif`;

function hostileReport(): ScanReport {
  const cluster = clusterResult(
    [
      finding({
        namespace: `ns-${hostile}`,
        message: `ServiceEntry ${hostile} has no exportTo.`,
        resource: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: hostile, namespace: 'tenant-a' },
        source: { file: `k8s/${hostile}.yaml`, line: 3 },
      }),
      finding({ findingId: 'b'.repeat(32), suppressed: true, suppressionReason: `ok ${hostile}`, source: undefined }),
    ],
    `prod-${hostile}`,
  );
  cluster.record.error = `Could not read: ${hostile}`;
  cluster.record.meshMode = `Istio ${hostile}`;
  cluster.exposureMatrix = { [`tenant-${hostile}`]: [`owner-${hostile}`] };
  return { scanId: 'scan-1', scanner: { version: '0.1.0' }, clusters: [cluster, clusterResult([], `second-${hostile}`)] };
}

describe('terminal table with hostile input', () => {
  it('shows control characters as visible escapes, so no line is forged and the screen is untouched', () => {
    for (const color of [false, true]) {
      const text = renderTable(hostileReport(), { color, width: 100 });
      // Colour codes are the renderer's own ESC; strip exactly those before looking for raw ones.
      // eslint-disable-next-line no-control-regex
      const withoutOwnColours = text.replace(/\u001b\[\d+(;\d+)*m/g, '');
      expect(withoutOwnColours).not.toMatch(RAW_CONTROL);
      expect(text).not.toContain('\r');
      expect(text).toContain('evil\\x1b[2J\\x1b]8;;https://x\\x07link\\x9b31m\\rCRITICAL forged line\\nnext\\u202etxt.lanif');
      // The only line starting with a severity header is a real one.
      expect(text.split('\n').filter((line) => /^\s*CRITICAL/.test(line))).toEqual([]);
    }
  });

  it('escapes the cluster name in the fleet summary too', () => {
    const summary = renderTable(hostileReport(), { color: false }).split('Fleet:')[1]!;
    expect(summary).toContain('second-evil\\x1b');
    expect(summary).not.toMatch(RAW_CONTROL);
  });

  it('maps every C0, DEL and C1 control to a visible escape', () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const escaped = escapeControlCharacters(`a${String.fromCharCode(code)}b`);
      expect(escaped).not.toMatch(RAW_CONTROL);
      expect(escaped).toMatch(/^a\\(x[0-9a-f]{2}|[nrt])b$/);
    }
  });
});

/** Rendered HTML of a markdown document as GitHub would parse it (CommonMark + GFM tables and autolinks). */
function toHtml(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

describe('markdown with hostile input', () => {
  const attacks = [
    '# heading',
    'a | b | c',
    '[click](https://evil.example)',
    '![img](https://evil.example/x.png)',
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    'https://evil.example/path',
    'www.evil.example',
    'someone@evil.example',
    '@octocat and @org/security-team',
    '#123',
    'line\rline2',
    'line\r\n# second heading',
    '- list item',
    '1. ordered',
    '> quote',
    '**bold** _it_ ~~strike~~ `code` $x^2$',
    '&lt;entity&gt; &amp;',
    '```\nfence',
    '---',
  ];

  it('renders each attack as plain text inside a paragraph: no heading, link, image, HTML, list, quote, code or emphasis', () => {
    const plainParagraph = /^<p>[^<]*<\/p>\n?$/;
    for (const attack of attacks) {
      for (const html of [toHtml(escapeMarkdown(attack)), toHtml(`x ${escapeMarkdown(attack)}`)]) expect({ attack, html }).toEqual({ attack, html: expect.stringMatching(plainParagraph) });
    }
    // The same attacks unescaped do create structure: the check above can fail.
    expect(attacks.filter((attack) => !plainParagraph.test(toHtml(attack))).length).toBeGreaterThanOrEqual(15);
  });

  it('keeps each attack in its table cell', () => {
    for (const attack of attacks) {
      const html = toHtml(`| a | b |\n|---|---|\n| ${escapeMarkdown(attack)} | end |`);
      expect(html.match(/<td>/g)).toHaveLength(2);
      expect(html).toContain('<td>end</td>');
      expect(html).not.toMatch(/<(a|img|script|h\d|code|em|strong|del|ul|ol|blockquote)\b/);
    }
  });

  it('breaks @mentions and #references with a zero-width space, as GitHub finds them after rendering', () => {
    const html = toHtml(escapeMarkdown('@octocat #123 a@b.example'));
    expect(html).not.toMatch(/@[a-z]/);
    expect(html).not.toMatch(/#\d/);
    expect(html).toContain('@\u200boctocat');
  });

  it('reads the same as the input once rendered (apart from the breaks)', () => {
    const text = 'ServiceEntry team-a/x declares *.com, see https://istio.io (exportTo ["*"]) <b>';
    const html = toHtml(escapeMarkdown(text));
    expect(html).toBe(`<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</p>`);
  });

  it('renders a whole hostile report with exactly the structure the renderer made', () => {
    const markdown = renderMarkdown(hostileReport(), { docsBaseUrl: 'https://github.com/example/scanner' });
    const html = toHtml(markdown);
    // Headings: the report's own (h2) and one h3 per cluster.
    expect(html.match(/<h\d/g)).toEqual(['<h2', '<h3', '<h3']);
    // Links: only the rule documentation links the renderer wrote.
    for (const href of html.matchAll(/<a href="([^"]*)"/g)) expect(href[1]).toMatch(/^https:\/\/github\.com\/example\/scanner\/blob\/main\/docs\/rules\/[a-z0-9-]+\.md$/);
    expect(html).not.toMatch(/<(img|script)\b/);
    // One finding row in the first cluster: the hostile CR/LF did not add rows.
    const firstTable = html.split('<table>')[2]!;
    expect(firstTable.match(/<tr>/g)).toHaveLength(2);
  });
});

describe('Mermaid labels', () => {
  it('encodes everything outside a safe set, so a name cannot close the label, add edges or directives, or end the fence', () => {
    const label = mermaidLabel('a"]-->b[x] %%{init}%% ```\nclick n0 call alert(1) <b>#');
    expect(label.slice(1, -1)).toMatch(/^[A-Za-z0-9 ._/\-#;]*$/);
    expect(label).not.toContain('```');
    expect(label).not.toContain('"]');
    expect(label).not.toContain('-->');
    expect(label).toContain('#34;');
    expect(mermaidLabel('team-a')).toBe('"team-a"');
  });
});
