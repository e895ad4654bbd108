/**
 * Parses and binds KQL against the scanner's Log Analytics tables with Microsoft's Kusto
 * language service (@kusto/language-service-next), the same engine the Azure portal's
 * query editor uses. The schema comes from infra/schema/tables.json, so a query that names
 * a column the tables do not have fails, exactly as it would when the alert or workbook runs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { readRepoJson } from './helpers.js';

export interface TableSchema {
  tableName: string;
  streamName: string;
  columns: { name: string; type: string }[];
}
export interface TablesFile {
  findings: TableSchema;
  scans: TableSchema;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the Bridge.NET API is untyped at this boundary */
type KustoLanguage = any;

let language: KustoLanguage | undefined;

/**
 * The package is a Bridge.NET script that defines globals (`Bridge`, `Kusto`); it is
 * evaluated in its own context so it neither depends on nor pollutes jest's globals.
 */
function kustoLanguage(): KustoLanguage {
  if (language) return language;
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@kusto/language-service-next/package.json'));
  const context = vm.createContext({ console, setTimeout, clearTimeout });
  for (const file of ['bridge.js', 'Kusto.Language.Bridge.js']) {
    vm.runInContext(readFileSync(join(packageDir, file), 'utf8'), context, { filename: file });
  }
  language = (context as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  return language;
}

/** Log Analytics column type (tables.json) -> Kusto scalar type. */
function scalarType(L: KustoLanguage, type: string): unknown {
  const types: Record<string, unknown> = {
    string: L.Symbols.ScalarTypes.String,
    int: L.Symbols.ScalarTypes.Int,
    long: L.Symbols.ScalarTypes.Long,
    real: L.Symbols.ScalarTypes.Real,
    boolean: L.Symbols.ScalarTypes.Bool,
    datetime: L.Symbols.ScalarTypes.DateTime,
    dynamic: L.Symbols.ScalarTypes.Dynamic,
    guid: L.Symbols.ScalarTypes.Guid,
  };
  const symbol = types[type];
  if (!symbol) throw new Error(`tables.json uses column type '${type}', which has no Kusto scalar type here`);
  return symbol;
}

let globals: unknown;

function workspaceGlobals(): unknown {
  if (globals) return globals;
  const L = kustoLanguage();
  const schema = readRepoJson<TablesFile>('infra/schema/tables.json');
  const tables = [schema.findings, schema.scans].map(
    (table) => new L.Symbols.TableSymbol.$ctor4(table.tableName, table.columns.map((column) => new L.Symbols.ColumnSymbol(column.name, scalarType(L, column.type)))),
  );
  const database = new L.Symbols.DatabaseSymbol.$ctor2('workspace', null, tables);
  globals = L.GlobalState.Default.WithDatabase(database);
  return globals;
}

/** Errors and warnings of a query, as "Severity: message (at offset)"; empty when it parses and binds. */
export function kqlDiagnostics(query: string): string[] {
  const L = kustoLanguage();
  const code = L.KustoCode.ParseAndAnalyze(query, workspaceGlobals());
  const diagnostics = code.GetDiagnostics();
  const messages: string[] = [];
  for (let index = 0; index < diagnostics.Count; index++) {
    const diagnostic = diagnostics.getItem(index);
    messages.push(`${diagnostic.Severity}: ${diagnostic.Message} (at ${diagnostic.Start}: '${query.slice(diagnostic.Start, diagnostic.Start + Math.max(diagnostic.Length, 1))}')`);
  }
  return messages;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The ```kql fenced blocks of a Markdown file. */
export function kqlBlocksOf(markdown: string): string[] {
  return [...markdown.matchAll(/```kql\n([\s\S]*?)```/g)].map((match) => match[1]!);
}
