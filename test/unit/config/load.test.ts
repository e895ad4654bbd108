import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadScannerConfig, parseScannerConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/types.js';
import { ALL_RULES } from '../../../src/rules/registry.js';

const known = { knownRuleIds: ['exportto-missing', 'quota-serviceentry-missing'] };

function errorOf(text: string, fileName = 'config.yaml'): string {
  try {
    parseScannerConfig(text, fileName, known);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('scanner configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanner-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the example configuration against the real rule catalogue', () => {
    const config = loadScannerConfig(new URL('../../../examples/scanner-config.yaml', import.meta.url).pathname, { knownRuleIds: ALL_RULES.map((rule) => rule.meta.id) });
    expect(config.sharedNamespaces).toEqual(['shared-egress']);
    expect(config.severityOverrides['quota-serviceentry-missing']).toBe('medium');
    expect(config.suppressions[0]).toMatchObject({ ruleId: 'workload-injection-disabled', expires: '2026-12-31' });
    expect(config.istioVersion).toBe('1.25');
    expect(config.allowedShares).toEqual([{ from: 'team-payments', to: 'team-orders', kinds: ['ServiceEntry'], names: ['payments-gateway'], reason: expect.stringContaining('ARCH-31') }]);
  });

  it('reads JSON as well, and fills defaults', () => {
    const path = join(dir, 'c.json');
    writeFileSync(path, JSON.stringify({ disabledRules: ['exportto-missing'] }));
    expect(loadScannerConfig(path, known)).toEqual(defaultConfig({ disabledRules: ['exportto-missing'] }));
    expect(parseScannerConfig('', 'empty.yaml', known)).toEqual(defaultConfig());
  });

  it('names the path and line of a bad field', () => {
    const message = errorOf(`suppressions:
  - ruleId: exportto-missing
    reason: ok
  - ruleId: exportto-missing
    reason: ""
    expires: next week
`);
    expect(message).toContain('config.yaml:5: suppressions[1].reason must NOT have fewer than 1 characters');
    expect(message).toContain('config.yaml:6: suppressions[1].expires must match pattern');
  });

  it('rejects unknown settings, bad severities, unknown rule ids and impossible dates', () => {
    expect(errorOf('supressions: []\n')).toContain('supressions is not a known setting');
    expect(errorOf('severityOverrides: {exportto-missing: urgent}\n')).toContain('severityOverrides.exportto-missing must be one of critical, high, medium, low, info');
    expect(errorOf('disabledRules: [exportto-mising]\n')).toContain('config.yaml:1: disabledRules[0] names unknown rule "exportto-mising"');
    expect(errorOf('suppressions: [{ruleId: exportto-missing, reason: r, expires: "2026-02-30T00:00:00Z"}]\n')).toContain('suppressions[0].expires is not a real date');
    expect(errorOf('suppressions: [{ruleId: exportto-missing}]\n')).toContain("suppressions[0] must have required property 'reason'");
    expect(errorOf('allowedShares: [{from: a, to: b}]\n')).toContain("allowedShares[0] must have required property 'reason'");
    expect(errorOf('allowedShares: [{from: a, to: b, reason: r, kinds: [Gateway]}]\n')).toContain('allowedShares[0].kinds[0] must be one of ServiceEntry, VirtualService, DestinationRule');
  });

  it('reports unreadable YAML with its line, and a missing file clearly', () => {
    expect(errorOf('systemNamespaces: [a\nb: {\n')).toMatch(/^config\.yaml:\d+: not valid YAML or JSON/);
    expect(() => loadScannerConfig(join(dir, 'missing.yaml'), known)).toThrow(/cannot read configuration file .*missing\.yaml: ENOENT/);
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    expect(() => parseScannerConfig(bomb, 'bomb.yaml', known)).toThrow(ConfigError);
  });
});
