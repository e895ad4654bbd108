/**
 * Every KQL query the project ships parses and binds against the tables' real schema:
 * the alert queries (infra/queries/*.kql, loaded by infra/modules/alerts.bicep), the
 * workbook's queries and the examples in README.md and docs/deployment.md.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { kqlBlocksOf, kqlDiagnostics } from './kql.js';
import { readRepoFile, repoPath } from './helpers.js';
import { declaredParameters, queryItems, withParameterValues } from './workbook-items.js';

const alertQueryFiles = readdirSync(repoPath('infra/queries')).filter((file) => file.endsWith('.kql')).sort();
// Query items (groups included) and the dropdown parameters' own queries, with parameter values filled in.
const workbookQueries = [
  ...queryItems.map((item) => [item.name, item.content.query ?? ''] as const),
  ...declaredParameters.filter((parameter) => parameter.query).map((parameter) => [`parameter ${parameter.name}`, parameter.query!] as const),
].map(([name, query]) => [name, withParameterValues(query)] as const);

// The lines of each alert query that alerts.bicep rewrites to the deployed values
// (it uses replace(), which silently does nothing if a line changes).
const bicepReplacedLines: Record<string, { line: string; deployedExample: string }[]> = {
  'alert-new-critical-high.kql': [{ line: 'let alertWindow = 65m;', deployedExample: 'let alertWindow = 130m;' }],
  'alert-scan-failed-or-partial.kql': [{ line: 'let alertWindow = 65m;', deployedExample: 'let alertWindow = 130m;' }],
  'alert-cluster-silent.kql': [
    { line: 'let silenceThreshold = 12h;', deployedExample: 'let silenceThreshold = 36h;' },
    { line: 'let band = 65m;', deployedExample: 'let band = 130m;' },
  ],
};

describe('the KQL checker', () => {
  it('rejects a column the tables do not have', () => {
    expect(kqlDiagnostics('IstioIsolationFindings_CL | where Sevrity == "high"')).toEqual([expect.stringContaining("'Sevrity'")]);
  });

  it('rejects a column of the other table', () => {
    expect(kqlDiagnostics('IstioIsolationScans_CL | where RuleId == "exportto-missing"')).toEqual([expect.stringContaining("'RuleId'")]);
  });

  it('rejects an unknown table and a syntax error', () => {
    expect(kqlDiagnostics('IstioFindings_CL | take 1')).not.toEqual([]);
    expect(kqlDiagnostics('IstioIsolationScans_CL | where')).not.toEqual([]);
  });

  it('accepts every column of both tables with its type', () => {
    expect(kqlDiagnostics('IstioIsolationFindings_CL | where Suppressed == false and AffectedNamespaceCount > 1 | extend Owners = Evidence.foreignOwners | project TimeGenerated, FindingId, Owners')).toEqual([]);
    expect(kqlDiagnostics('IstioIsolationScans_CL | where DurationMs > 1000 and ApiRequests > 2 | project TimeGenerated, Coverage, ExposedTenantNamespaces')).toEqual([]);
  });
});

describe('alert queries (infra/queries)', () => {
  it('are the three alerts the issue asks for', () => {
    expect(alertQueryFiles).toEqual(Object.keys(bicepReplacedLines).sort());
  });

  it.each(alertQueryFiles)('%s parses and binds', (file) => {
    expect(kqlDiagnostics(readRepoFile(`infra/queries/${file}`))).toEqual([]);
  });

  it.each(alertQueryFiles)('%s keeps the lines alerts.bicep rewrites, and still binds once rewritten', (file) => {
    let query = readRepoFile(`infra/queries/${file}`);
    for (const { line, deployedExample } of bicepReplacedLines[file]!) {
      expect(query.split('\n').filter((candidate) => candidate === line)).toHaveLength(1);
      expect(readRepoFile('infra/modules/alerts.bicep')).toContain(`'${line}'`);
      query = query.replace(line, deployedExample);
    }
    expect(kqlDiagnostics(query)).toEqual([]);
  });
});

describe('workbook queries', () => {
  it('exist, and have every parameter reference filled in', () => {
    expect(workbookQueries.length).toBeGreaterThanOrEqual(5);
    expect(workbookQueries.filter(([, query]) => /\{[A-Za-z][A-Za-z0-9_]*(:[a-z]+)?\}/.test(query))).toEqual([]);
  });

  it.each(workbookQueries)('%s parses and binds', (_name, query) => {
    expect(kqlDiagnostics(query)).toEqual([]);
  });
});

describe('documentation examples', () => {
  const documented = ['README.md', 'docs/deployment.md'].flatMap((file) => kqlBlocksOf(readRepoFile(file)).map((query, index) => [`${file} #${index + 1}`, query] as const));

  it('docs/deployment.md has KQL examples', () => {
    expect(documented.filter(([name]) => name.startsWith('docs/deployment.md')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(documented)('%s parses and binds', (_name, query) => {
    expect(kqlDiagnostics(query)).toEqual([]);
  });
});
