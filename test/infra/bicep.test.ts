/**
 * Every .bicep file compiles and passes the linter with the real Bicep CLI (the pinned
 * Azure.Bicep.CommandLine.linux-x64 NuGet package, restored by scripts/bicep.sh), and the
 * check really fails on errors and on linter warnings.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runBicepScript } from './helpers.js';

describe('scripts/bicep.sh', () => {
  it('builds and lints every .bicep file of the repository without errors or warnings', () => {
    const result = runBicepScript(['check']);
    expect(result.output).not.toMatch(/ : (Error|Warning) /);
    expect(result.output).toContain('checked ./infra/main.bicep');
    expect(result.output).toContain('checked ./infra/management-group.bicep');
    expect(result.status).toBe(0);
  });

  describe('fails the check', () => {
    // A file at the top level is checked on its own, files in folders by --pattern: cover both.
    const check = (source: string, relativePath: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'bicep-check-'));
      try {
        mkdirSync(dirname(join(dir, relativePath)), { recursive: true });
        writeFileSync(join(dir, 'good.bicep'), "output greeting string = 'hello'\n");
        writeFileSync(join(dir, relativePath), source);
        return runBicepScript(['check', dir]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('on a compile error', () => {
      const result = check("resource ws 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {\n  name: 'x'\n  location: undefinedSymbol\n}\n", 'bad.bicep');
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/Error BCP\d+/);
    });

    it('on a linter warning alone', () => {
      const result = check("param unused string\n\noutput greeting string = 'hello'\n", 'modules/nested/bad.bicep');
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('no-unused-params');
    });
  });
});
