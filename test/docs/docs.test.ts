/**
 * Documentation contract: every rule (in the registry and in the vendored catalogue from
 * the spec) has docs/rules/<ruleId>.md, the README links every one of them, and the
 * registry agrees with the catalogue on ids, categories and default severities.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_RULES } from '../../src/rules/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface CatalogueEntry {
  ruleId: string;
  category: string;
  severity: string;
}
const catalogue = (JSON.parse(readFileSync(join(root, 'docs/rule-catalogue.json'), 'utf8')) as { rules: CatalogueEntry[] }).rules;
const catalogueIds = catalogue.map((r) => r.ruleId);
const registryIds = ALL_RULES.map((r) => r.meta.id);
const allIds = [...new Set([...catalogueIds, ...registryIds])].sort();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function page(ruleId: string): string | undefined {
  const path = join(root, 'docs/rules', `${ruleId}.md`);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

describe('rule documentation', () => {
  it('the vendored catalogue lists every rule of the spec, once', () => {
    expect(catalogueIds.length).toBeGreaterThanOrEqual(46);
    expect(new Set(catalogueIds).size).toBe(catalogueIds.length);
    // When the spec is reachable (shared/ beside the repository), the vendored copy must match it.
    const spec = [join(root, '../shared/spec/rules.md'), '/work/shared/spec/rules.md'].find((p) => existsSync(p));
    if (spec) {
      const specIds = [...readFileSync(spec, 'utf8').matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
      expect(catalogueIds).toEqual(specIds);
    }
  });

  it.each(allIds)('%s has a doc page with a title, what fires and how to fix', (ruleId) => {
    const text = page(ruleId);
    if (text === undefined) throw new Error(`docs/rules/${ruleId}.md is missing`);
    expect(text.startsWith(`# ${ruleId}`)).toBe(true);
    expect(text).toMatch(/fires/i);
    expect(text).toMatch(/fix/i);
  });

  it.each(allIds)('README links %s', (ruleId) => {
    expect(readme).toContain(`(docs/rules/${ruleId}.md)`);
  });

  it('every registry rule is in the catalogue, with the same category and default severity', () => {
    for (const rule of ALL_RULES) {
      const entry = catalogue.find((r) => r.ruleId === rule.meta.id);
      if (!entry) throw new Error(`${rule.meta.id} is not in the rule catalogue (rules.md)`);
      expect({ id: rule.meta.id, category: rule.meta.category }).toEqual({ id: entry.ruleId, category: entry.category });
      // Graded rules ("critical / high", "low (high in the root namespace)") may default to any listed grade.
      expect({ id: rule.meta.id, severities: entry.severity.match(/critical|high|medium|low|info/g) }).toEqual({ id: rule.meta.id, severities: expect.arrayContaining([rule.meta.defaultSeverity]) });
    }
  });
});
