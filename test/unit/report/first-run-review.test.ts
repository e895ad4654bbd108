/** Renderer regressions found while reading the reports as a newcomer (see test/unit/cli/first-run-review.test.ts). */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { DEFAULT_MAX_MARKDOWN_LENGTH, escapeCell, renderMarkdown } from '../../../src/report/markdown.js';
import { renderExposureMatrix, renderTable } from '../../../src/report/render/table.js';
import { artifactLocationOf, buildSarif } from '../../../src/report/sarif.js';
import { clusterResult, finding, sampleCatalogue, sampleReport } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(here, '../../fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object);

describe('SARIF locations of manifests outside the working directory', () => {
  it('keeps relative paths under %SRCROOT% and makes absolute ones file:// URIs without uriBaseId', () => {
    expect(artifactLocationOf('k8s/tenants.yaml')).toEqual({ uri: 'k8s/tenants.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocationOf('/tmp/my manifests/se.yaml')).toEqual({ uri: 'file:///tmp/my%20manifests/se.yaml' });
  });

  it('still validates against the SARIF 2.1.0 schema', () => {
    const report = { ...sampleReport, clusters: [clusterResult([finding({ source: { file: '/tmp/x/se.yaml', line: 3 } })])] };
    const log = buildSarif(report, { rules: sampleCatalogue });
    if (!validateSarif(log)) throw new Error(JSON.stringify(validateSarif.errors, null, 2));
    expect(log.runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'file:///tmp/x/se.yaml' });
  });
});

describe('markdown for pull-request comments', () => {
  it('escapes emphasis and code characters, so "*" ... *.com does not become italics', () => {
    expect(escapeCell('exportTo "*" reaches *.com and ~ `x` [y]')).toBe('exportTo "\\*" reaches \\*.com and \\~ \\`x\\` \\[y\\]');
  });

  it('stays under GitHub\'s comment limit on a large scan and says how many findings it left out', () => {
    const many = Array.from({ length: 3000 }, (_, i) => finding({ findingId: i.toString(16).padStart(32, '0'), namespace: `tenant-${i}`, message: `ServiceEntry tenant-${i}/payments has no exportTo and is visible in every namespace.` }));
    const text = renderMarkdown({ ...sampleReport, clusters: [clusterResult(many)] });
    expect(text.length).toBeLessThanOrEqual(DEFAULT_MAX_MARKDOWN_LENGTH);
    const shown = text.split('\n').filter((line) => line.startsWith('| high |')).length;
    expect(shown).toBeGreaterThan(50);
    expect(text).toContain(`_${3000 - shown} more finding(s) not shown to keep this comment under GitHub's size limit; see the JSON, SARIF or HTML report._`);
  });

  it('leaves a small report whole', () => {
    const text = renderMarkdown(sampleReport);
    expect(text).not.toContain('not shown');
    expect(renderMarkdown(sampleReport, { maxLength: Infinity })).toBe(text);
  });
});

describe('terminal table', () => {
  it('leaves no trailing blanks in the exposure matrix, coloured or not', () => {
    const matrix = { 'tenant-b': ['tenant-a'], 'tenant-c': ['tenant-a', 'tenant-long-name'] };
    for (const line of renderExposureMatrix(matrix)) expect(line).toBe(line.trimEnd());
    const coloured = renderTable({ ...sampleReport, clusters: [{ ...clusterResult([]), exposureMatrix: matrix }] }, { color: true });
    const ESC = String.fromCharCode(27);
    for (const line of coloured.split('\n')) expect(line.split(ESC).join('').replace(/\[\d+m/g, '')).toBe(line.split(ESC).join('').replace(/\[\d+m/g, '').trimEnd());
  });
});
