/**
 * Keeps the fault-scenario table honest: docs/reliability.md must hold exactly the table
 * rendered from the catalogue, every catalogued scenario must be run by exactly one test
 * (through expectNoFindingLost), and no test may run a scenario that is not catalogued.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { FAULT_SCENARIOS, renderScenarioTable, withScenarioTable } from './scenarios.js';

const here = new URL('.', import.meta.url);
const testSources = readdirSync(here)
  .filter((name) => name.endsWith('.test.ts') && name !== 'catalogue.test.ts')
  .map((name) => readFileSync(new URL(name, here), 'utf8'));

describe('fault scenario catalogue', () => {
  it('docs/reliability.md carries the table generated from the catalogue (run npm run reliability:doc)', () => {
    const document = readFileSync(new URL('../../docs/reliability.md', import.meta.url), 'utf8');
    expect(document).toContain(renderScenarioTable());
    expect(withScenarioTable(document)).toBe(document);
  });

  it('has unique ids', () => {
    const ids = FAULT_SCENARIOS.map((scenario) => scenario.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every catalogued scenario is checked by exactly one test, and tests check only catalogued ones', () => {
    const checked = testSources.flatMap((source) => [...source.matchAll(/expectNoFindingLost\('([^']+)'/g)].map((match) => match[1]!));
    expect([...checked].sort()).toEqual(FAULT_SCENARIOS.map((scenario) => scenario.id).sort());
  });

  it('the table fails to match when a scenario changes (the check can fail)', () => {
    const document = withScenarioTable('# Reliability\n');
    const changed = FAULT_SCENARIOS.map((scenario, index) => (index === 0 ? { ...scenario, expected: `${scenario.expected}!` } : scenario));
    expect(document).not.toContain(renderScenarioTable(changed));
  });
});
