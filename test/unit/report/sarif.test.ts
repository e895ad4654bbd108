import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { ALL_RULES } from '../../../src/rules/registry.js';
import { buildSarif, renderSarif, ruleDocUrl } from '../../../src/report/sarif.js';
import { sampleCatalogue, sampleReport } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(join(here, '../../fixtures/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
// strict: false because the official schema uses annotation keywords (default on $ref siblings).
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

describe('SARIF output', () => {
  it('validates against the official SARIF 2.1.0 schema', () => {
    const log = JSON.parse(renderSarif(sampleReport, { rules: sampleCatalogue, repositoryUrl: 'https://github.com/example/scanner' })) as { version: string; runs: unknown[] };
    const valid = validateSarif(log);
    if (!valid) throw new Error(JSON.stringify(validateSarif.errors, null, 2));
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('the schema catches a broken log (the validation can fail)', () => {
    const log = buildSarif(sampleReport, { rules: sampleCatalogue }) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validateSarif(log)).toBe(false);
  });

  it('lists the whole rule catalogue with help and a helpUri to the rule page', () => {
    const log = buildSarif(sampleReport, { repositoryUrl: 'https://github.com/example/scanner' });
    const rules = log.runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.meta.id));
    const coverage = rules.find((r) => r.id === 'scan-incomplete')!;
    expect(coverage.helpUri).toBe('https://github.com/example/scanner/blob/main/docs/rules/scan-incomplete.md');
    expect(coverage.help?.text.length).toBeGreaterThan(10);
    expect(ruleDocUrl('x', 'https://h')).toBe('https://h/blob/main/docs/rules/x.md');
  });

  it('locates offline findings at file and line, indexes rules and marks suppressions', () => {
    const log = buildSarif(sampleReport, { rules: sampleCatalogue });
    const [located, unlocated, suppressed] = log.runs[0]!.results!;
    expect(located!.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'demo/contaminated/tenant-a.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12 } });
    expect(located!.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe('aks-prod-1/tenant-a/ServiceEntry/payments');
    expect(located!.level).toBe('error');
    expect(located!.ruleIndex).toBe(0);
    // GitHub needs a file for every result: without anchors, a generated location naming the cluster, said so.
    expect(unlocated!.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'istio-isolation-scanner/clusters/aks-prod-1', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } });
    expect(unlocated!.locations![0]!.message!.text).toMatch(/cluster-level; no file of this run holds it.*not a file in the repository/);
    expect(unlocated!.ruleIndex).toBe(1);
    expect(suppressed!.level).toBe('note');
    expect(suppressed!.suppressions).toEqual([{ kind: 'external', justification: 'quota managed by platform team (TICKET-42)' }]);
    expect(located!.suppressions).toBeUndefined();
    expect(located!.partialFingerprints).toEqual({ 'findingId/v1': '0123456789abcdef0123456789abcdef' });
  });
});
